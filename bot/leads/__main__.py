"""Staff CLI for the consultation-request outbox.

python -m bot.leads list [--status pending|delivered|failed]
python -m bot.leads show LEAD_ID [--reveal]     # personal details hidden unless --reveal
python -m bot.leads retry LEAD_ID               # make a failed or pending lead due now
python -m bot.leads deliver                     # one delivery round, then exit
python -m bot.leads worker                      # the background retry loop (make run starts it)
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from typing import List

from bot import settings
from bot.leads.config import destination_from, outbox_for
from bot.leads.delivery import RetryLoop, deliver_due
from bot.review.redact import redact_lead


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.leads", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list")
    listing.add_argument("--status", choices=["pending", "delivered", "failed"])
    show = sub.add_parser("show")
    show.add_argument("lead_id")
    show.add_argument("--reveal", action="store_true", help="show personal details")
    retry = sub.add_parser("retry")
    retry.add_argument("lead_id")
    sub.add_parser("deliver")
    worker = sub.add_parser("worker")
    worker.add_argument("--interval", type=float, default=5.0)
    args = parser.parse_args(argv)

    config = settings.load()
    outbox = outbox_for(config.outbox_url)

    if args.command == "list":
        for lead in outbox.list(args.status):
            when = lead.created_at.strftime("%Y-%m-%d %H:%M")
            print(
                f"{lead.id}  {when}  {lead.status:<9} attempts={lead.attempts}  {lead.last_error or ''}"
            )
        return 0
    if args.command == "show":
        lead = outbox.get(args.lead_id)
        if lead is None:
            print(f"no lead {args.lead_id}", file=sys.stderr)
            return 1
        payload = lead.payload if args.reveal else redact_lead(lead.payload)
        print(json.dumps({"id": lead.id, "status": lead.status, "attempts": lead.attempts,
                          "last_error": lead.last_error, "lead": payload}, indent=2))  # fmt: skip
        return 0
    if args.command == "retry":
        if not outbox.requeue(args.lead_id):
            print(f"no pending or failed lead {args.lead_id}", file=sys.stderr)
            return 1
        print(f"{args.lead_id} is due now")
        return 0

    destination = destination_from(config)
    if args.command == "deliver":
        print(json.dumps(deliver_due(outbox, destination)))
        return 0

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    loop = RetryLoop(outbox, destination, args.interval).start()
    print(f"lead worker delivering to {destination.name} every {args.interval:g} s", flush=True)
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopped.append(1))
    while not stopped:
        signal.pause()
    loop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
