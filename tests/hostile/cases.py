"""The hostile corpus: every case is a builder that plants an attack and names the exit.

Grouped by class (tests/hostile/README.md): writes outside the workspace, workflow-command
injection, git option injection, merged reports that lie, resources, silent loss, traversal,
encoding, NUL bytes, bombs, malformed configuration. Each builder gets a fresh `Site` and
returns the action's inputs; `test_corpus.py` runs the real action and judges the outcome.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from tests.hostile.site import EVIL, MARKER, SHA, Build, Case, Site

# -- small, valid starting points ------------------------------------------------------------

MODULE = "import os\n\nVALUE = 1\n\n\ndef run():\n    return os.sep\n"
STRING_LINES = json.dumps(
    {"files": {"src/mod.py": {"executed_lines": ["1"], "missing_lines": ["x"]}}}
)
MOD: dict[str | bytes, str | bytes] = {"src/mod.py": MODULE}
CONTRACTS_ON_MOD = {"contracts": "src/mod.py"}


def project(site: Site) -> None:
    """One module and a coverage.py JSON report of it (3 of 4 lines covered)."""
    site.write("src/mod.py", MODULE)
    site.json("cov.json", coverage_json({"src/mod.py": ([1, 3, 6], [7])}))


def coverage_json(files: dict[str, tuple[list[int], list[int]]]) -> dict[str, Any]:
    return {
        "meta": {"format": 2, "version": "7.4.0"},
        "files": {
            name: {"executed_lines": hit, "missing_lines": missed, "excluded_lines": []}
            for name, (hit, missed) in files.items()
        },
        "totals": {},
    }


def cobertura(files: dict[str, tuple[list[int], list[int]]], *, prolog: str = "") -> str:
    classes = []
    for name, (hit, missed) in files.items():
        lines = "".join(
            f'<line number="{n}" hits="{1 if n in hit else 0}"/>' for n in sorted(hit + missed)
        )
        attr = name.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
        attr = attr.replace("\r", "&#13;").replace("\n", "&#10;")
        classes.append(f'<class name="c" filename="{attr}"><lines>{lines}</lines></class>')
    return (
        f'<?xml version="1.0"?>{prolog}<coverage version="7.4"><sources><source>.</source>'
        f'</sources><packages><package name="p"><classes>{"".join(classes)}</classes>'
        "</package></packages></coverage>"
    )


CONTRACT = "schema_version: 1\nfilename: {name}\nvariables:\n  - name: VALUE\n    value: {value}\n"


def coverage_inputs(**extra: str) -> dict[str, str]:
    return {"coverage-file": "cov.json", **extra}


def finding(**extra: Any) -> dict[str, Any]:
    values = {
        "gate": "contracts",
        "code": "ISPY-S101",
        "severity": "error",
        "path": "src/mod.py",
        "start_line": 1,
        "end_line": 1,
        "start_column": None,
        "end_column": None,
        "title": "missing thing",
        "message": "module breaks its contract",
        "expected": None,
        "observed": None,
        "help": None,
        "url": None,
        "context": None,
    }
    values.update(extra)
    return values


def report(
    findings: list[dict[str, Any]] | None = None, *, gate: dict[str, Any] | None = None, **top: Any
) -> dict[str, Any]:
    """A schema-1 JSON report as a matrix job (or a fork) would upload it."""
    items = findings or []
    errors = sum(1 for f in items if f.get("severity") == "error")
    gate_doc = {
        "gate": "contracts",
        "status": "failed" if errors else "passed",
        "error": None,
        "exit_code": 1 if errors else 0,
        "counts": {"error": errors, "warning": 0, "notice": 0},
        "metrics": {},
        "notes": [],
        "findings": items,
    }
    gate_doc.update(gate or {})
    document: dict[str, Any] = {
        "schema_version": 1,
        "tool": {"name": "importspy-action", "version": "0.1.0"},
        "engine": {"name": "importspy", "version": "0.5.0"},
        "generated_at": "2026-01-01T00:00:00+00:00",
        "result": "failed" if errors else "passed",
        "exit_code": 1 if errors else 0,
        "fail_on": "error",
        "counts": {"error": errors, "warning": 0, "notice": 0},
        "context": {"repository": "octo/example", "sha": SHA, "event": "push", "job": "py"},
        "jobs": [{"job": "py", "result": "failed" if errors else "passed"}],
        "gates": [gate_doc],
    }
    document.update(top)
    return document


def merge(document: dict[str, Any] | str | bytes, **extra: str) -> Build:
    """Merge mode over one uploaded report (dry-run, so the check-run payload is on disk)."""

    def build(site: Site) -> dict[str, str]:
        site.write("src/mod.py", MODULE)
        raw = document if isinstance(document, (str, bytes)) else json.dumps(document)
        site.write("reports/py.json", raw)
        return {"reports": "reports/*.json", "dry-run": "true", "json-report": "", **extra}

    return build


CASES: list[Case] = []


def add(name: str, kind: str, build: Build, exit_code: int, says: str = "", **kw: Any) -> None:
    CASES.append(Case(name, kind, build, exit_code, says, **kw))


def with_project(inputs: dict[str, str]) -> Build:
    def build(site: Site) -> dict[str, str]:
        project(site)
        return inputs

    return build


def _files(files: dict[str | bytes, str | bytes], inputs: dict[str, str]) -> Build:
    def build(site: Site) -> dict[str, str]:
        for rel, data in files.items():
            site.write(rel, data)
        return inputs

    return build


# -- 1. writes outside the workspace -----------------------------------------------------------


def _summary_written(result: Any) -> None:
    assert "Could not write" not in result.stderr, result.stderr
    assert result.summary.strip(), "the job summary was lost"


def _sarif_written(site: Site, result: Any) -> None:
    assert (site.ws / "importspy.sarif").is_file(), "the other outputs are still written"


def _report_written(site: Site, result: Any) -> None:
    assert (site.ws / "importspy-report.json").is_file(), "the other outputs are still written"


def planted(rel: str, target: str, inputs: dict[str, str], *, dangling: bool = False) -> Build:
    def build(site: Site) -> dict[str, str]:
        project(site)
        victim = site.parent / "outside" / target if dangling else site.outside(target)
        site.link(rel, victim)
        return coverage_inputs(**inputs)

    return build


def planted_dir(rel: str, inputs: dict[str, str]) -> Build:
    def build(site: Site) -> dict[str, str]:
        project(site)
        site.outside("dir/keep.txt")
        site.link(rel, site.parent / "outside" / "dir")
        return coverage_inputs(**inputs)

    return build


add(
    "json-report symlink to a file",
    "writes",
    planted("importspy-report.json", "victim.json", {}),
    2,
    "json-report",
    check=_sarif_written,
)
add(
    "json-report dangling symlink",
    "writes",
    planted("importspy-report.json", "new.json", {}, dangling=True),
    2,
    "json-report",
)
add(
    "json-report folder symlinked out",
    "writes",
    planted_dir("out", {"json-report": "out/r.json"}),
    2,
    "json-report",
)
add(
    "json-report ../ path",
    "writes",
    with_project(coverage_inputs(**{"json-report": "../outside-r.json"})),
    2,
    "json-report",
)


def _absolute_report(site: Site) -> dict[str, str]:
    project(site)
    return coverage_inputs(**{"json-report": str(site.parent / "abs.json")})


add("json-report absolute path", "writes", _absolute_report, 2, "json-report")


def _hardlinked_report(site: Site) -> dict[str, str]:
    project(site)
    victim = site.outside("hard.json")
    (site.ws / "importspy-report.json").hardlink_to(victim)
    return coverage_inputs()


add("json-report hardlinked to a file outside", "writes", _hardlinked_report, 0)
add(
    "sarif symlink to a file",
    "writes",
    planted("importspy.sarif", "victim.sarif", {}),
    2,
    "sarif",
    check=_report_written,
)
add(
    "sarif dangling symlink",
    "writes",
    planted("importspy.sarif", "new.sarif", {}, dangling=True),
    2,
    "sarif",
)
add(
    "sarif folder symlinked out", "writes", planted_dir("out", {"sarif": "out/x.sarif"}), 2, "sarif"
)
add(
    "sarif ../ path",
    "writes",
    with_project(coverage_inputs(sarif="../../x.sarif")),
    2,
    "sarif",
)
add("badge folder symlinked out", "writes", planted_dir("badges", {"badge": "badges"}), 2, "badge")
add(
    "badge file symlinked out",
    "writes",
    planted("badges/coverage.svg", "victim.svg", {"badge": "badges"}),
    2,
    "badge",
)
add(
    "badge ../ folder",
    "writes",
    with_project(coverage_inputs(badge="../badges")),
    2,
    "badge",
)
add(
    "dry-run payload folder symlinked out",
    "writes",
    planted_dir("importspy-check-run", {"dry-run": "true"}),
    2,
    "dry-run",
)


def _payload_replaced(site: Site, result: Any) -> None:
    payload = site.ws / "importspy-check-run" / "001-create.json"
    assert not payload.is_symlink() and payload.is_file(), "the planted link is replaced"


add(
    "dry-run payload file symlinked out",
    "writes",
    planted("importspy-check-run/001-create.json", "victim.json", {"dry-run": "true"}),
    0,
    check=_payload_replaced,
)
add(
    "dry-run stale payload is a symlink",
    "writes",
    planted("importspy-check-run/009-update.json", "victim.json", {"dry-run": "true"}),
    0,
)


def _api_project(site: Site) -> None:
    site.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1"\n')
    site.write("src/pkg/__init__.py", "def api(x):\n    return x\n")
    site.git("init", "-q")
    site.commit_all()


def _api_breaks_with(**inputs: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        _api_project(site)
        return {"api-breaks": "src/pkg/*.py", **inputs}

    return build


def _write_contracts_link(site: Site) -> dict[str, str]:
    _api_project(site)
    site.outside("dir/keep.txt")
    site.link("contracts-out", site.parent / "outside" / "dir")
    return {"api-breaks": "src/pkg/*.py", "write-contracts": "contracts-out", "base-ref": "main"}


def _write_contracts_file_link(site: Site) -> dict[str, str]:
    _api_project(site)
    victim = site.outside("victim.yml")
    site.link("contracts-out/src/pkg/__init__.importspy.yml", victim)
    return {"api-breaks": "src/pkg/*.py", "write-contracts": "contracts-out", "base-ref": "main"}


add("write-contracts folder symlinked out", "writes", _write_contracts_link, 2, "write-contracts")
add(
    "write-contracts file symlinked out", "writes", _write_contracts_file_link, 2, "write-contracts"
)
add(
    "write-contracts ../ folder",
    "writes",
    _api_breaks_with(**{"write-contracts": "../contracts", "base-ref": "main"}),
    2,
    "write-contracts",
)


def _runner_file_link(variable: str) -> Build:
    """A previous step ran PR code and swapped a runner file command for a symlink."""

    def build(site: Site) -> dict[str, str]:
        project(site)
        victim = site.outside(f"{variable}.victim")
        link = site.parent / f"{variable}.link"
        link.symlink_to(victim)
        site.env[variable] = str(link)
        return coverage_inputs()

    return build


add(
    "GITHUB_OUTPUT is a planted symlink",
    "writes",
    _runner_file_link("GITHUB_OUTPUT"),
    2,
    "GITHUB_OUTPUT",
)
add(
    "GITHUB_STEP_SUMMARY is a planted symlink",
    "writes",
    _runner_file_link("GITHUB_STEP_SUMMARY"),
    2,
    "GITHUB_STEP_SUMMARY",
)
add(
    "working-directory symlinked out",
    "writes",
    planted_dir("wd", {"working-directory": "wd"}),
    2,
    "working-directory",
)


# -- 2. workflow-command injection ------------------------------------------------------------

PAYLOADS = {
    "add-mask": f"::add-mask::{MARKER}",
    "set-output": f"::set-output name=result::{MARKER}",
    "error-location": f"::error file={MARKER}.py,line=1,title={MARKER}::{MARKER}",
    "legacy-group": f"##[group]{MARKER}",
    "stop-commands": f"::stop-commands::{MARKER}",
    "ansi-osc": f"link: \x1b]8;;https://{EVIL}\x07{MARKER}\x1b]8;;\x07\x1b[2J\x1b[31m",
    "carriage-return": f"ok\r::warning::{MARKER}",
    "line-separator": f"ok\u2028::notice::{MARKER}",
    "unicode-indent": f"\u3000\u00a0\u2003::error::{MARKER}",
    "legacy-inline": f"see ##[error]{MARKER} and ##[endgroup]",
    "newline": f"ok\n::add-mask::{MARKER}\n##[set-output name=x;]{MARKER}",
}
CONTRACT_SET = ("error-location", "carriage-return", "newline")
XML_SET = (
    "add-mask",
    "error-location",
    "legacy-group",
    "ansi-osc",
    "line-separator",
    "unicode-indent",
)
JSON_SET = (
    "set-output",
    "stop-commands",
    "legacy-inline",
    "carriage-return",
    "newline",
    "line-separator",
)
NOT_XML = "\x1b\x07"
"""Characters XML 1.0 cannot carry even as references: such a Cobertura report is exit 2."""


def _file_name(payload: str) -> str:
    return payload.replace("/", "_")


def inject_module_name(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        stem = _file_name(payload)
        site.write(f"src/{stem}.py", "OTHER = 1\n")
        contract = CONTRACT.format(name=json.dumps(f"{stem}.py"), value=1)
        site.write(f"src/{stem}.importspy.yml", contract)
        return {"contracts": "src/*.py"}

    return build


def inject_contract_text(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        site.write("src/mod.py", MODULE)
        site.write(
            "src/mod.importspy.yml", CONTRACT.format(name="mod.py", value=json.dumps(payload))
        )
        return {"contracts": "src/mod.py"}

    return build


def inject_contract_yaml_error(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        site.write("src/mod.py", MODULE)
        site.write("src/mod.importspy.yml", f"schema_version: 1\nfilename: [\n{payload}: {{\n")
        return {"contracts": "src/mod.py"}

    return build


def inject_cobertura(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        name = f"src/{_file_name(payload)}.py"
        site.write(name, MODULE)
        site.write("src/mod.py", MODULE)
        site.write("cov.xml", cobertura({name: ([1], [3, 6]), "src/mod.py": ([1, 3], [6])}))
        return {"coverage-file": "cov.xml", "coverage-per-file-threshold": "90"}

    return build


def inject_coverage_key(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        site.write("src/mod.py", MODULE)
        unmapped = f"elsewhere/{payload}.py"
        site.json("cov.json", coverage_json({"src/mod.py": ([1], [3]), unmapped: ([1], [2])}))
        return coverage_inputs(**{"coverage-per-file-threshold": "90"})

    return build


def inject_lint_name(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        site.write(f"src/{_file_name(payload)}.py", "import os\n")
        return {"lint": "true"}

    return build


def inject_ruff_stderr(payload: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        site.write("src/mod.py", MODULE)
        site.write("ruff.toml", f"[lint]\nselect = [{json.dumps(payload)}]\n")
        return {"lint": "true"}

    return build


def inject_report(payload: str) -> Build:
    text = {"title": payload, "message": payload, "help": payload, "expected": payload}
    return merge(
        report(
            [finding(**text)],
            gate={"notes": [payload]},
            jobs=[{"job": payload, "result": "failed"}],
        )
    )


VECTORS: dict[str, tuple[Callable[[str], Build], int, tuple[str, ...]]] = {
    "module file name": (inject_module_name, 1, CONTRACT_SET),
    "contract text": (inject_contract_text, 1, CONTRACT_SET),
    "contract YAML error excerpt": (inject_contract_yaml_error, 2, CONTRACT_SET),
    "Cobertura filename": (inject_cobertura, 1, XML_SET),
    "coverage JSON file key": (inject_coverage_key, 1, JSON_SET),
    "ruff file name": (inject_lint_name, 1, CONTRACT_SET),
    "ruff stderr": (inject_ruff_stderr, 2, CONTRACT_SET),
    "merged report strings": (inject_report, 1, tuple(PAYLOADS)),
}
for _vector, (_make, _exit, _names) in VECTORS.items():
    for _name in _names:
        _payload = PAYLOADS[_name]
        if _make is inject_cobertura and any(char in _payload for char in NOT_XML):
            _exit_here = 2
        else:
            _exit_here = _exit
        add(f"{_vector}: {_name}", "injection", _make(_payload), _exit_here)


for _name, _config in (
    ("ruff.toml output-file outside", f'output-file = "../{MARKER}-ruff.txt"\n'),
    ("ruff.toml cache-dir outside", f'cache-dir = "../{MARKER}-cache"\n'),
    ("pyproject ruff output-file outside", f'[tool.ruff]\noutput-file = "../{MARKER}.txt"\n'),
):
    _file = "pyproject.toml" if _name.startswith("pyproject") else "ruff.toml"
    # ruff has no `output-file` setting (a config error, exit 2); `cache-dir` is ignored
    # because the lint gate runs ruff with --no-cache.
    _exit = 0 if "cache-dir" in _name else 2
    add(_name, "writes", _files({**MOD, _file: _config}, {"lint": "true"}), _exit)


# -- 3. git option injection ------------------------------------------------------------------


def _git_project(site: Site) -> str:
    project(site)
    site.git("init", "-q")
    return site.commit_all()


def base_ref(ref: str, **extra: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        _git_project(site)
        return coverage_inputs(**{"base-ref": ref, "diff-coverage-threshold": "50", **extra})

    return build


for _ref in (
    f"--upload-pack=touch {MARKER}",
    f"--output={MARKER}",
    f"-o{MARKER}",
    f"--exec=touch {MARKER}",
    "main..--output=x",
    f"main:../{MARKER}",
):
    add(f"base-ref {_ref!r}", "git", base_ref(_ref), 2, "base-ref")


def _pr_event_with(
    base_sha: str, head_sha: str, *, base_ref: str = "main", head_ref: str = "f"
) -> Build:
    def build(site: Site) -> dict[str, str]:
        _git_project(site)
        pull = {
            "number": 7,
            "head": {"sha": head_sha, "ref": head_ref, "repo": {"full_name": "octo/example"}},
            "base": {"sha": base_sha, "ref": base_ref, "repo": {"full_name": "octo/example"}},
        }
        site.event("pull_request", {"number": 7, "pull_request": pull})
        return coverage_inputs(**{"diff-coverage-threshold": "50"})

    return build


def _merge_group_with(base_sha: str, head_sha: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        _git_project(site)
        group = {"base_sha": base_sha, "head_sha": head_sha, "head_ref": "gh-readonly-queue/x"}
        site.event("merge_group", {"merge_group": group})
        return coverage_inputs(**{"diff-coverage-threshold": "50"})

    return build


add("pull_request base.sha is an option", "git", _pr_event_with(f"--output={MARKER}", "b" * 40), 0)
add(
    "pull_request head.sha is an option",
    "git",
    _pr_event_with("b" * 40, f"--upload-pack=touch {MARKER}"),
    0,
)
add(
    "pull_request base.ref is an option",
    "git",
    _pr_event_with("b" * 40, "c" * 40, base_ref=f"--output={MARKER}"),
    0,
)
add(
    "pull_request head.ref is an option",
    "git",
    _pr_event_with("b" * 40, "c" * 40, head_ref=f"--upload-pack=touch {MARKER}"),
    0,
)
add(
    "merge_group base_sha is an option", "git", _merge_group_with(f"--output={MARKER}", "b" * 40), 0
)
add(
    "merge_group head_sha is an option",
    "git",
    _merge_group_with("b" * 40, f"-c core.pager=touch {MARKER}"),
    0,
)


add(
    "api-breaks base-ref is an option",
    "git",
    _api_breaks_with(**{"base-ref": f"--output={MARKER}"}),
    2,
    "base-ref",
)


# -- 4. merged reports that lie ---------------------------------------------------------------

add("exit_code 256 claimed", "reports", merge(report(exit_code=256)), 2, "py.json")
add("exit_code -1 claimed", "reports", merge(report(exit_code=-1)), 2, "py.json")
add(
    "status passed with an error finding",
    "reports",
    merge(
        report([finding()], result="passed", exit_code=0, gate={"status": "passed", "exit_code": 0})
    ),
    1,
)
add(
    "counts hide the errors",
    "reports",
    merge(
        report(
            [finding()],
            counts={"error": 0, "warning": 0, "notice": 0},
            gate={"counts": {"error": 0, "warning": 0, "notice": 0}},
        )
    ),
    1,
)


URL_KEYS = frozenset({"details_url", "url", "html_url", "run_url", "href", "uri"})
FOREIGN_MARKUP = re.compile(rf"<(?:img|script|iframe|b)\b|<a\b[^>]*{re.escape(EVIL)}", re.I)


def _rendered(markdown: str) -> str:
    """HTML as GitHub renders the markdown (raw HTML let through, so none can hide)."""
    html: str = cmarkgfm.github_flavored_markdown_to_html(
        markdown, options=Options.CMARK_OPT_UNSAFE
    )
    return html


def _markdown_fields(site: Site) -> list[tuple[str, str, dict[str, Any]]]:
    """(where, markdown, payload body) of the summary and every check-run output field."""
    found = []
    for path in sorted((site.ws / "importspy-check-run").glob("*.json")):
        body = json.loads(path.read_text())["body"]
        output = body.get("output") or {}
        for field in ("summary", "text"):
            found.append((f"{path.name} output.{field}", output.get(field) or "", body))
    return found


def _url_values(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [url for k, v in value.items() for url in _url_values(v, k)]
    if isinstance(value, list):
        return [url for item in value for url in _url_values(item, key)]
    return [value] if key in URL_KEYS and isinstance(value, str) else []


def _no_foreign_links(site: Site, result: Any) -> None:
    """No link, image or URL field leads to a host the report chose; text may mention it."""
    fields = [("job summary", result.summary, {}), *_markdown_fields(site)]
    for where, markdown, body in fields:
        html = _rendered(markdown)
        assert f'href="https://{EVIL}' not in html, f"{where} links to a foreign host"
        assert f'src="https://{EVIL}' not in html, f"{where} shows a foreign image"
        foreign = [url for url in _url_values(body) if EVIL in url]
        assert foreign == [], f"{where}: URL fields {foreign}"


def _no_markup(site: Site, result: Any) -> None:
    """Report text renders as text: no tag, link or image of its own reaches GitHub's HTML."""
    _no_foreign_links(site, result)
    fields = [("job summary", result.summary, {}), *_markdown_fields(site)]
    for where, markdown, _ in fields:
        found = FOREIGN_MARKUP.findall(_rendered(markdown))
        assert found == [], f"{where} renders report markup: {found}"


