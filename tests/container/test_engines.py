"""The container harness's own decisions: which mirror, which engine limits, when to skip."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from tests.container import engines


def _apt(tmp_path: Path, sources: str = "", listing: str = "") -> Path:
    apt = tmp_path / "apt"
    (apt / "sources.list.d").mkdir(parents=True)
    if sources:
        (apt / "sources.list.d" / "debian.sources").write_text(sources)
    if listing:
        (apt / "sources.list").write_text(listing)
    return apt


DEB822 = """Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
"""


def test_mirror_from_deb822_sources(tmp_path: Path):
    apt = _apt(tmp_path, sources=DEB822)
    assert engines.debian_mirror("bookworm", apt) == "http://deb.debian.org/debian"


def test_mirror_from_one_line_sources_list(tmp_path: Path):
    apt = _apt(
        tmp_path,
        listing="# comment\ndeb-src http://src.example/debian trixie main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian trixie main\n",
    )
    assert engines.debian_mirror("trixie", apt) == "http://mirror.example/debian"


def test_no_mirror_for_the_suite_is_a_loud_skip_reason(tmp_path: Path):
    apt = _apt(tmp_path, sources=DEB822)
    with pytest.raises(engines.Unavailable, match="no Debian mirror for 'trixie'"):
        engines.debian_mirror("trixie", apt)


def test_containers_conf_uses_limits_this_process_can_grant():
    conf = engines.containers_conf()
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    assert f'"nofile={nofile}:{nofile}"' in conf or nofile == resource.RLIM_INFINITY
    nproc = int(conf.split('"nproc=')[1].split(":")[0])
    assert 0 < nproc <= engines.PODMAN_NPROC_CAP
    assert 'runtime = "runc"' in conf


def test_run_command_is_shaped_like_the_runners():
    engine = engines.Engine(name="podman", argv=("podman", "--root", "/r"))
    argv = engine.run_argv(
        "img",
        mounts={Path("/ws"): "/github/workspace", Path("/fc"): "/github/file_commands"},
        env_names=["INPUT_FAIL-ON", "GITHUB_TOKEN_LIKE"],
    )
    assert argv[:6] == ["podman", "--root", "/r", "run", "--rm", "--network=host"]
    assert argv[argv.index("--workdir") + 1] == "/github/workspace"
    # values never on the command line: `-e NAME` reads them from the engine's environment
    assert argv[argv.index("-e") : argv.index("-e") + 2] == ["-e", "INPUT_FAIL-ON"]
    assert "-v" in argv and "/ws:/github/workspace" in argv
    assert argv[-1] == "img"


def test_base_key_changes_with_suite_and_mirror():
    keys = {
        engines.base_key("bookworm", "http://a/debian"),
        engines.base_key("trixie", "http://a/debian"),
        engines.base_key("bookworm", "http://b/debian"),
    }
    assert len(keys) == 3
