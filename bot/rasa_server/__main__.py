"""``python -m bot.rasa_server run ...``: ``rasa run`` with the project's checks and fixes."""

import os
import sys

from bot.rasa_server import patches, preflight

DEFAULT_TRACKER_WAIT_S = 20.0
DEFAULT_MAX_REQUEST_BYTES = 64 * 1024


def main() -> int:
    argv = sys.argv[1:]
    token = os.environ.get("NOC_RASA_API_TOKEN", "")
    problem = preflight.api_problem(argv, token)
    if problem is None and argv[:1] == ["run"]:
        problem = preflight.tracker_store_problem(
            os.environ.get("NOC_TRACKER_URL", ""),
            float(os.environ.get("NOC_TRACKER_WAIT_S") or DEFAULT_TRACKER_WAIT_S),
        )
    if problem:
        print(f"ERROR: {problem}", file=sys.stderr, flush=True)
        return 2
    if "--enable-api" in argv:
        # Added here, not by the launcher, so the token never appears in the process list.
        sys.argv += ["--auth-token", token]
    # Sanic refuses bodies above this with 413 before any of our code runs (default 100 MB).
    # (Set for this process only: the action server receives whole conversations from Rasa.)
    os.environ["SANIC_REQUEST_MAX_SIZE"] = os.environ.get(
        "NOC_MAX_REQUEST_BYTES", str(DEFAULT_MAX_REQUEST_BYTES)
    )
    patches.apply()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
