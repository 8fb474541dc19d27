"""New, existing and fixed: the head's findings classified against the base's.

A head finding is *existing* when the base has a finding with the same gate, code and path
(the base path mapped through the renames git reported) and the same fingerprint; otherwise
it is *new*. Base findings no head finding matched are *fixed*. Matching is a multiset:
two identical base findings absorb at most two head ones, so duplicating a bad line makes
one new finding.

Matching runs in two passes so that moving code keeps its identity:

1. by the context digest (flagged lines plus their nearest non-blank neighbours), which
   tells identical lines in different places apart;
2. what is left, by the flagged lines alone, so a finding whose neighbour changed (a line
   inserted right above it, say) is still existing as long as its own text is unchanged.

A finding whose own line text changed is new in both passes: that is the edit a reviewer
must look at. Where the base findings come from (a JSON report of ours, or the base judged
in a temporary worktree) and how their fingerprints were computed is the caller's business:
this module is pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import report_input
from .errors import ConfigError
from .fingerprint import Fingerprint
from .model import Finding, Identity
from .report_reader import ReadReport, read_report

MAX_BASELINE_BYTES = 256 * 1024 * 1024
"""A baseline report bigger than this is refused (exit 2), not parsed."""


@dataclass(frozen=True)
class Located:
    """A finding with its fingerprint (computed against the source it was found in)."""

    finding: Finding
    fingerprint: Fingerprint


@dataclass(frozen=True)
class Classified:
    """The partition: every head finding is in `new` or `existing`; `fixed` holds base ones."""

    new: tuple[Located, ...]
    existing: tuple[Located, ...]
    fixed: tuple[Located, ...]

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "existing": len(self.existing), "fixed": len(self.fixed)}

    @cached_property
    def _states(self) -> dict[Finding, str]:
        states = {item.finding: "unchanged" for item in self.existing}
        states.update((item.finding, "new") for item in self.new)  # equal twins: say new
        return states

    def state_of(self, finding: Finding) -> str | None:
        """SARIF baselineState of a head finding: 'new', 'unchanged', or None if unknown."""
        return self._states.get(finding)


def classify(
    head: Sequence[Located],
    base: Sequence[Located],
    renames: Mapping[str, str] | None = None,
) -> Classified:
    """Split `head` into new and existing against `base`; unmatched base findings are fixed.

    `renames` maps a base path to its head path (git's rename detection, old -> new).
    """
    moved = dict(renames or {})
    matched_head: dict[int, int] = {}  # head index -> base index
    used_base: set[int] = set()
    for exact in (True, False):
        pool: dict[tuple[str, str, str, str], list[int]] = {}
        for index, item in enumerate(base):
            if index in used_base:
                continue
            path = moved.get(item.fingerprint.path, item.fingerprint.path)
            pool.setdefault(item.fingerprint.key(path=path, exact=exact), []).append(index)
        for index, item in enumerate(head):
            if index in matched_head:
                continue
            candidates = pool.get(item.fingerprint.key(exact=exact))
            if candidates:
                base_index = candidates.pop(0)
                matched_head[index] = base_index
                used_base.add(base_index)
    return Classified(
        new=tuple(item for i, item in enumerate(head) if i not in matched_head),
        existing=tuple(item for i, item in enumerate(head) if i in matched_head),
        fixed=tuple(item for i, item in enumerate(base) if i not in used_base),
    )


def load_report(path: Path, display: str) -> ReadReport:
    """A baseline JSON report of ours, read as data (`report_reader`); ConfigError if not.

    Its findings are data: their severities and paths are used for matching only, never to
    decide the head's verdict, and its own `result` is ignored.
    """
    return _read(_load_json(path, display), display)


def load_baseline(path: Path, display: str) -> tuple[ReadReport, dict[Identity, Fingerprint]]:
    """The report and the fingerprints its findings carry (reports of ours since they
    carry them; findings without one are absent from the mapping)."""
    data = _load_json(path, display)
    return _read(data, display), report_fingerprints(data)


def _read(data: Any, display: str) -> ReadReport:
    try:
        return read_report(data)
    except ValueError as exc:
        raise ConfigError(
            f"Input `baseline-report`: {display!r} is not an importspy-action JSON report: {exc}"
        ) from None


def _load_json(path: Path, display: str) -> Any:
    """The capped, schema-validating reader merge mode uses: a baseline report is an
    artifact another run uploaded, so it is read with the same care."""
    try:
        return report_input.read_report(path, max_bytes=MAX_BASELINE_BYTES)
    except ConfigError as exc:
        raise ConfigError(f"Input `baseline-report`: {display!r}: {exc}") from None


_DIGEST = re.compile(r"[0-9a-f]{32}")


def fingerprint_from_json(finding: Finding, raw: Any) -> Fingerprint | None:
    """A finding's `fingerprint` object from a report (untrusted); None when malformed."""
    if not isinstance(raw, Mapping):
        return None
    line, context = raw.get("line"), raw.get("context")
    occurrence, located = raw.get("occurrence", 1), raw.get("located", True)
    if not (isinstance(line, str) and _DIGEST.fullmatch(line)):
        return None
    if not (isinstance(context, str) and _DIGEST.fullmatch(context)):
        return None
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        occurrence = 1
    return Fingerprint(
        finding.gate, finding.code, finding.path, line, context, occurrence, located is True
    )


def report_fingerprints(data: Any) -> dict[Identity, Fingerprint]:
    """Identity -> fingerprint of every well-formed finding with a `fingerprint` object."""
    prints: dict[Identity, Fingerprint] = {}
    gates = data.get("gates") if isinstance(data, Mapping) else None
    for gate in gates if isinstance(gates, list) else ():
        findings = gate.get("findings") if isinstance(gate, Mapping) else None
        for item in findings if isinstance(findings, list) else ():
            if not isinstance(item, Mapping) or "fingerprint" not in item:
                continue
            try:
                finding = Finding.from_json(item)
            except ValueError:
                continue
            print_ = fingerprint_from_json(finding, item["fingerprint"])
            if print_ is not None:
                prints[finding.identity] = print_
    return prints
