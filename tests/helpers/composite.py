"""Run a composite action's steps here the way a GitHub runner would (no `act`, no Docker).

Each `run:` step is written to a file and executed with `bash --noprofile --norc -eo
pipefail <file>` (GitHub's `shell: bash`), in the workspace, with the step's `env:` after
expression substitution plus the variables the runner sets (GITHUB_ACTION_PATH,
GITHUB_OUTPUT fresh per step, GITHUB_WORKSPACE, RUNNER_TEMP, ...). The `${{ }}` evaluator
knows what composite actions here use: `inputs.*` (defaults from the action file),
`runner.temp`, `runner.os`, `github.token`, `steps.<id>.outputs.*`, and `if:` conditions of
the form `<expr> != 'text'` / `<expr> == 'text'`. `actions/cache` is emulated by its
semantics: a hit when a step with that exact key succeeded before (RUNNER_TEMP is kept
between runs, so the cached path is simply still there).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CONDITION = re.compile(r"^(?P<left>[\w.-]+)\s*(?P<op>==|!=)\s*'(?P<right>[^']*)'$")


@dataclass
class StepRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]


@dataclass
class CompositeRun:
    steps: dict[str, StepRun] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    failed: str | None = None


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT: `name=value` lines and `name<<DELIM` heredocs."""
    values: dict[str, str] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and "=" not in line.split("<<", 1)[0]:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            values[name] = "\n".join(lines[index + 1 : end])
            index = end + 1
            continue
        name, _, value = line.partition("=")
        if name:
            values[name] = value
        index += 1
    return values


class CompositeRunner:
    def __init__(
        self,
        action_file: Path,
        action: Mapping[str, Any],
        *,
        workspace: Path,
        runner_temp: Path,
        base_env: Mapping[str, str],
    ) -> None:
        self.action_file, self.action = action_file, action
        self.workspace, self.runner_temp = workspace, runner_temp
        self.base_env = dict(base_env)
        self.cache_keys = runner_temp / "cache-keys"
        self._pending_key = ""

    def run(self, inputs: Mapping[str, str], scratch: Path) -> CompositeRun:
        given = {
            name: str(inputs.get(name, spec.get("default", "")))
            for name, spec in self.action["inputs"].items()
        }
        result = CompositeRun()
        for number, step in enumerate(self.action["runs"]["steps"]):
            ident = str(step.get("id", f"step{number}"))
            context = {"inputs": given, "steps": {k: v.outputs for k, v in result.steps.items()}}
            if "if" in step and not self._condition(str(step["if"]), context):
                result.skipped.append(ident)
                continue
            if "uses" in step:
                result.steps[ident] = self._uses(step, context)
            else:
                result.steps[ident] = self._bash(step, context, scratch / ident)
            if result.steps[ident].returncode != 0:
                result.failed = ident
                break
        return result

    def _value(self, expression: str, context: Mapping[str, Any]) -> str:
        parts = expression.split(".")
        if parts[0] == "inputs":
            return str(context["inputs"][parts[1]])
        if parts[:2] == ["runner", "temp"]:
            return str(self.runner_temp)
        if parts[:2] == ["runner", "os"]:
            return "Linux"
        if parts[:2] == ["github", "token"]:
            return ""
        if parts[0] == "steps" and parts[2] == "outputs":
            return str(context["steps"].get(parts[1], {}).get(parts[3], ""))
        raise ValueError(f"expression not supported by this runner: {expression!r}")

    def _expand(self, text: str, context: Mapping[str, Any]) -> str:
        return EXPRESSION.sub(lambda m: self._value(m.group(1), context), text)

    def _condition(self, text: str, context: Mapping[str, Any]) -> bool:
        match = CONDITION.match(EXPRESSION.sub(lambda m: m.group(1), text).strip())
        if not match:
            raise ValueError(f"condition not supported by this runner: {text!r}")
        left = self._value(match["left"], context)
        return (left == match["right"]) == (match["op"] == "==")

    def _uses(self, step: Mapping[str, Any], context: Mapping[str, Any]) -> StepRun:
        if not str(step["uses"]).startswith("actions/cache@"):
            raise ValueError(f"action not supported by this runner: {step['uses']}")
        key = self._expand(str(step["with"]["key"]), context)
        hit = (self.cache_keys / key).is_file()
        self._pending_key = key
        return StepRun(0, "", "", {"cache-hit": "true" if hit else "false"})

    def save_cache(self) -> None:
        """The cache action's post step: store the key once the job succeeded."""
        self.cache_keys.mkdir(parents=True, exist_ok=True)
        (self.cache_keys / self._pending_key).write_text("saved\n")

    def _bash(self, step: Mapping[str, Any], context: Mapping[str, Any], folder: Path) -> StepRun:
        assert step.get("shell") == "bash"
        folder.mkdir(parents=True, exist_ok=True)
        script, output = folder / "script.sh", folder / "output"
        script.write_text(str(step["run"]), encoding="utf-8")
        output.write_text("")
        env = dict(self.base_env)
        env.update(
            GITHUB_ACTION_PATH=str(self.action_file.parent),
            GITHUB_OUTPUT=str(output),
            GITHUB_WORKSPACE=str(self.workspace),
            RUNNER_TEMP=str(self.runner_temp),
            RUNNER_OS="Linux",
            GITHUB_ACTIONS="true",
        )
        for name, value in (step.get("env") or {}).items():
            env[str(name)] = self._expand(str(value), context)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        return StepRun(proc.returncode, proc.stdout, proc.stderr, parse_outputs(output.read_text()))


def runner_env(path_first: Path, summary: Path) -> dict[str, str]:
    """A small, runner-like base environment: PATH with the job's `python` first."""
    env = {
        "PATH": f"{path_first}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "GITHUB_STEP_SUMMARY": str(summary),
        "NO_COLOR": "1",
    }
    for name, value in os.environ.items():  # this machine's package index settings
        if name.startswith("PIP_") or name == "SSL_CERT_FILE":
            env[name] = value
    return env
