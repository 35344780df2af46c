"""`python -m bot.web`: the demo firm page and the widget files (the launcher starts it)."""

import sys

from bot.web.server import main

sys.exit(main())
