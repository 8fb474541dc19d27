"""Which runtime judged a report, and what merge mode makes of reports from several.

The contract engine runs in the action's own interpreter -- the container's, or with the
native action the job's (`actions/setup-python`). Its runtime and dependency checks describe
that interpreter, so every report records it in `context` (`runtime`, a short label, plus
its parts), and a `shard: K/N` job records its share. Merge mode then:

- names, for a finding that occurs in some runtimes but not all, the runtimes it occurs in
  (one annotation instead of one per runtime);
- refuses a set of shard reports with a share missing (exit 2), since a check run that
  silently lacks a quarter of the modules would pass what it never judged.
"""

from __future__ import annotations

import platform
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .errors import ConfigError
from .model import Finding


def runtime_facts() -> dict[str, str]:
    """This interpreter, as the JSON report's `context` records it."""
    implementation = platform.python_implementation()
    version = platform.python_version()
    system, machine = platform.system(), platform.machine()
    return {
        "runtime": f"{implementation} {version} · {system} · {machine}",
        "runtime_implementation": implementation,
        "runtime_python": version,
        "runtime_os": system,
        "runtime_arch": machine,
    }


def runtime_of(context: Mapping[str, str]) -> str:
    """A report's runtime label ("" for a report that does not record one)."""
    return context.get("runtime", "")


def name_runtimes(parts: Sequence[tuple[str, Sequence[Finding]]]) -> list[Finding]:
    """Every finding of every runtime; one seen in some runtimes but not all says which.

    `parts` are (runtime label, that runtime's findings). Findings are matched by identity,
    so the verdict's de-duplication then keeps one per problem.
    """
    runtimes = sorted({label for label, _ in parts})
    if len(runtimes) < 2 or "" in runtimes:  # one runtime, or one not recorded: nothing to say
        return [finding for _, findings in parts for finding in findings]
    where: dict[tuple[str, str, str, int, int, str], set[str]] = {}
    for label, findings in parts:
        for finding in findings:
            where.setdefault(finding.identity, set()).add(label)
    named = []
    for _, findings in parts:
        for finding in findings:
            seen = where[finding.identity]
            if len(seen) < len(runtimes):
                suffix = f" (on {', '.join(sorted(seen))}; not on the other runtimes)"
                finding = replace(finding, message=finding.message + suffix)
            named.append(finding)
    return named


def check_shards(contexts: Sequence[tuple[str, Mapping[str, str]]]) -> list[str]:
    """Notes on the shards that arrived; ConfigError when a share is missing or reports
    disagree on how many shares there are. `contexts` are (report name, its context)."""
    shares: dict[str, set[int]] = {}
    for name, context in contexts:
        shard = context.get("shard", "")
        if not shard:
            continue
        number, _, total = shard.partition("/")
        if not (number.isdigit() and total.isdigit() and 1 <= int(number) <= int(total)):
            raise ConfigError(f"Input `reports`: {name} records shard {shard!r}, not K/N.")
        shares.setdefault(total, set()).add(int(number))
    if not shares:
        return []
    if len(shares) > 1:
        raise ConfigError(
            "Input `reports`: the reports were split into different numbers of shards "
            f"({', '.join(sorted(shares, key=int))}); merge one split at a time."
        )
    ((total, arrived),) = shares.items()
    missing = sorted(set(range(1, int(total) + 1)) - arrived)
    if missing:
        raise ConfigError(
            f"Input `reports`: shard{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f'{k}/{total}' for k in missing)} did not arrive (got "
            f"{', '.join(f'{k}/{total}' for k in sorted(arrived))}); a merged check run "
            "without them would pass modules nobody judged."
        )
    return [f"All {total} shards arrived ({', '.join(f'{k}/{total}' for k in sorted(arrived))})."]
