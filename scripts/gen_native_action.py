#!/usr/bin/env python3
"""Generate native/action.yml (the composite action) from the container action.yml.

The native action must offer exactly the container action's inputs and outputs, plus
`python`, so the two cannot drift: this script copies the `inputs:` block of action.yml
verbatim, appends `python`, turns every output into `value: ${{ steps.run.outputs.<name> }}`
and maps every input into the run step's environment as the `INPUT_<NAME>` variable a
container action would receive (a composite action exports no INPUT_* by itself).

    python3 scripts/gen_native_action.py            # write native/action.yml
    python3 scripts/gen_native_action.py --check    # exit 1 when the checked-in file differs

Standard library only. Exit codes: 0 written / up to date, 1 `--check` found a difference,
2 action.yml is not shaped as expected.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "action.yml"
TARGET = REPO / "native" / "action.yml"

CACHE_ACTION = "actions/cache@5a3ec84eff668545956fd18022155c47e93e2684 # v4.2.3"

PYTHON_INPUT = """\
  python:
    description: >-
      Interpreter that runs the checks (native action only): a command on PATH or a path.
      Default `python`, i.e. what actions/setup-python put on PATH. The contract engine runs
      in a virtualenv made from it, so runtime checks see this interpreter, OS and
      architecture, and dependency checks see its site-packages unless `site-packages` is set.
    required: false
    default: "python"
"""

PREPARE = r"""set -euo pipefail
# Find the interpreter, and the facts the cached virtualenv depends on: its version, build,
# path and architecture, and the hash of the action's lock file.
if ! command -v "$IMPORTSPY_PYTHON" >/dev/null 2>&1; then
  echo "Input \`python\`: no interpreter '$IMPORTSPY_PYTHON' on PATH; set up Python" \
    "first (actions/setup-python) or give a path." >&2
  exit 2
fi
action_root="$(cd "$GITHUB_ACTION_PATH/.." && pwd)"
"$IMPORTSPY_PYTHON" - "$action_root/requirements.lock" >>"$GITHUB_OUTPUT" <<'PY'
import hashlib
import platform
import sys
import sysconfig

if sys.version_info < (3, 10):
    found = sys.version.split()[0]
    print("Input `python`: importspy-action needs Python >= 3.10, found", found, file=sys.stderr)
    sys.exit(2)
lock = open(sys.argv[1], "rb").read()
facts = "\n".join((sys.version, sys.executable, platform.machine(), sys.platform))
key = hashlib.sha256(lock + b"\0" + facts.encode("utf-8", "surrogateescape")).hexdigest()[:24]
print("key=" + key)
print("tag=" + sys.implementation.name + "-" + ".".join(map(str, sys.version_info[:3])))
print("site-packages=" + sysconfig.get_paths()["purelib"])
PY
"""

CACHE_KEY = (
    "importspy-action-venv-${{ runner.os }}-${{ steps.prepare.outputs.tag }}"
    "-${{ steps.prepare.outputs.key }}"
)
VENV_DIR = "${{ runner.temp }}/importspy-action-venv-${{ steps.prepare.outputs.key }}"

INSTALL = r"""set -euo pipefail
# A fresh virtualenv from the job's interpreter with the action's hash-pinned dependencies
# (wheels only: nothing from the index is built or run at install time).
"$IMPORTSPY_PYTHON" -m venv "$IMPORTSPY_VENV"
venv_python="$IMPORTSPY_VENV/bin/python"  # Windows: Scripts/python.exe
if [ -f "$IMPORTSPY_VENV/Scripts/python.exe" ]; then
  venv_python="$IMPORTSPY_VENV/Scripts/python.exe"
fi
"$venv_python" -m pip install --quiet --disable-pip-version-check --no-input \
  --require-hashes --only-binary :all: -r "$GITHUB_ACTION_PATH/../requirements.lock"
"""

RUN = r"""set -euo pipefail
venv_python="$IMPORTSPY_VENV/bin/python"  # Windows: Scripts/python.exe
if [ -f "$IMPORTSPY_VENV/Scripts/python.exe" ]; then
  venv_python="$IMPORTSPY_VENV/Scripts/python.exe"
fi
# The action's own package comes from this action's checkout through a .pth file: no build
# step (building would fetch setuptools unpinned), and the cached virtualenv stays valid
# for any action version with the same lock.
"$venv_python" - "$GITHUB_ACTION_PATH/.." <<'PY'
import os
import sysconfig
import sys

