"""importspy-action: gate Python projects on import contracts, coverage and lint, and report
the findings where maintainers look (check runs, annotations, job summary, SARIF, JSON)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("importspy-action")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