add(
    "details_url and run_url point elsewhere",
    "reports",
    merge(
        report(
            [finding()],
            context={
                "repository": "octo/example",
                "sha": SHA,
                "job": "py",
                "run_url": f"https://{EVIL}/run",
                "details_url": f"https://{EVIL}/d",
            },
            jobs=[{"job": "py", "result": "failed", "run_url": f"https://{EVIL}/r"}],
        )
    ),
    1,
    check=_no_foreign_links,
)
add(
    "finding url points elsewhere",
    "reports",
    merge(report([finding(url=f"https://{EVIL}/rule", help=f"see https://{EVIL}/x")])),
    1,
    check=_no_foreign_links,
)


MARKUP = (
    f'<img src="https://{EVIL}/p.png"> <script>alert(1)</script> '
    f"![x](https://{EVIL}/t.png) [click](https://{EVIL}/) <a href='//{EVIL}'>a</a> "
    "</details></table><!-- | col | --> @everyone #1"
)
add(
    "raw HTML and markdown in messages",
    "reports",
    merge(
        report(
            [finding(title=MARKUP, message=MARKUP, help=MARKUP, code="<b>X</b>")],
            gate={"notes": [MARKUP]},
            jobs=[{"job": MARKUP, "result": "failed"}],
        )
    ),
    1,
    check=_no_markup,
)


