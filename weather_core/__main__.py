"""`python -m weather_core`: the command line (weather_core/cli/)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
