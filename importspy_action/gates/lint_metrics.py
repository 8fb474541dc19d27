"""The lint gate's numbers and its section: which ruff rules fired, how often, how fixable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..blocks import Block, Column, Link, Table, paragraph
from .metrics_json import as_int, as_list, as_mapping, as_str

NOTHING_TO_LINT = "no changed Python files"


@dataclass(frozen=True)
class RuleRow:
    code: str
    title: str
    url: str | None
    count: int
    fixable: int

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "url": self.url,
            "count": self.count,
            "fixable": self.fixable,
        }

    @classmethod
    def from_json(cls, raw: Any) -> RuleRow:
        data = as_mapping(raw, "a lint rules row")
        url = data.get("url")
        return cls(
            as_str(data, "code"),
            as_str(data, "title", ""),
            url if isinstance(url, str) else None,
            as_int(data, "count"),
            as_int(data, "fixable", 0),
        )


@dataclass(frozen=True)
class LintMetrics:
    ruff_version: str
    ruff_source: str  # bundled | installed
    rules: tuple[RuleRow, ...] = ()
    diagnostics: int = 0
    unformatted: int = 0
    nothing_to_lint: bool = False  # `lint-scope: changed-files` and no Python file changed

    def to_json(self) -> dict[str, Any]:
        return {
            "ruff_version": self.ruff_version,
            "ruff_source": self.ruff_source,
            "rules": [rule.to_json() for rule in self.rules],
            "diagnostics": self.diagnostics,
            "unformatted": self.unformatted,
            "headline": self.headline(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LintMetrics:
        return cls(
            ruff_version=as_str(data, "ruff_version", "?"),
            ruff_source=as_str(data, "ruff_source", "bundled"),
            rules=tuple(RuleRow.from_json(row) for row in as_list(data, "rules")),
            diagnostics=as_int(data, "diagnostics", 0),
            unformatted=as_int(data, "unformatted", 0),
            nothing_to_lint=data.get("headline") == NOTHING_TO_LINT,
        )

    def headline(self) -> str:
        if self.nothing_to_lint:
            return NOTHING_TO_LINT
        if not self.diagnostics and not self.unformatted:
            return "clean"
        rules = len(self.rules) - (1 if self.unformatted else 0)
        return (
            f"{self.diagnostics} diagnostic{'s' if self.diagnostics != 1 else ''} "
            f"({rules} rule{'s' if rules != 1 else ''}), "
            f"{self.unformatted} file{'s' if self.unformatted != 1 else ''} to format"
        )

    def section(self) -> tuple[Block, ...]:
        source = "bundled" if self.ruff_source == "bundled" else "installed"
        head = f"ruff {self.ruff_version} ({source})"
        if not self.rules:
            return (paragraph(f"{head}: no diagnostics, every file formatted."),)
        return (
            paragraph(
                f"{head}: {self.diagnostics} diagnostic{'' if self.diagnostics == 1 else 's'}, "
                f"{self.unformatted} file{'' if self.unformatted == 1 else 's'} to format."
            ),
            Table(
                (Column("Rule"), Column("Count", True), Column("Fixable", True)),
                tuple(
                    (Link(rule.title or rule.code, rule.url), str(rule.count), str(rule.fixable))
                    for rule in self.rules
                ),
            ),
        )

    def outputs(self) -> Mapping[str, str]:
        return {}
