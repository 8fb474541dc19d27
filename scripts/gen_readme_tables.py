#!/usr/bin/env python3
"""Write the README's inputs and outputs tables from action.yml.

action.yml is what the runner reads, so it is the source; the README shows the same words.
Each table sits between marker comments and nothing outside them is touched:

    <!-- BEGIN GENERATED inputs: scripts/gen_readme_tables.py -->
    ...
    <!-- END GENERATED inputs -->

    python3 scripts/gen_readme_tables.py           # rewrite README.md in place
    python3 scripts/gen_readme_tables.py --check   # exit 1 when README.md is out of date

`make readme-tables` runs the first; tests/workflows/test_docs_consistency.py runs the
check. Exit codes: 0 up to date / written, 1 out of date (`--check`), 2 a marker or
action.yml is missing or malformed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN GENERATED {name}: scripts/gen_readme_tables.py -->"
END = "<!-- END GENERATED {name} -->"


class MarkerError(Exception):
    """The README lacks a marker pair, or action.yml is not a mapping (exit 2)."""


def _cell(text: str) -> str:
    """One table cell: one line, pipes escaped so the row keeps its columns."""
    return " ".join(str(text).split()).replace("|", "\\|")


def inputs_table(action: dict[str, Any]) -> str:
    rows = ["| Input | Default | Description |", "| --- | --- | --- |"]
    for name, spec in (action.get("inputs") or {}).items():
        default = spec.get("default", "")
        if isinstance(default, bool):
            default = "true" if default else "false"
        rows.append(f"| `{name}` | `{_cell(default)}` | {_cell(spec.get('description', ''))} |")
    return "\n".join(rows)


def outputs_table(action: dict[str, Any]) -> str:
    rows = ["| Output | Description |", "| --- | --- |"]
    for name, spec in (action.get("outputs") or {}).items():
        rows.append(f"| `{name}` | {_cell(spec.get('description', ''))} |")
    return "\n".join(rows)


def replace_between(text: str, name: str, body: str) -> str:
    begin, end = BEGIN.format(name=name), END.format(name=name)
    start = text.find(begin)
    stop = text.find(end)
    if start < 0 or stop < start:
        raise MarkerError(f"README.md needs the markers {begin!r} ... {end!r}")
    return text[: start + len(begin)] + "\n" + body + "\n" + text[stop:]


def render(readme: str, action: dict[str, Any]) -> str:
    """`readme` with both generated tables rewritten from `action`."""
    readme = replace_between(readme, "inputs", inputs_table(action))
    return replace_between(readme, "outputs", outputs_table(action))


def load_action(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise MarkerError(f"{path} is not a YAML mapping")
    return loaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    parser.add_argument("--action", type=Path, default=REPO / "action.yml")
    args = parser.parse_args(argv)
    try:
        current = args.readme.read_text(encoding="utf-8")
        wanted = render(current, load_action(args.action))
    except (OSError, UnicodeError, yaml.YAMLError, MarkerError) as exc:
        print(f"gen_readme_tables: {exc}", file=sys.stderr)
        return 2
    if current == wanted:
        return 0
    if args.check:
        print(
            f"{args.readme.name}: the inputs/outputs tables differ from action.yml; "
            "run `make readme-tables`.",
            file=sys.stderr,
        )
        return 1
    args.readme.write_text(wanted, encoding="utf-8")
    print(f"{args.readme.name}: tables rewritten from {args.action.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
