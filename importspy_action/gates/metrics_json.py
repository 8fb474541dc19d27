"""Strict readers for metrics read back from a JSON report (merge mode: untrusted data).

Each raises ValueError naming the key, which the report reader turns into exit 2 naming
the file; a metrics object never carries a value of an unexpected type into a renderer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def as_str(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"metrics {key!r} must be a string")
    return value


def as_int(data: Mapping[str, Any], key: str, default: int | None = None) -> int:
    value = data.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"metrics {key!r} must be a whole number >= 0")
    return value


def as_opt_float(data: Mapping[str, Any], key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise ValueError(f"metrics {key!r} must be a number")
    if not math.isfinite(value):
        raise ValueError(f"metrics {key!r} must be finite")
    return float(value)


def as_float(data: Mapping[str, Any], key: str) -> float:
    value = as_opt_float(data, key)
    if value is None:
        raise ValueError(f"metrics {key!r} must be a number")
    return value


def as_list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"metrics {key!r} must be a list")
    return value


def as_mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be an object")
    return value
