"""`python -m bot` is `sosbot`."""

import sys

from bot.cli import main

sys.exit(main())
