"""A fast yes/no check compiled from one JSON Schema definition: a closed object of scalars.

jsonschema is the authority on the report schema, but walking it over 100,000 findings takes
about 25 s (its per-keyword dispatch and `$ref` resolution). A finding is a flat object of
scalar properties, so a checker specialised to each property's keywords answers the same
question in a fraction of that; report_input.py hands jsonschema only the first finding this
check refuses, for the exact path and reason. A test holds the two to the same verdict.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

_FLAT_KEYWORDS = frozenset(
    {"type", "maxLength", "minLength", "minimum", "maximum", "enum", "const", "pattern"}
)
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
    "array": (list,),
    "object": (dict,),
}


def flat_object_check(root: dict[str, Any], name: str) -> Callable[[Any], bool]:
    """A fast yes/no validator for `$defs/<name>`: an object of scalar properties.

    It understands only the keywords that definition uses (listed in `_FLAT_KEYWORDS`, plus
    `required`, `properties`, `additionalProperties: false` and local `$ref`s) and refuses to
    compile anything else, so a schema change that it would not honour fails loudly here
    (and in the tests) instead of being skipped.
    """
    definition = root["$defs"][name]
    if set(definition) - {"type", "required", "properties", "additionalProperties"} or (
        definition.get("additionalProperties") is not False
    ):
        raise ValueError(f"$defs/{name} is not a flat closed object")
    required = frozenset(definition.get("required", ()))
    checks = {key: _scalar_check(root, spec) for key, spec in definition["properties"].items()}

    def check(value: Any) -> bool:
        if type(value) is not dict or not required <= value.keys():
            return False
        try:
            return all(checks[key](item) for key, item in value.items())
        except KeyError:  # a property the definition does not list
            return False

    return check


def _scalar_check(root: dict[str, Any], spec: dict[str, Any]) -> Callable[[Any], bool]:
    """One property's check, specialised to the keywords it has (1.5M calls per 100k)."""
    while "$ref" in spec:
        if len(spec) != 1 or not spec["$ref"].startswith("#/$defs/"):
            raise ValueError(f"unsupported reference {spec!r}")
        name = spec["$ref"].removeprefix("#/$defs/")
        spec = root["$defs"][name]
        if spec.get("type") == "object":  # a nested closed object of scalars (fingerprint)
            return flat_object_check(root, name)
    unknown = set(spec) - _FLAT_KEYWORDS
    if unknown:
        raise ValueError(f"unsupported keywords {sorted(unknown)}")
    names = spec.get("type", list(_PY_TYPES))
    names = [names] if isinstance(names, str) else names
    allowed = frozenset(t for name in names for t in _PY_TYPES[name])
    # jsonschema counts 3.0 as an integer; json.loads gives exact types, so type() is enough.
    integral_floats = "integer" in names and "number" not in names
    top = spec.get("maxLength", math.inf)
    bottom = spec.get("minLength", 0)
    low = spec.get("minimum", -math.inf)
    high = spec.get("maximum", math.inf)
    pattern = re.compile(spec["pattern"]).search if "pattern" in spec else None
    choices = spec.get("enum", [spec["const"]] if "const" in spec else None)

    def check(value: Any) -> bool:
        kind = type(value)
        if kind not in allowed and not (integral_floats and kind is float and value.is_integer()):
            return False
        if kind is str:
            if not bottom <= len(value) <= top or (pattern is not None and not pattern(value)):
                return False
        elif (kind is int or kind is float) and not low <= value <= high:
            return False
        return choices is None or any(_same(value, choice) for choice in choices)

    return check


def _same(value: Any, expected: Any) -> bool:
    """JSON equality as jsonschema judges enum/const: `true` is not `1`."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return isinstance(value, bool) and isinstance(expected, bool) and value is expected
    return bool(value == expected)