def _annotations_located(site: Site, result: Any) -> None:
    for path in (site.ws / "importspy-check-run").glob("*.json"):
        body = json.loads(path.read_text())["body"]
        for note in body.get("output", {}).get("annotations", []):
            where = note["path"]
            assert not where.startswith("/") and ".." not in where.split("/"), where
            assert (site.ws / where).is_file(), f"annotation on a missing file: {where}"


for _path in ("../../etc/passwd", "/etc/passwd", "src/missing.py"):
    add(
        f"finding path {_path!r}",
        "reports",
        merge(report([finding(path=_path)])),
        1,
        check=_annotations_located,
    )


def _reports_outside(pattern: str) -> Build:
    """A report beside the workspace; `{parent}` in the glob is the parent folder."""

    def build(site: Site) -> dict[str, str]:
        site.outside("r.json", json.dumps(report()))
        return {"reports": pattern.format(parent=site.parent), "json-report": ""}

    return build


add(
    "reports glob is absolute", "reports", _reports_outside("{parent}/outside/*.json"), 2, "reports"
)
add(
    "reports glob climbs out",
    "reports",
    _reports_outside("../outside/*.json"),
    2,
    "reports",
)


def _report_link(site: Site) -> dict[str, str]:
    target = site.outside("r.json", json.dumps(report()))
    site.link("reports/py.json", target)
    return {"reports": "reports/*.json", "json-report": ""}


