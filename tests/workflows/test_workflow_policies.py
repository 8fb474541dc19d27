"""Rules over the parsed workflows that the linters do not enforce.

Each rule is applied to every workflow found in .github/workflows/ (and to the caller
template in examples/workflows/), and is also fed a snippet that breaks it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.workflows import workflow_checks as wc

pytestmark = pytest.mark.workflows

OWN = wc.workflow_files()
EXAMPLES = wc.example_workflow_files()
EVERY = OWN + EXAMPLES
# The template names importspy-action's own publish.yml on a tag: its SHA is the user's pick.
TEMPLATE_TAG_ALLOWED = (
    "org/importspy-action/.github/workflows/publish.yml",
    "org/importspy-action",
    "org/importspy-action/native",
)


def ids(path: Path) -> str:
    return str(path.relative_to(wc.REPO))


def workflow(name: str) -> dict[str, Any]:
    return wc.load(wc.WORKFLOWS_DIR / name)


# -- pinning ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", OWN, ids=ids)
def test_every_uses_is_pinned_to_a_commit_sha(path: Path) -> None:
    assert wc.unpinned_uses(wc.load(path), allow_local=True) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=ids)
def test_template_pins_everything_but_importspy_action_itself(path: Path) -> None:
    assert wc.unpinned_uses(wc.load(path), allow_local=False, allow=TEMPLATE_TAG_ALLOWED) == []


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_every_pin_carries_its_version_in_a_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert wc.pins_without_version_comment(text) == []
    assert wc.pinned_versions(text), f"{path.name} pins nothing?"


def test_one_sha_and_version_per_action_across_all_files() -> None:
    combined: dict[str, set[tuple[str, str]]] = {}
    for path in EVERY:
        for name, pins in wc.pinned_versions(path.read_text(encoding="utf-8")).items():
            combined.setdefault(name, set()).update(pins)
    mixed = {name: pins for name, pins in combined.items() if len(pins) != 1}
    assert mixed == {}


# The first release of each action whose action.yml declares `runs.using: node24` (node20
# actions are being removed from the runners). upload-artifact v5 and download-artifact v5/v6
# only "support" node24 and still default to node20.
FIRST_NODE24_MAJOR = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/upload-artifact": 6,
    "actions/download-artifact": 7,
    "actions/cache": 5,
}


def node20_pins(pins: dict[str, set[tuple[str, str]]]) -> list[str]:
    problems = []
    for name, versions in pins.items():
        minimum = FIRST_NODE24_MAJOR.get(name)
        for _, version in versions:
            if minimum is not None and int(version.lstrip("v").split(".")[0]) < minimum:
                problems.append(f"{name} {version} runs on node20 (node24 from v{minimum})")
    return problems


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_no_action_is_pinned_to_a_node20_release(path: Path) -> None:
    assert node20_pins(wc.pinned_versions(path.read_text(encoding="utf-8"))) == []


def test_node20_rule_catches_an_old_major() -> None:
    text = "      - uses: actions/upload-artifact@" + "a" * 40 + " # v5.0.0\n"
    assert node20_pins(wc.pinned_versions(text)) == [
        "actions/upload-artifact v5.0.0 runs on node20 (node24 from v6)"
    ]


def test_pinning_rules_catch_tags_branches_and_missing_comments() -> None:
    snippet = wc.parse(
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/checkout@v5\n"
        "      - uses: actions/setup-python@main\n"
        "      - uses: ./local\n"
        "      - uses: docker://alpine:3\n"
        "  b:\n    uses: org/repo/.github/workflows/w.yml@v1\n"
    )
    problems = wc.unpinned_uses(snippet, allow_local=False)
    assert len(problems) == 5, problems
    text = "      - uses: actions/checkout@" + "a" * 40 + "\n"
    assert wc.pins_without_version_comment(text) != []
    assert wc.pins_without_version_comment(text.rstrip() + " # v5.0.0\n") == []


HEX = "0123456789abcdef"


@given(
    name=st.from_regex(r"[a-z][a-z0-9-]{0,10}/[a-z][a-z0-9-]{0,10}(/[a-z]{1,8})?", fullmatch=True),
    version=st.text(alphabet=HEX + "ABCDEFvg.-", min_size=0, max_size=45),
)
def test_only_a_full_lowercase_sha_counts_as_pinned(name: str, version: str) -> None:
    expected = len(version) == 40 and all(c in HEX for c in version)
    assert wc.is_pinned(f"{name}@{version}") is expected


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_every_linter_ignore_is_explained_in_place(path: Path) -> None:
    assert wc.unexplained_ignores(path.read_text(encoding="utf-8")) == []


def test_ignore_rule_catches_a_bare_ignore() -> None:
    bare = "jobs:\n  a:\n    uses: ./x.yml # zizmor: ignore[self-repository]\n"
    assert wc.unexplained_ignores(bare) == [
        "line 3: zizmor ignore without an explaining comment above"
    ]
    explained = "jobs:\n  a:\n    # same repository\n    uses: ./x.yml # zizmor: ignore[x]\n"
    assert wc.unexplained_ignores(explained) == []


# -- credentials, scripts, permissions ------------------------------------------------


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_every_checkout_drops_its_credentials(path: Path) -> None:
    assert wc.checkouts_persisting_credentials(wc.load(path)) == []


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_no_expression_is_expanded_inside_a_run_script(path: Path) -> None:
    assert wc.expressions_in_run(wc.load(path)) == []


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_top_level_permissions_are_empty(path: Path) -> None:
    assert wc.top_level_permissions_not_empty(wc.load(path)) == []


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_id_token_write_only_where_the_upload_happens(path: Path) -> None:
    assert wc.id_token_outside_upload(wc.load(path)) == []


def test_reusable_workflows_never_ask_for_id_token_nor_upload() -> None:
    for name in ("ci.yml", "publish.yml"):
        doc = workflow(name)
        assert wc.publishing_jobs(doc) == set(), name
        assert all(wc.permission(job, "id-token") is None for job in wc.jobs(doc).values())


def test_credential_script_and_permission_rules_catch_violations() -> None:
    snippet = wc.parse(
        "on: push\npermissions: write-all\njobs:\n"
        "  a:\n    runs-on: x\n    permissions:\n      id-token: write\n    steps:\n"
        "      - uses: actions/checkout@" + "a" * 40 + "\n"
        "      - uses: actions/checkout@" + "a" * 40 + "\n"
        "        with:\n          persist-credentials: true\n"
        '      - run: echo "${{ github.head_ref }}"\n'
        "  upload:\n    runs-on: x\n    steps:\n"
        "      - uses: pypa/gh-action-pypi-publish@" + "b" * 40 + "\n"
    )
    assert len(wc.checkouts_persisting_credentials(snippet)) == 2
    assert len(wc.expressions_in_run(snippet)) == 1
    assert wc.top_level_permissions_not_empty(snippet) != []
    problems = wc.id_token_outside_upload(snippet)
    assert any("workflow level" in p for p in problems)
    assert any("job a:" in p for p in problems)
    assert any("job upload:" in p for p in problems)


def test_id_token_is_fine_where_an_attestation_is_signed() -> None:
    snippet = wc.parse(
        "on: push\npermissions: {}\njobs:\n"
        "  image:\n    runs-on: x\n    permissions:\n      id-token: write\n"
        "      attestations: write\n    steps:\n"
        "      - uses: actions/attest-build-provenance@" + "c" * 40 + "\n"
        "  test:\n    runs-on: x\n    permissions:\n      id-token: write\n    steps:\n"
        "      - run: pytest\n"
    )
    assert wc.id_token_outside_upload(snippet) == [
        "job test: id-token: write but it neither uploads nor signs"
    ]


# -- the release gate -------------------------------------------------------------------


def release_workflows() -> list[Path]:
    """Every workflow (own or template) that uploads to PyPI."""
    return [path for path in EVERY if wc.publishing_jobs(wc.load(path))]


def test_both_release_workflows_upload() -> None:
    assert {ids(p) for p in release_workflows()} == {
        ".github/workflows/release.yml",
        "examples/workflows/release.yml",
    }


@pytest.mark.parametrize("path", release_workflows(), ids=ids)
def test_upload_cannot_run_unless_the_gated_build_passed(path: Path) -> None:
    assert wc.upload_not_gated(wc.load(path), gate="/.github/workflows/publish.yml") == []


@pytest.mark.parametrize("path", release_workflows(), ids=ids)
def test_upload_jobs_download_and_publish_only(path: Path) -> None:
    """No checkout, no build, no cache where the OIDC token exists."""
    doc = wc.load(path)
    for job_id in wc.publishing_jobs(doc):
        job = wc.jobs(doc)[job_id]
        used = [wc.action_name(s["uses"]) for s in wc.steps(job) if "uses" in s]
        assert used == ["actions/download-artifact", wc.PYPI_PUBLISH], (job_id, used)
        assert not any("run" in s for s in wc.steps(job)), job_id
        assert job.get("environment", {}).get("name") in ("pypi", "testpypi"), job_id
        assert str(job["environment"].get("url", "")).startswith("https://"), job_id
        download = wc.steps(job)[0]["with"]["name"]
        assert download == "${{ needs.build.outputs.artifact-name }}", job_id


@pytest.mark.parametrize("path", release_workflows(), ids=ids)
def test_testpypi_has_its_own_job_and_pypi_keeps_attestations(path: Path) -> None:
    doc = wc.load(path)
    for job_id in wc.publishing_jobs(doc):
        publish = next(
            s for s in wc.steps(wc.jobs(doc)[job_id]) if wc.step_uses(s, wc.PYPI_PUBLISH)
        )
        options = publish.get("with") or {}
        assert options.get("attestations") in (None, True, "true"), job_id
        if "test.pypi.org" in str(options.get("repository-url", "")):
            assert options.get("skip-existing") in (True, "true")
        else:
            assert "skip-existing" not in options and "repository-url" not in options


def test_own_release_follows_the_caller_template() -> None:
    """Dogfooding: this repository releases with the very jobs it tells users to copy."""
    own = wc.load(wc.WORKFLOWS_DIR / "release.yml")
    template = wc.load(wc.EXAMPLE_WORKFLOWS_DIR / "release.yml")
    assert wc.triggers(own) == wc.triggers(template)
    own_jobs, template_jobs = wc.jobs(own), wc.jobs(template)
    assert set(template_jobs) <= set(own_jobs)
    assert own_jobs["build"]["uses"] == "./.github/workflows/publish.yml"
    assert template_jobs["build"]["uses"].endswith("/.github/workflows/publish.yml@v1")
    for job_id in set(template_jobs) - {"build"}:
        mine, theirs = own_jobs[job_id], template_jobs[job_id]
        for key in ("needs", "permissions", "if"):
            assert mine.get(key) == theirs.get(key), (job_id, key)
        assert [(s.get("uses"), sorted(s.get("with") or {})) for s in wc.steps(mine)] == [
            (s.get("uses"), sorted(s.get("with") or {})) for s in wc.steps(theirs)
        ], job_id
    assert own_jobs["build"]["permissions"] == template_jobs["build"]["permissions"]


def test_publish_builds_only_after_the_test_gate() -> None:
    doc = workflow("publish.yml")
    gate = wc.jobs(doc)["test"]
    assert gate["uses"] == "$/.github/workflows/ci.yml"
    assert wc.job_not_gated_on(doc, "build", "test") == []


def test_ci_build_needs_all_three_and_report_needs_build() -> None:
    doc = workflow("ci.yml")
    assert set(wc.needs(wc.jobs(doc)["build"])) == {"lint", "unit", "integration"}
    report = wc.jobs(doc)["report"]
    # `contracts` is the optional runtime matrix (skipped unless contracts-python-versions)
    assert wc.needs(report) == ["build", "contracts"] and report["if"] == "always()"
    assert "contracts-python-versions != ''" in wc.jobs(doc)["contracts"]["if"]


def test_gate_rules_catch_an_ungated_or_forced_upload() -> None:
    ungated = wc.parse(
        "on: release\njobs:\n"
        "  build:\n    uses: org/x/.github/workflows/publish.yml@" + "a" * 40 + "\n"
        "  pypi:\n    runs-on: x\n    steps:\n"
        "      - uses: pypa/gh-action-pypi-publish@" + "b" * 40 + "\n"
    )
    assert any("without needing" in p for p in wc.upload_not_gated(ungated, gate="/publish.yml"))
    forced = wc.parse(
        "on: release\njobs:\n"
        "  build:\n    uses: org/x/.github/workflows/publish.yml@" + "a" * 40 + "\n"
        "  pypi:\n    needs: build\n    if: ${{ always() }}\n    runs-on: x\n    steps:\n"
        "      - uses: pypa/gh-action-pypi-publish@" + "b" * 40 + "\n"
    )
    assert any("after a failure" in p for p in wc.upload_not_gated(forced, gate="/publish.yml"))
    chain = wc.parse(
        "on: push\njobs:\n  t:\n    runs-on: x\n  b:\n    runs-on: x\n"
        "  c:\n    needs: b\n    runs-on: x\n"
    )
    assert wc.job_not_gated_on(chain, "c", "t") == ["job c does not need t"]


# -- reusable-workflow traps -----------------------------------------------------------


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_called_workflows_never_resolve_paths_in_the_callers_repository(path: Path) -> None:
    assert wc.caller_relative_uses(wc.load(path)) == []


def test_ci_runs_the_action_checked_out_at_its_own_commit() -> None:
    report = wc.jobs(workflow("ci.yml"))["report"]
    checkout = next(s for s in wc.steps(report) if s.get("with", {}).get("path"))
    assert checkout["with"]["repository"] == "${{ job.workflow_repository }}"
    assert checkout["with"]["ref"] == "${{ job.workflow_sha }}"
    action = next(s for s in wc.steps(report) if str(s.get("uses", "")).startswith("./"))
    assert action["uses"] == "./" + checkout["with"]["path"]


def test_caller_relative_rule_catches_the_trap() -> None:
    snippet = wc.parse(
        "on:\n  workflow_call:\njobs:\n"
        "  gate:\n    uses: ./.github/workflows/ci.yml\n"
        "  report:\n    runs-on: x\n    steps:\n      - uses: ./\n"
        "      - uses: actions/checkout@" + "a" * 40 + "\n"
        "        with:\n          repository: ${{ job.workflow_repository }}\n"
        "          path: me\n"
        "      - uses: ./me\n"
    )
    problems = wc.caller_relative_uses(snippet)
    assert any("job gate" in p for p in problems)
    assert any("step 1" in p for p in problems)
    assert any("without ref: job.workflow_sha" in p for p in problems)
    assert not any("step 3" in p for p in problems)


@pytest.mark.parametrize("path", OWN, ids=ids)
def test_concurrency_groups_have_a_literal_prefix_and_cancel_only_pull_requests(
    path: Path,
) -> None:
    assert wc.concurrency_problems(wc.load(path)) == []


def test_concurrency_rule_catches_the_deadlock_pattern() -> None:
    snippet = wc.parse(
        "on: push\nconcurrency:\n  group: ${{ github.workflow }}-${{ github.ref }}\n"
        "  cancel-in-progress: true\njobs: {}\n"
    )
    assert len(wc.concurrency_problems(snippet)) == 2
    assert wc.concurrency_problems(wc.parse("on: push\njobs: {}\n")) != []


@pytest.mark.parametrize("path", EVERY, ids=ids)
def test_no_cache_in_jobs_that_build_distributions(path: Path) -> None:
    assert wc.cache_in_build_jobs(wc.load(path)) == []


def test_cache_rule_catches_a_cached_build() -> None:
    snippet = wc.parse(
        "on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n"
        "      - uses: actions/setup-python@" + "a" * 40 + "\n"
        "        with:\n          cache: pip\n"
        "      - run: python -m build\n"
    )
    assert len(wc.cache_in_build_jobs(snippet)) == 1


def test_unit_matrix_comes_from_a_json_string_input() -> None:
    doc = workflow("ci.yml")
    call = wc.triggers(doc)["workflow_call"]
    assert call["inputs"]["python-versions"]["type"] == "string"
    matrix = wc.jobs(doc)["unit"]["strategy"]["matrix"]["python-version"]
    assert matrix == "${{ fromJSON(inputs.python-versions) }}"


def test_workflow_call_inputs_have_allowed_types_and_defaults() -> None:
    for name in ("ci.yml", "publish.yml"):
        inputs = wc.triggers(workflow(name))["workflow_call"]["inputs"]
        for input_name, spec in inputs.items():
            assert spec["type"] in ("string", "number", "boolean"), (name, input_name)
            assert spec.get("required") is True or "default" in spec, (name, input_name)


def test_publish_dry_run_inputs_mirror_the_call_inputs() -> None:
    on = wc.triggers(workflow("publish.yml"))
    call, dispatch = on["workflow_call"]["inputs"], on["workflow_dispatch"]["inputs"]
    assert set(dispatch) == set(call)
    assert {k: v["type"] for k, v in dispatch.items()} == {k: v["type"] for k, v in call.items()}


def test_publish_passes_only_inputs_ci_declares() -> None:
    ci_inputs = wc.triggers(workflow("ci.yml"))["workflow_call"]["inputs"]
    passed = wc.jobs(workflow("publish.yml"))["test"]["with"]
    assert set(passed) <= set(ci_inputs)
    required = {k for k, v in ci_inputs.items() if v.get("required")}
    assert required <= set(passed)
