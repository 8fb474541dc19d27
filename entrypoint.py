"""Container entrypoint: run importspy-action as the GitHub Action (reads INPUT_* variables)."""

import sys

from importspy_action.cli import main

if __name__ == "__main__":
    sys.exit(main(["action"]))
