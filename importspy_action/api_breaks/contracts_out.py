"""`write-contracts`: the inferred public API as ImportSpy 0.5 contract YAML.

`importspy init` writes a starter contract with names only. This writes the same shape
(`schema_version`, `filename`, `variables`, `functions`, `classes` with `methods` and
`superclasses`) plus what the surface knows and the engine can check exactly: parameter
names, annotations, literal defaults and return annotations. The engine admits extra
parameters, so a contract alone does not catch a new required parameter -- the api-breaks
gate does; the contract is a starting point for the hand-kept policy.

Left out on purpose, because the engine cannot verify them statically and would report them
as unknown (ISPY-S103): instance attributes, re-exported names, and defaults that are not
plain literals. The YAML is emitted with PyYAML's safe dumper (no tags, no anchors), and
every file is checked with importspy's own model before it is written.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml

from ..safe_paths import WriteRoots, atomic_write
from .api_model import Member, ModuleSurface, Param

HEADER = (
    "# Inferred by importspy-action (api-breaks) from source declarations, never executed.\n"
    "# A starting point: review it, then keep it by hand (docs/api-breaks.md).\n"
)

_LITERAL = (int, float, str, bool, type(None))


def contract_of(surface: ModuleSurface) -> dict[str, Any]:
    """The ImportSpy contract mapping of one module's public API."""
    data: dict[str, Any] = {"schema_version": 1, "filename": Path(surface.path).name}
    variables, functions, classes = [], [], []
    for name in surface.public_names():
        member = surface.member(name)
        if member is None or member.kind == "alias":
            continue
        if member.kind == "attribute":
            variables.append(_variable(member))
        elif member.kind == "function":
            functions.append(_function(member))
        elif member.kind == "class":
            classes.append(_class(member))
    for key, items in (("variables", variables), ("functions", functions), ("classes", classes)):
        if items:
            data[key] = items
    return data


def _variable(member: Member) -> dict[str, Any]:
    item: dict[str, Any] = {"name": member.name}
    if member.annotation:
        item["annotation"] = member.annotation
    return item


def _argument(param: Param) -> dict[str, Any]:
    item: dict[str, Any] = {"name": param.name}
    if param.annotation:
        item["annotation"] = param.annotation
    if param.default is not None:
        try:
            value = ast.literal_eval(param.default)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return item
        if isinstance(value, _LITERAL) and not (isinstance(value, str) and len(value) > 200):
            item["value"] = value
    return item


def _function(member: Member) -> dict[str, Any]:
    item: dict[str, Any] = {"name": member.name}
    arguments = [_argument(param) for param in member.params]
    if arguments:
        item["arguments"] = arguments
    if member.returns:
        item["return_annotation"] = member.returns
    return item


def _class(member: Member) -> dict[str, Any]:
    item: dict[str, Any] = {"name": member.name}
    attributes = [
        {**_variable(child), "type": "class"}
        for child in member.public_members()
        if child.kind == "attribute" and not child.instance and not child.decorators
    ]
    methods = [_function(child) for child in member.public_members() if child.kind == "function"]
    if attributes:
        item["attributes"] = attributes
    if methods:
        item["methods"] = methods
    if member.bases:
        item["superclasses"] = [{"name": base} for base in member.bases if "[" not in base]
        if not item["superclasses"]:
            del item["superclasses"]
    return item


def render(surface: ModuleSurface) -> str:
    """The YAML text of one contract, header comment first."""
    body = yaml.safe_dump(contract_of(surface), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def validate(text: str) -> None:
    """Check a contract with importspy's own model (ValueError naming the fields if not)."""
    from importspy.policy import AdmissionPolicy  # the engine's schema, not a copy of it

    data = yaml.safe_load(text)
    AdmissionPolicy.model_validate(data)


def write(surfaces: list[ModuleSurface], directory: Path, roots: WriteRoots) -> list[Path]:
    """Write `<module path>.importspy.yml` under `directory` for each surface; paths written.

    `directory` comes from the workflow (trusted), but the module paths inside it mirror the
    pull request's file names, so the writes go through `safe_paths`: inside the run's
    roots, never through a symlink, atomically (OutputError, exit 2, otherwise).
    """
    written = []
    for surface in surfaces:
        text = render(surface)
        validate(text)
        target = directory / Path(surface.path).with_suffix(".importspy.yml")
        atomic_write(target, text.encode("utf-8"), roots, what="Input `write-contracts`")
        written.append(target)
    return written
