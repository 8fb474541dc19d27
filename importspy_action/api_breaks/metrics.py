"""The api-breaks gate's numbers: what it compared, for the report, the summary and merge mode.

Counts only -- the findings carry the detail. Kept apart from the gate so that reading a
report back (`from_json`) and rendering it (`headline`, `section`) need no git and no parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from ..blocks import Block, Code, paragraph


@dataclass(frozen=True)
class ApiMetrics:
    """What the gate compared, for the report (counts only; findings carry the detail)."""

    modules_compared: int = 0
    modules_removed: int = 0
    modules_added: int = 0
    modules_private: int = 0
    breaks: int = 0
    warnings: int = 0
    bumped_major: bool = False
    base_sha: str = ""
    base_version: str = ""
    head_version: str = ""
    contracts_written: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def headline(self) -> str:
        if not self.base_sha:
            return "not compared (no base)"
        return (
            f"{self.breaks} break{'s' if self.breaks != 1 else ''} in "
            f"{self.modules_compared} module{'s' if self.modules_compared != 1 else ''}"
        )

    def section(self) -> tuple[Block, ...]:
        if not self.base_sha:
            return ()
        bump = " (major version bumped: breaks are warnings)" if self.bumped_major else ""
        versions = ""
        if self.base_version or self.head_version:
            versions = f"; version {self.base_version or '?'} → {self.head_version or '?'}"
        return (
            paragraph(
                f"Compared {self.modules_compared} modules with the base ",
                Code(self.base_sha[:12]),
                f"{versions}: {self.modules_removed} removed, {self.modules_added} added, "
                f"{self.modules_private} private skipped{bump}.",
            ),
        )

    def outputs(self) -> Mapping[str, str]:
        return {}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApiMetrics:
        """Read back what `to_json` wrote; a field of the wrong type is a ValueError."""
        values: dict[str, Any] = {}
        for spec in fields(cls):
            if spec.name not in data:
                continue
            value = data[spec.name]
            expected = {"int": int, "bool": bool, "str": str}[str(spec.type)]
            if type(value) is not expected:
                raise ValueError(f"api-breaks metrics: {spec.name} must be {spec.type}")
            values[spec.name] = value
        return cls(**values)
