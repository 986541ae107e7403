"""`python -m waveflow.runner`: what the local backend's subprocess and the pod run."""

import sys

from .cli import main

sys.exit(main())
