"""``python -m bot.rasa_server run ...``: ``rasa run`` with the project's checks and fixes."""

import os
import sys

from bot import settings
from bot.rasa_server import patches, preflight


def main() -> int:
    argv = sys.argv[1:]
    config = settings.load()  # every NOC_ setting, validated in one place
    problem = preflight.api_problem(argv, config.rasa_api_token)
    if problem is None and argv[:1] == ["run"]:
        # The address endpoints.yml expands, exactly as Rasa will see it: an unset variable
        # must be reported, not replaced by the settings' SQLite default.
        url = os.environ.get("NOC_TRACKER_URL", "")
        problem = preflight.tracker_store_problem(url, config.tracker_wait_s)
    if problem:
        print(f"ERROR: {problem}", file=sys.stderr, flush=True)
        return 2
    if "--enable-api" in argv:
        # Added here, not by the launcher, so the token never appears in the process list.
        sys.argv += ["--auth-token", config.rasa_api_token]
    # Sanic refuses bodies above this with 413 before any of our code runs (default 100 MB).
    # Set for this process only: the action server receives whole conversations from Rasa.
    os.environ["SANIC_REQUEST_MAX_SIZE"] = str(config.max_request_bytes)
    patches.apply(action_timeout_s=config.action_timeout_s)
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