root = os.path.abspath(sys.argv[1])
pth = os.path.join(sysconfig.get_paths()["purelib"], "importspy_action_native.pth")
with open(pth, "w", encoding="utf-8") as stream:
    stream.write(root + "\n")
PY
exec "$venv_python" -m importspy_action.cli action
"""


class ActionFileError(Exception):
    """action.yml is not shaped as this script expects (exit 2)."""


def _block(text: str, key: str) -> str:
    """The lines of a top-level `key:` block, without the key line."""
    match = re.search(rf"^{key}:\n((?:[ #].*\n|\n)*)", text, re.MULTILINE)
    if not match:
        raise ActionFileError(f"action.yml has no top-level `{key}:` block")
    return match.group(1)


def _names(block: str) -> list[str]:
    return re.findall(r"^  ([A-Za-z0-9_-]+):", block, re.MULTILINE)


def _header(text: str) -> dict[str, str]:
    values = {}
    for key in ("name", "description", "author"):
        match = re.search(rf'^{key}: "(.*)"$', text, re.MULTILINE)
        if not match:
            raise ActionFileError(f"action.yml has no quoted top-level `{key}`")
        values[key] = match.group(1)
    return values


def _indent(script: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in script.splitlines(True))


def generate(text: str) -> str:
    header = _header(text)
    inputs = _block(text, "inputs")
    outputs = _block(text, "outputs")
    input_names = _names(inputs)
    if "python" in input_names:
        raise ActionFileError("action.yml already has an input `python`")
    output_lines = []
    for line in outputs.splitlines():
        output_lines.append(line)
        name = re.match(r"^  ([A-Za-z0-9_-]+):$", line)
        if name:
            output_lines.append(f'    value: "${{{{ steps.run.outputs.{name.group(1)} }}}}"')
    env_lines = "".join(
        f'        INPUT_{name.upper()}: "${{{{ inputs.{name} }}}}"\n' for name in input_names
    )
    return f"""\
# GENERATED by scripts/gen_native_action.py from ../action.yml -- do not edit by hand.
# The native (composite) variant: same inputs and outputs as the container action, plus
# `python`; the checks run in a virtualenv made from the job's own interpreter. See
# docs/native.md.
name: "{header["name"]} (native)"
description: "{header["description"]} Runs in the job's own Python, OS and environment."
author: "{header["author"]}"
branding:
  icon: "shield"
  color: "blue"
inputs:
{inputs}{PYTHON_INPUT}outputs:
{chr(10).join(output_lines)}
runs:
  using: "composite"
  steps:
    - name: "Find the interpreter"
      id: prepare
      shell: bash
      env:
        IMPORTSPY_PYTHON: "${{{{ inputs.python }}}}"
      run: |
{_indent(PREPARE, 8)}    - name: "Restore the cached ImportSpy virtualenv"
      id: cache
      uses: {CACHE_ACTION}
      with:
        path: "{VENV_DIR}"
        key: "{CACHE_KEY}"
    - name: "Install ImportSpy and the action's pinned dependencies"
      if: steps.cache.outputs.cache-hit != 'true'
      shell: bash
      env:
        IMPORTSPY_PYTHON: "${{{{ inputs.python }}}}"
        IMPORTSPY_VENV: "{VENV_DIR}"
      run: |
{_indent(INSTALL, 8)}    - name: "Run the gates"
      id: run
      shell: bash
      env:
        IMPORTSPY_VENV: "{VENV_DIR}"
        IMPORTSPY_ACTION_NATIVE_SITE_PACKAGES: "${{{{ steps.prepare.outputs.site-packages }}}}"
{env_lines}      run: |
{_indent(RUN, 8)}"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    try:
        wanted = generate(args.source.read_text(encoding="utf-8"))
    except (OSError, ActionFileError) as exc:
        print(f"gen_native_action: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.target.read_text(encoding="utf-8") if args.target.is_file() else ""
        if current != wanted:
            print(
                f"{args.target} is out of date: run python3 scripts/gen_native_action.py",
                file=sys.stderr,
            )
            return 1
        return 0
    args.target.parent.mkdir(parents=True, exist_ok=True)
    args.target.write_text(wanted, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
