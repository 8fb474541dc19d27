"""The coverage gate on reports written by the real coverage.py and diffs from real git."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from importspy_action import view
from importspy_action.diff import ChangedLines, parse_unified_diff
from importspy_action.errors import ConfigError
from importspy_action.model import GateStatus, Report, Severity
from importspy_action.reporters import summary
from importspy_action.view import ReportView
from tests.helpers.builders import Judged, run_coverage
from tests.helpers.gate_projects import (
    NEW_CALC,
    TEXT,
    assert_golden,
    calc_project,
    findings_json,
    git,
    measure,
    pr_project,
    run,
    settings_for,
    write,
)


def _report(result: Judged) -> ReportView:
    return view.build(
        Report(
            tool_version="test",
            engine_version="test",
            gates=(result.result,),
            fail_on="error",
            exit_code=result.exit_code,
        )
    )


@pytest.fixture
def pr(tmp_path: Path) -> tuple[Path, ChangedLines]:
    root = tmp_path / "repo"
    root.mkdir()
    return root, pr_project(root)


def test_real_git_diff_with_rename_delete_and_binary(pr: tuple[Path, ChangedLines]) -> None:
    _, changes = pr
    assert changes.renamed == {"src/pkg/text.py": "src/pkg/words.py"}
    assert changes.files["src/pkg/text.py"] == frozenset()  # a pure rename changes no line
    assert "src/pkg/old.py" in changes.deleted
    assert changes.binary == frozenset({"logo.png"})
    assert changes.files["src/pkg/calc.py"] == frozenset(range(11, 27))
    assert "logo.png" in changes.changed_files()


def test_pull_request_golden(pr: tuple[Path, ChangedLines]) -> None:
    root, changes = pr
    settings = settings_for(
        root,
        coverage_file="coverage.xml",
        coverage_threshold="80",
        coverage_per_file_threshold="75",
        diff_coverage_threshold="90",
    )
    result = run_coverage(settings, changes)
    assert result.status is GateStatus.FAILED
    codes = [f.code for f in result.findings]
    assert codes.count("COV-UNCOVERED") == 3
    assert "COV-DIFF" in codes and "COV-TOTAL" in codes and "COV-FILE" in codes
    uncovered = [f for f in result.findings if f.code == "COV-UNCOVERED"]
    # two returns split by a covered `if`, then the function body across a comment line
    assert [(f.start_line, f.last_line) for f in uncovered] == [(15, 15), (17, 17), (22, 26)]
    assert uncovered[-1].message == "Changed lines 22-26 are not covered by tests."
    assert all(f.severity is Severity.ERROR for f in uncovered)
    assert result.metrics["diff_percent"] == 45.45  # 5/11, floored
    assert result.metrics["diff_covered"] == 5 and result.metrics["diff_statements"] == 11
    assert_golden("coverage/pull_request.findings.json", findings_json(result))
    assert_golden("coverage/pull_request.summary.md", summary.render(_report(result)))


def test_passing_diff_threshold_keeps_uncovered_ranges_as_notices(
    pr: tuple[Path, ChangedLines],
) -> None:
    root, changes = pr
    result = run_coverage(
        settings_for(root, coverage_file="coverage.json", diff_coverage_threshold="45.45"), changes
    )
    assert result.status is GateStatus.PASSED
    assert {f.severity for f in result.findings} == {Severity.NOTICE}
    assert_golden("coverage/diff_passing.findings.json", findings_json(result))


def test_xml_and_json_reports_agree(pr: tuple[Path, ChangedLines]) -> None:
    root, changes = pr
    xml = run_coverage(settings_for(root, coverage_file="coverage.xml"), changes).metrics
    js = run_coverage(settings_for(root, coverage_file="coverage.json"), changes).metrics
    for key in (
        "total_covered",
        "total_statements",
        "diff_covered",
        "diff_statements",
        "branches_covered",
        "branches_total",
    ):
        assert xml[key] == js[key], key
    data = json.loads((root / "coverage.json").read_text())
    assert js["total_statements"] == data["totals"]["num_statements"]
    assert js["total_covered"] == data["totals"]["covered_lines"]
    assert js["branches_total"] == data["totals"]["num_branches"]


def test_merging_reports_equals_coverage_combine(tmp_path: Path) -> None:
    root = tmp_path
    write(
        root,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/calc.py": NEW_CALC,
            "src/pkg/text.py": TEXT,
            "one.py": "import sys\nsys.path.insert(0, 'src')\nfrom pkg.calc import clamp\n"
            "clamp(-1, 0, 1)\n",
            "two.py": "import sys\nsys.path.insert(0, 'src')\nfrom pkg.calc import unused\n"
            "from pkg.text import whisper\nunused([1])\nwhisper('A')\n",
        },
    )
    cov = [sys.executable, "-m", "coverage"]
    run([*cov, "run", "--branch", "--source=src", "--data-file=.cov1", "one.py"], root)
    run([*cov, "xml", "--data-file=.cov1", "-o", "reports/one.xml"], root)
    run([*cov, "run", "--branch", "--source=src", "--data-file=.cov2", "two.py"], root)
    run([*cov, "json", "--data-file=.cov2", "-o", "reports/two.json"], root)
    run([*cov, "combine", "--keep", "--data-file=.combined", ".cov1", ".cov2"], root)
    run([*cov, "json", "--data-file=.combined", "-o", "combined.json"], root)
    merged = run_coverage(settings_for(root, coverage_file="reports/*"), None).metrics
    combined = json.loads((root / "combined.json").read_text())["totals"]
    assert merged["reports"] == ["reports/one.xml", "reports/two.json"]
    assert merged["total_covered"] == combined["covered_lines"]
    assert merged["total_statements"] == combined["num_statements"]
    assert merged["branches_covered"] == combined["covered_branches"]
    assert merged["branches_total"] == combined["num_branches"]


def test_report_made_elsewhere_needs_the_path_prefix(tmp_path: Path) -> None:
    elsewhere = tmp_path / "container" / "app"
    calc_project(elsewhere)
    runner = tmp_path / "container" / "runner"
    runner.mkdir()
    cov = [sys.executable, "-m", "coverage"]
    run([*cov, "run", f"--source={elsewhere / 'src'}", str(elsewhere / "driver.py")], runner)
    run([*cov, "json", "-o", "coverage.json"], runner)
    names = json.loads((runner / "coverage.json").read_text())["files"]
    assert all(name.startswith(str(elsewhere)) for name in names)  # absolute, as in CI

    workspace = tmp_path / "ws"
    calc_project(workspace)
    shutil.copy(runner / "coverage.json", workspace / "coverage.json")
    with pytest.raises(ConfigError, match="coverage-path-prefix: " + str(elsewhere) + "/"):
        run_coverage(settings_for(workspace, coverage_file="coverage.json"), None)

    fixed = run_coverage(
        settings_for(
            workspace,
            coverage_file="coverage.json",
            coverage_path_prefix=f"{elsewhere}/",
            coverage_per_file_threshold="100",
        ),
        None,
    )
    assert not fixed.notes
    assert sorted(f.path for f in fixed.findings) == ["src/pkg/calc.py", "src/pkg/text.py"]
    assert fixed.metrics["total_statements"] == sum(
        entry["summary"]["num_statements"] for entry in names.values()
    )


def test_files_missing_from_the_workspace_are_noticed(tmp_path: Path) -> None:
    calc_project(tmp_path)
    measure(tmp_path, formats=("xml",))
    (tmp_path / "src/pkg/text.py").unlink()
    result = run_coverage(
        settings_for(tmp_path, coverage_file="coverage.xml", coverage_per_file_threshold="99"),
        None,
    )
    missing = [f for f in result.findings if f.code == "COV-MISSING-FILE"]
    assert len(missing) == 1 and missing[0].severity is Severity.NOTICE
    assert "`src/pkg/text.py`" in missing[0].message
    assert [f.path for f in result.findings if f.code == "COV-FILE"] == ["src/pkg/calc.py"]
    assert "do not exist in the workspace" in result.notes[0]


def test_working_directory_and_sources(tmp_path: Path) -> None:
    project = tmp_path / "services" / "api"
    calc_project(project)
    measure(project, formats=("xml",))
    result = run_coverage(
        settings_for(
            tmp_path,
            working_directory="services/api",
            coverage_file="coverage.xml",
            coverage_per_file_threshold="100",
        ),
        None,
    )
    assert {f.path for f in result.findings} == {
        "services/api/src/pkg/calc.py",
        "services/api/src/pkg/text.py",
    }
    assert result.metrics["reports"] == ["services/api/coverage.xml"]


def test_without_changes_the_diff_threshold_is_reported_not_applied(tmp_path: Path) -> None:
    calc_project(tmp_path)
    measure(tmp_path, formats=("xml",))
    result = run_coverage(
        settings_for(tmp_path, coverage_file="coverage.xml", diff_coverage_threshold="100"), None
    )
    assert result.status is GateStatus.PASSED
    assert result.metrics.get("diff_percent") is None
    assert any("Diff coverage not measured" in note for note in result.notes)


def test_no_changed_executable_lines_passes_with_a_note(tmp_path: Path) -> None:
    calc_project(tmp_path)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "base")
    write(tmp_path, {"src/pkg/calc.py": NEW_CALC + "\n# trailing comment\n"})
    diff = git(tmp_path, "diff", "--unified=0")
    changes = parse_unified_diff(diff)
    assert changes.files == {"src/pkg/calc.py": frozenset({27, 28})}
    measure(tmp_path, formats=("xml",))
    result = run_coverage(
        settings_for(tmp_path, coverage_file="coverage.xml", diff_coverage_threshold="100"),
        changes,
    )
    assert result.status is GateStatus.PASSED
    assert result.metrics["diff_percent"] is None
    assert any("No changed executable lines" in note for note in result.notes)


def test_shallow_clone_without_the_base_commit(
    pr: tuple[Path, ChangedLines], tmp_path: Path
) -> None:
    root, full = pr
    deep = tmp_path / "depth2"
    shallow = tmp_path / "depth1"
    run(["git", "clone", "-q", "--depth", "2", root.as_uri(), str(deep)], tmp_path)
    run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(shallow)], tmp_path)
    # Depth 2 still has the base: the same changed lines as the full history.
    again = parse_unified_diff(git(deep, "diff", "--unified=0", "-M", "HEAD~1", "HEAD"))
    assert again.files == full.files and again.renamed == full.renamed
    # Depth 1 has no base commit: git cannot diff, so no changed lines reach the gate ...
    with pytest.raises(Exception, match="HEAD~1"):
        git(shallow, "diff", "--unified=0", "HEAD~1", "HEAD")
    shutil.copy(root / "coverage.xml", shallow / "coverage.xml")
    result = run_coverage(
        settings_for(shallow, coverage_file="coverage.xml", diff_coverage_threshold="90"), None
    )
    # ... and the gate says so instead of passing quietly.
    assert any("Diff coverage not measured" in note for note in result.notes)
    assert "diff_percent" not in result.metrics


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"<coverage><packages><class filename='a.py'>", "not well-formed XML"),
        (b"<report/>", "not <coverage>"),
        (b"this is not a report", "neither Cobertura XML nor coverage JSON"),
        (b'{"meta": {}}', "no 'files' object"),
        (b'{"files": {"a.py": {"executed_lines": "x"}}}', "malformed"),
        (b"{not json", "not valid JSON"),
        (b"<coverage><packages><class filename='a.py'><lines><line number='x' hits='1'/>", "x"),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
            b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n'
            b"<coverage>&lol3;</coverage>\n",
            "declares XML entities",
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b"<coverage><sources><source>&x;</source></sources></coverage>\n",
            "declares XML entities",
        ),
        (
            b'<?xml version="1.0"?>\n<coverage><packages/></coverage>\n',
            "measured no executable lines",
        ),
    ],
)
def test_bad_reports_are_config_errors_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "bad.xml").write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        run_coverage(settings_for(tmp_path, coverage_file="reports/bad.xml"), None)
    assert caught.value.exit_code == 2
    message = str(caught.value)
    assert expected in message
    assert "reports/bad.xml" in message


def test_glob_matching_nothing_names_the_input(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"Input `coverage-file`: 'cov/\*\.xml' matched no file"):
        run_coverage(settings_for(tmp_path, coverage_file="cov/*.xml"), None)


def test_report_paths_outside_the_repository_are_never_followed(tmp_path: Path) -> None:
    calc_project(tmp_path)
    (tmp_path / "coverage.xml").write_text(
        '<?xml version="1.0" ?>\n<coverage><sources><source>/</source></sources><packages>'
        '<package name="x"><classes>'
        '<class filename="../../etc/passwd"><lines><line number="1" hits="0"/></lines></class>'
        '<class filename="/etc/shadow"><lines><line number="1" hits="0"/></lines></class>'
        '<class filename="src/pkg/text.py"><lines><line number="1" hits="1"/>'
        '<line number="2" hits="1"/></lines></class>'
        "</classes></package></packages></coverage>\n"
    )
    result = run_coverage(
        settings_for(tmp_path, coverage_file="coverage.xml", coverage_per_file_threshold="100"),
        None,
    )
    assert [f.code for f in result.findings] == ["COV-OUTSIDE-FILE"]
    assert all(not f.path.startswith(("/", "..")) for f in result.findings)
    assert result.metrics["total_statements"] == 4  # still counted, as coverage.py counts them
    assert "2 files in the coverage report lie outside the workspace" in result.notes[0]


def test_a_large_report_is_read_exactly(tmp_path: Path) -> None:
    files, lines_per_file = 2_000, 100
    parts = ['<?xml version="1.0" ?>\n<coverage><sources><source>.</source></sources><packages>']
    parts.append('<package name="big"><classes>')
    for index in range(files):
        parts.append(f'<class filename="big/m{index}.py"><methods/><lines>')
        parts.extend(
            f'<line number="{n}" hits="{0 if n % 4 == 0 else 3}"/>'
            for n in range(1, lines_per_file + 1)
        )
        parts.append("</lines></class>")
    parts.append("</classes></package></packages></coverage>\n")
    (tmp_path / "coverage.xml").write_text("".join(parts))
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "m0.py").write_text("")  # one maps; none mapping would be exit 2
    result = run_coverage(settings_for(tmp_path, coverage_file="coverage.xml"), None)
    assert result.metrics["total_statements"] == files * lines_per_file
    assert result.metrics["total_covered"] == files * lines_per_file * 3 // 4
    assert result.metrics["total_percent"] == 75.0
    missing = [f for f in result.findings if f.code == "COV-MISSING-FILE"]
    assert "1999 files" in missing[0].message and "1994 more" in missing[0].message


def test_report_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from importspy_action.gates import coverage_report

    calc_project(tmp_path)
    measure(tmp_path, formats=("xml",))
    monkeypatch.setattr(coverage_report, "MAX_REPORT_BYTES", 100)
    with pytest.raises(ConfigError, match=r"more than the 100 bytes"):
        run_coverage(settings_for(tmp_path, coverage_file="coverage.xml"), None)
