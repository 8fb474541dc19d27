"""The JSON report: the stable, versioned record of a run (docs/report-schema.md)."""

from __future__ import annotations

import json
from pathlib import Path

from ..model import Report
from .files import write_atomic


def render(report: Report) -> str:
    return json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"


def write(report: Report, path: Path) -> None:
    write_atomic(path, render(report))
