"""Action inputs and CLI flags -> one validated, immutable Settings.

Both front doors (the container action's `INPUT_*` variables and the CLI's `--<name>`
flags) share one input table and one builder. Every value is checked once, here, and every
problem is reported together with the input's name and what it accepts. Nothing downstream
re-parses raw strings: gates and reporters get typed fields.

- `inputs`: the table of inputs (names, defaults, descriptions = action.yml);
- `parsers`: one pure function per kind of value (size, duration, list, ...);
- `values`: the `Settings` dataclass and the choices an input may take;
- `build`: raw strings -> Settings, all problems together.
"""

from __future__ import annotations

from .build import build_settings, raw_from_environ, workspace_root
from .inputs import INPUTS, INPUTS_BY_NAME, InputSpec, secret_values
from .parsers import RULE_CODE, parse_bool, parse_duration, parse_size
from .values import (
    ANNOTATIONS_VALUES,
    FAIL_ON_VALUES,
    LINT_SCOPE_VALUES,
    MAX_CONTRACT_SIZE,
    SUMMARY_VALUES,
    AnnotationsMode,
    ContractEntry,
    FailOn,
    LintScope,
    Settings,
    SummaryMode,
)

__all__ = [
    "ANNOTATIONS_VALUES",
    "FAIL_ON_VALUES",
    "INPUTS",
    "INPUTS_BY_NAME",
    "LINT_SCOPE_VALUES",
    "MAX_CONTRACT_SIZE",
    "RULE_CODE",
    "SUMMARY_VALUES",
    "AnnotationsMode",
    "ContractEntry",
    "FailOn",
    "InputSpec",
    "LintScope",
    "Settings",
    "SummaryMode",
    "build_settings",
    "parse_bool",
    "parse_duration",
    "parse_size",
    "raw_from_environ",
    "secret_values",
    "workspace_root",
]
