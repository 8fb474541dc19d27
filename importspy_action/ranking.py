"""Which findings a reader sees first, and which become annotations.

Places that show only some findings (check-run annotations capped by `max-annotations`,
workflow-command annotations capped by GitHub at 10 per level) must show the ones that
matter: errors first, then findings on lines the change touched (the author can act on those
in this pull request), then the rest in the usual worst-first order. `annotations:
changed-lines` narrows annotations to findings on changed lines; when the changed lines are
unknown (no git history, no pull request) it cannot, so it keeps all and says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .diff import ChangedLines
from .model import Finding, Severity


def on_changed_lines(finding: Finding, changes: ChangedLines | None) -> bool:
    return changes is not None and changes.touches(
        finding.path, finding.start_line, finding.last_line
    )


def rank(findings: Iterable[Finding], changes: ChangedLines | None) -> list[Finding]:
    """Errors first; within and after them, findings on changed lines first."""

    def key(finding: Finding) -> tuple[int, int, tuple[int, str, int, int, str]]:
        return (
            0 if finding.severity is Severity.ERROR else 1,
            0 if on_changed_lines(finding, changes) else 1,
            finding.sort_key(),
        )

    return sorted(findings, key=key)


@dataclass(frozen=True)
class Selection:
    """Findings chosen for annotation, and how many were left out and why."""

    findings: tuple[Finding, ...]
    eligible: int  # after the `annotations` mode, before the cap
    total: int
    note: str = ""

    @property
    def capped(self) -> int:
        return self.eligible - len(self.findings)


def select(
    findings: Iterable[Finding],
    *,
    mode: str,
    changes: ChangedLines | None,
    limit: int | None,
) -> Selection:
    """Apply `annotations` (all | changed-lines | none) and a cap, keeping the ranked order."""
    ranked = rank(findings, changes)
    total = len(ranked)
    note = ""
    if mode == "none":
        return Selection((), 0, total, "annotations are off (`annotations: none`)")
    if mode == "changed-lines":
        if changes is None:
            eligible = ranked
            note = (
                "`annotations: changed-lines` could not tell which lines changed (no pull "
                "request or `base-ref`, or no history), so every finding is annotated"
            )
        else:
            eligible = [f for f in ranked if on_changed_lines(f, changes)]
            note = (
                f"`annotations: changed-lines`: {len(eligible)} of {total} findings are on "
                "lines this change touched"
            )
    else:
        eligible = ranked
    chosen = eligible if limit is None else eligible[: max(0, limit)]
    return Selection(tuple(chosen), len(eligible), total, note)
