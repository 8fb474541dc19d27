"""The two kinds of failure that are not gate verdicts, each tied to its exit code.

Raising one of these anywhere below the CLI turns into a clear one-line message, an error
annotation and a summary line -- never a traceback -- so the user learns what to fix.
"""

from __future__ import annotations

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_INTERNAL = 3


class ActionError(Exception):
    """Base class: carries the exit code that describes it."""

    exit_code = EXIT_INTERNAL


class ConfigError(ActionError):
    """Bad configuration or input: a named input, a missing file, an unreadable contract."""

    exit_code = EXIT_CONFIG


class ToolError(ActionError):
    """A tool or engine we drive failed in a way the user's configuration did not cause."""

    exit_code = EXIT_INTERNAL
