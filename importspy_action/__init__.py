"""importspy-action: gate Python projects on import contracts, coverage and lint, and report
the findings where maintainers look (check runs, annotations, job summary, SARIF, JSON)."""

__version__ = "0.1.0"
"""The single source of the version: pyproject.toml reads it, and the container, which runs
the package from source without installing it, reports it too."""

__all__ = ["__version__"]
