"""``python -m bot.rasa_server run ...``: ``rasa run`` with the project's fixes applied."""

import sys

from bot.rasa_server import patches

if __name__ == "__main__":
    patches.apply()
    from rasa.__main__ import main

    sys.argv[0] = "rasa"
    sys.exit(main())
