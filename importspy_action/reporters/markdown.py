"""Markdown helpers shared by the job summary and the gates' summary sections."""

from __future__ import annotations


def cell(text: str) -> str:
    """Make arbitrary text safe inside a markdown table cell."""
    cleaned = " ".join(str(text).split())
    return cleaned.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