add("report is a symlink out", "reports", _report_link, 2, "reports")
add("report is not JSON", "reports", merge("{not json"), 2, "py.json")
add("report schema_version 999", "reports", merge(report(schema_version=999)), 2, "py.json")
add(
    "report findings not a list",
    "reports",
    merge(report(gate={"findings": {"a": 1}})),
    2,
    "py.json",
)
add("report severity unknown", "reports", merge(report([finding(severity="fatal")])), 2, "py.json")
add(
    "report line number absurd",
    "reports",
    merge(report([finding(start_line=10**40)])),
    2,
    "py.json",
)
add(
    "report about another commit",
    "reports",
    merge(report(context={"repository": "octo/example", "sha": "b" * 40, "job": "py"})),
    2,
    "reports",
)
add("report top level is a list", "reports", merge("[1, 2, 3]"), 2, "py.json")

# -- 5. resources -----------------------------------------------------------------------------

DEEP = 100_000

add(
    "coverage JSON nested 100k deep",
    "resources",
    _files({"cov.json": "[" * DEEP + "]" * DEEP}, coverage_inputs()),
    2,
    "coverage",
)
add(
    "coverage JSON object nested 100k deep",
    "resources",
    _files({"cov.json": '{"a":' * DEEP + "1" + "}" * DEEP}, coverage_inputs()),
    2,
    "coverage",
)
add("merged report nested 100k deep", "resources", merge("[" * DEEP + "]" * DEEP), 2, "py.json")
add(
    "pyproject subjects nested 100k deep",
    "resources",
    _files(
        {
            "src/mod.py": MODULE,
            "pyproject.toml": "[tool.importspy]\nsubjects = " + "[" * DEEP + "]" * DEEP,
        },
        {"contracts": "pyproject"},
    ),
    2,
    "pyproject.toml",
)
add(
    "pyproject nested 100k deep for api-breaks",
    "resources",
    _files(
        {
            "src/pkg/__init__.py": MODULE,
            "pyproject.toml": "[project]\nname = " + "[" * DEEP + "]" * DEEP,
        },
        {"api-breaks": "pyproject"},
    ),
    2,
    "pyproject.toml",
)
add(
    "contract YAML nested 10k deep",
    "resources",
    _files(
        {"src/mod.py": MODULE, "src/mod.importspy.yml": "a: " + "[" * 10_000 + "]" * 10_000},
        {"contracts": "src/mod.py"},
    ),
    2,
    "mod.importspy.yml",
)
add(
    "Cobertura nested 100k deep",
    "resources",
    _files(
        {
            "src/mod.py": MODULE,
            "cov.xml": "<coverage>" + "<a>" * DEEP + "</a>" * DEEP + "</coverage>",
        },
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)
add(
    "contract just over the 1 MiB cap",
    "resources",
    _files(
        {
            "src/mod.py": MODULE,
            "src/mod.importspy.yml": CONTRACT.format(name="mod.py", value=1)
            + "#" * (1024 * 1024)
            + "\n",
        },
        {"contracts": "src/mod.py"},
    ),
    2,
    "mod.importspy.yml",
)
add(
    "module just over max-module-size",
    "resources",
    _files(
        {
            "src/mod.py": "X = 1\n" + "#" * 2048 + "\n",
            "src/mod.importspy.yml": CONTRACT.format(name="mod.py", value=1),
        },
        {"contracts": "src/mod.py", "max-module-size": "2KiB"},
    ),
    1,
)
add(
    "module one huge line",
    "resources",
    _files(
        {
            "src/mod.py": "VALUE = '" + "x" * 300_000 + "'\n",
            "src/mod.importspy.yml": CONTRACT.format(name="mod.py", value=1),
        },
        {"contracts": "src/mod.py"},
    ),
    1,
)
add(
    "coverage JSON with 20k unmapped files",
    "resources",
    _files(
        {
            "src/mod.py": MODULE,
            "cov.json": json.dumps(
                coverage_json(
                    {
                        "src/mod.py": ([1], [3]),
                        **{f"gen/m{i}.py": ([1], [2]) for i in range(20_000)},
                    }
                )
            ),
        },
        coverage_inputs(**{"coverage-per-file-threshold": "90"}),
    ),
    1,
)
add(
    "many findings in one report",
    "resources",
    merge(report([finding(start_line=i + 1, title=f"t{i}") for i in range(5000)])),
    1,
)
add(
    "line numbers near 2**62 in coverage",
    "bombs",
    _files(
        {
            "src/mod.py": MODULE,
            "cov.json": json.dumps(coverage_json({"src/mod.py": ([1, 2**31 - 1], [3, 2**62])})),
        },
        coverage_inputs(**{"diff-coverage-threshold": "50"}),
    ),
    2,
    "cov.json",
)
add(
    "Cobertura line number ten million",
    "bombs",
    _files(
        {**MOD, "cov.xml": cobertura({"src/mod.py": ([1, 10_000_000], [3])})},
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)
add(
    "file name of 255 bytes",
    "resources",
    _files({"src/" + "m" * 252 + ".py": "import os\n"}, {"lint": "true"}),
    1,
)


def _many_coverage_files(site: Site) -> dict[str, str]:
    site.write("src/mod.py", MODULE)
    tiny = json.dumps(coverage_json({"src/mod.py": ([1], [3])}))
    for index in range(1_001):
        site.write(f"cov/{index}.json", tiny)
    return {"coverage-file": "cov/*.json"}


def _many_reports(site: Site) -> dict[str, str]:
    site.write("src/mod.py", MODULE)
    tiny = json.dumps(report())
    for index in range(1_001):
        site.write(f"reports/{index}.json", tiny)
    return {"reports": "reports/*.json", "json-report": ""}


add("1,001 coverage reports (cap 1,000)", "resources", _many_coverage_files, 2, "coverage-file")
add("1,001 merged reports (cap 1,000)", "resources", _many_reports, 2, "reports")
add(
    "merged report text one over 65,536 characters",
    "resources",
    merge(report([finding(message="m" * 65_537)])),
    2,
    "py.json",
)
add(
    "merged report nested 40 deep",
    "resources",
    merge(report([finding(context=json.loads("[" * 40 + "]" * 40))])),
    2,
    "py.json",
)
add(
    "merged report just over 64 MiB",
    "resources",
    merge(json.dumps(report()) + " " * (64 * 1024 * 1024)),
    2,
    "py.json",
)


# -- 6. silent loss ---------------------------------------------------------------------------


def in_the_way(rel: str, inputs: dict[str, str], *, file: bool = False) -> Build:
    def build(site: Site) -> dict[str, str]:
        project(site)
        if file:
            site.write(rel, "in the way\n")
        else:
            (site.ws / rel).mkdir(parents=True)
            site.write(f"{rel}/keep.txt", "x")
        return coverage_inputs(**inputs)

    return build


add(
    "json-report path is a folder",
    "loss",
    in_the_way("importspy-report.json", {}),
    2,
    "json-report",
    check=_sarif_written,
)
add(
    "sarif path is a folder",
    "loss",
    in_the_way("importspy.sarif", {}),
    2,
    "sarif",
    check=_report_written,
)
add(
    "json-report under a file",
    "loss",
    in_the_way("blocker", {"json-report": "blocker/r.json"}, file=True),
    2,
    "json-report",
    check=_sarif_written,
)
add(
    "badge folder is a file",
    "loss",
    in_the_way("badges", {"badge": "badges"}, file=True),
    2,
    "badge",
    check=_report_written,
)
add(
    "badge svg is a folder",
    "loss",
    in_the_way("badges/coverage.svg", {"badge": "badges"}),
    2,
    "badge",
    check=_report_written,
)
add(
    "dry-run folder is a file",
    "loss",
    in_the_way("importspy-check-run", {"dry-run": "true"}, file=True),
    2,
    "dry-run",
    check=_report_written,
)


def _runner_file_folder(variable: str) -> Build:
    def build(site: Site) -> dict[str, str]:
        project(site)
        folder = site.parent / f"{variable}.dir"
        folder.mkdir()
        site.env[variable] = str(folder)
        return coverage_inputs()

    return build


add(
    "GITHUB_OUTPUT is a folder",
    "loss",
    _runner_file_folder("GITHUB_OUTPUT"),
    2,
    "GITHUB_OUTPUT",
    check=_report_written,
)
add(
    "GITHUB_STEP_SUMMARY is a folder",
    "loss",
    _runner_file_folder("GITHUB_STEP_SUMMARY"),
    2,
    "GITHUB_STEP_SUMMARY",
    check=_report_written,
)

# -- traversal ----------------------------------------------------------------------------------


def with_outside_module(inputs: dict[str, str]) -> Build:
    def build(site: Site) -> dict[str, str]:
        project(site)
        site.outside("m.py", MODULE)
        site.outside("m.importspy.yml", CONTRACT.format(name="m.py", value=1))
        site.outside("cov.json", json.dumps(coverage_json({"src/mod.py": ([1], [3])})))
        return inputs

    return build


for _name, _inputs, _says in (
    ("contracts glob ../", {"contracts": "../outside/*.py"}, "contracts"),
    ("contracts dot-dot inside", {"contracts": "src/../../outside/m.py"}, "contracts"),
    ("contract pair ../", {"contracts": "src/mod.py: ../outside/m.importspy.yml"}, "contracts"),
    ("coverage-file ../", {"coverage-file": "../outside/cov.json"}, "coverage-file"),
    ("coverage-file absolute", {"coverage-file": "/etc/passwd"}, "coverage-file"),
    (
        "working-directory ..",
        {"coverage-file": "cov.json", "working-directory": ".."},
        "working-directory",
    ),
    ("project-root ..", {"contracts": "src/mod.py", "project-root": ".."}, "project-root"),
    (
        "site-packages absolute",
        {"contracts": "src/mod.py", "site-packages": "/usr/lib"},
        "site-packages",
    ),
    (
        "baseline-report ../",
        {"coverage-file": "cov.json", "baseline-report": "../outside/cov.json"},
        "baseline-report",
    ),
):
    add(_name, "traversal", with_outside_module(_inputs), 2, _says)


def _linked_module(site: Site) -> dict[str, str]:
    site.outside("m.py", MODULE)
    site.link("src/m.py", site.parent / "outside" / "m.py")
    site.write("src/m.importspy.yml", CONTRACT.format(name="m.py", value=1))
    return {"contracts": "src/m.py"}


def _linked_coverage(site: Site) -> dict[str, str]:
    project(site)
    (site.ws / "cov.json").unlink()
    site.link("cov.json", site.outside("cov.json", json.dumps(coverage_json({}))))
    return coverage_inputs()


def _linked_contract(site: Site) -> dict[str, str]:
    site.write("src/m.py", MODULE)
    site.link("src/m.importspy.yml", "/etc/passwd")
    return {"contracts": "src/m.py"}


add("module symlinked out", "traversal", _linked_module, 2, "contracts")
add("coverage report symlinked out", "traversal", _linked_coverage, 2, "coverage-file")
add("contract symlinked to /etc/passwd", "traversal", _linked_contract, 2, "m.importspy.yml")


def _fifo(rel: str, inputs: dict[str, str]) -> Build:
    """A named pipe where a file is expected (an earlier step can make one): no hang."""

    def build(site: Site) -> dict[str, str]:
        site.write("src/mod.py", MODULE)
        path = site.ws / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
        return inputs

    return build


def _loop(site: Site) -> dict[str, str]:
    site.link("src/a.py", site.ws / "src" / "b.py")
    site.link("src/b.py", site.ws / "src" / "a.py")
    return {"contracts": "src/a.py"}


add("coverage report is a FIFO", "traversal", _fifo("cov.json", coverage_inputs()), 2, "cov.json")
add(
    "contract is a FIFO",
    "traversal",
    _fifo("src/mod.importspy.yml", CONTRACTS_ON_MOD),
    2,
    "mod.importspy.yml",
)
add("module is a symlink loop", "traversal", _loop, 2, "contracts")


# -- encoding, NUL bytes, bombs, malformed configuration -----------------------------------------


add(
    "module name not UTF-8",
    "encoding",
    _files({b"src/m\xff\xfe.py": "import os\n"}, {"lint": "true"}),
    1,
)
add(
    "module name not UTF-8 under contracts",
    "encoding",
    _files(
        {
            b"src/m\xff.py": "X = 1\n",
            b"src/m\xff.importspy.yml": CONTRACT.format(name="m.py", value=1),
        },
        {"contracts": "src/*.py"},
    ),
    1,
)
add(
    "coverage JSON not UTF-8",
    "encoding",
    _files({**MOD, "cov.json": b'{"files": {"src/mod\xff.py": {}}}'}, coverage_inputs()),
    2,
    "cov.json",
)
add(
    "coverage JSON in UTF-16",
    "encoding",
    _files({**MOD, "cov.json": json.dumps(coverage_json({})).encode("utf-16")}, coverage_inputs()),
    2,
    "cov.json",
)
add(
    "contract YAML not UTF-8",
    "encoding",
    _files(
        {**MOD, "src/mod.importspy.yml": b"schema_version: 1\nfilename: m\xff\xfe.py\n"},
        CONTRACTS_ON_MOD,
    ),
    2,
    "mod.importspy.yml",
)
add(
    "coverage JSON key with a lone surrogate escape",
    "encoding",
    _files(
        {
            **MOD,
            "cov.json": json.dumps(
                coverage_json({"src/mod.py": ([1], [3]), "x\ud800.py": ([1], [2])})
            ),
        },
        coverage_inputs(**{"coverage-per-file-threshold": "90"}),
    ),
    1,
    check=lambda site, result: _summary_written(result),
)
add(
    "contract text with a lone surrogate escape",
    "encoding",
    _files(
        {**MOD, "src/mod.importspy.yml": CONTRACT.format(name="mod.py", value='"\\ud800"')},
        CONTRACTS_ON_MOD,
    ),
    2,
    "mod.importspy.yml",
)


def _non_utf8_coverage(site: Site) -> dict[str, str]:
    """coverage.py writes a name that is not UTF-8 as surrogate escapes; it still maps."""
    site.write(b"src/m\xff.py", MODULE)
    report = coverage_json({"src/m\udcff.py": ([1], [3])})
    site.write("cov.json", json.dumps(report))
    return coverage_inputs(**{"coverage-per-file-threshold": "90"})


def _mapped_non_utf8(site: Site, result: Any) -> None:
    _summary_written(result)
    report = json.loads((site.ws / "importspy-report.json").read_text())
    paths = {f["path"] for gate in report["gates"] for f in gate["findings"]}
    assert "src/m\\xff.py" in paths, paths


add("coverage of a file name not UTF-8", "encoding", _non_utf8_coverage, 1, check=_mapped_non_utf8)
add(
    "merged report not UTF-8",
    "encoding",
    merge(b'{"schema_version": 1, "x": "\xff"}'),
    2,
    "py.json",
)
add(
    "module source not UTF-8",
    "encoding",
    _files(
        {
            "src/mod.py": b"X = '\xff\xfe'\n",
            "src/mod.importspy.yml": CONTRACT.format(name="mod.py", value=1),
        },
        CONTRACTS_ON_MOD,
    ),
    1,
)
add(
    "Cobertura file name with lone surrogate bytes",
    "encoding",
    _files(
        {
            **MOD,
            "cov.xml": cobertura({"src/mod.py": ([1], [3])}).replace(
                "src/mod.py", "src/mod&#xD800;.py"
            ),
        },
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)

add(
    "NUL in contract YAML",
    "nul",
    _files(
        {**MOD, "src/mod.importspy.yml": "schema_version: 1\nfilename: mod\x00.py\n"},
        CONTRACTS_ON_MOD,
    ),
    2,
    "mod.importspy.yml",
)
add(
    "NUL in a coverage JSON file name",
    "nul",
    _files(
        {
            **MOD,
            "cov.json": json.dumps(
                coverage_json({"src/mod.py": ([1], [3]), "src/a\x00.py": ([1], [2])})
            ),
        },
        coverage_inputs(**{"coverage-per-file-threshold": "50"}),
    ),
    0,
)
add(
    "NUL character reference in Cobertura",
    "nul",
    _files(
        {
            **MOD,
            "cov.xml": cobertura({"src/mod.py": ([1], [3])}).replace(
                "src/mod.py", "src/mod&#0;.py"
            ),
        },
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)
add(
    "NUL bytes in module source",
    "nul",
    _files(
        {
            "src/mod.py": "X = 1\x00\x00\n",
            "src/mod.importspy.yml": CONTRACT.format(name="mod.py", value=1),
        },
        CONTRACTS_ON_MOD,
    ),
    1,
)
add(
    "NUL in a merged finding path",
    "nul",
    merge(report([finding(path="src/mod.py\x00x")])),
    1,
    check=_annotations_located,
)

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
add(
    "billion laughs Cobertura",
    "bombs",
    _files(
        {
            **MOD,
            "cov.xml": cobertura({"src/mod.py": ([1], [3])}, prolog=LAUGHS).replace(
                'name="p"', 'name="&lol9;"'
            ),
        },
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)
add(
    "external entity Cobertura",
    "bombs",
    _files(
        {
            **MOD,
            "cov.xml": cobertura(
                {"src/mod.py": ([1], [3])},
                prolog='<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
            ).replace('name="p"', 'name="&x;"'),
        },
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)
ALIASES = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
)
add(
    "YAML alias bomb contract",
    "bombs",
    _files({**MOD, "src/mod.importspy.yml": ALIASES}, CONTRACTS_ON_MOD),
    2,
    "mod.importspy.yml",
)
add(
    "YAML python tag contract",
    "bombs",
    _files(
        {**MOD, "src/mod.importspy.yml": f"!!python/object/apply:os.system ['touch {MARKER}']\n"},
        CONTRACTS_ON_MOD,
    ),
    2,
    "mod.importspy.yml",
)
add(
    "coverage JSON of repeated ranges",
    "bombs",
    _files(
        {
            **MOD,
            "cov.json": json.dumps(coverage_json({"src/mod.py": ([1] * 200_000, [3] * 200_000)})),
        },
        coverage_inputs(),
    ),
    0,
)

for _name, _text in (
    ("list", "- 1\n- 2\n"),
    ("scalar", "just text\n"),
    ("classes is a number", "schema_version: 1\nfilename: mod.py\nclasses: 5\n"),
    ("variables of numbers", "schema_version: 1\nfilename: mod.py\nvariables: [1, 2]\n"),
    ("empty", ""),
    ("duplicate keys", "schema_version: 1\nfilename: a.py\nfilename: b.py\n"),
):
    add(
        f"contract YAML {_name}",
        "config",
        _files({**MOD, "src/mod.importspy.yml": _text}, CONTRACTS_ON_MOD),
        2,
        "mod.importspy.yml",
    )

add(
    "pyproject not TOML",
    "config",
    _files({**MOD, "pyproject.toml": "[tool.importspy\nsubjects = ["}, {"contracts": "pyproject"}),
    2,
    "pyproject.toml",
)
add(
    "pyproject subjects a number",
    "config",
    _files(
        {**MOD, "pyproject.toml": "[tool.importspy]\nsubjects = 5\n"}, {"contracts": "pyproject"}
    ),
    2,
    "pyproject.toml",
)
add(
    "coverage JSON files is a list",
    "config",
    _files({**MOD, "cov.json": '{"files": [1, 2]}'}, coverage_inputs()),
    2,
    "cov.json",
)
add(
    "coverage JSON lines are strings",
    "config",
    _files(
        {**MOD, "cov.json": STRING_LINES},
        coverage_inputs(),
    ),
    2,
    "cov.json",
)
add(
    "Cobertura root is html",
    "config",
    _files({**MOD, "cov.xml": "<html><body>hi</body></html>"}, {"coverage-file": "cov.xml"}),
    2,
    "cov.xml",
)
add(
    "coverage file empty",
    "config",
    _files({**MOD, "cov.json": ""}, coverage_inputs()),
    2,
    "cov.json",
)
add(
    "Cobertura line number not a number",
    "config",
    _files(
        {
            **MOD,
            "cov.xml": cobertura({"src/mod.py": ([1], [3])}).replace(
                'number="3"', 'number="three"'
            ),
        },
        {"coverage-file": "cov.xml"},
    ),
    2,
    "cov.xml",
)
add(
    "ruff.toml not TOML",
    "config",
    _files({**MOD, "ruff.toml": "[lint\nselect = "}, {"lint": "true"}),
    2,
    "ruff",
)
add(
    "baseline report malformed",
    "config",
    _files(
        {
            **MOD,
            "cov.json": json.dumps(coverage_json({"src/mod.py": ([1], [3])})),
            "base.json": "{]",
        },
        coverage_inputs(**{"baseline-report": "base.json"}),
    ),
    2,
    "baseline-report",
)
