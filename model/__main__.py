"""``python -m model``: the same as the ``feasibility`` command."""

import sys

from model.cli.main import main

sys.exit(main())
