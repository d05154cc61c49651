"""``python -m fastexpress run module:app``: the command line (fastexpress/cli.py)."""
import sys

from .cli import main

sys.exit(main())
