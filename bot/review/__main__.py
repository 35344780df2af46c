"""python -m bot.review serve | add-user NAME | retention

serve       the staff app on NOC_HOST:NOC_REVIEW_PORT (make run starts it)
add-user    create a staff account; the password is read from standard input (not an argument,
            so it stays out of the shell history and the process list)
retention   delete conversations and consultation requests past their retention period
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import List

from bot import settings as settings_module


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.review", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve")
    add = sub.add_parser("add-user")
    add.add_argument("username")
    sub.add_parser("retention")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = settings_module.load()

    from bot.review.store import ReviewStore

    store = ReviewStore(config.tracker_url, config.review_db_url)
    if args.command == "add-user":
        from bot.review.auth import Accounts

        if sys.stdin.isatty():
            password = getpass.getpass("Password (12 characters or more): ")
        else:
            password = sys.stdin.readline().rstrip("\n")
        try:
            Accounts(store).create(args.username, password)
        except ValueError as error:
            print(f"ERROR: {error}", file=sys.stderr)
            return 2
        print(f"Created staff account {args.username.strip().lower()}")
        return 0
    if args.command == "retention":
        from bot.review.retention import apply_retention

        print(apply_retention(config, store))
        return 0

    from waitress import serve

    from bot.review.app import create_app
    from bot.review.retention import start_daily

    start_daily(config, store)
    logging.getLogger("bot.review").info(
        "Staff review app on http://%s:%s/", config.host, config.review_port
    )
    serve(create_app(config, store), host=config.host, port=config.review_port, threads=8,
          ident="noc-review")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
