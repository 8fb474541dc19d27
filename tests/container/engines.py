"""Build and run the action's image with whatever container engine this machine can provide.

GitHub's runners have a Docker engine, so `docker` is used whenever `docker info` answers.
Elsewhere (these development VMs: no engine, no registry) the harness installs Debian's
podman, makes the base image from the machine's own Debian mirror with debootstrap, and
passes it to the Dockerfile as `BASE_IMAGE` -- the same Dockerfile, only the base differs.

What is cached and what is not:
- the podman base image is kept as a tar archive under CACHE_DIR, keyed by suite, mirror,
  recipe and proxy CA; it is the slow part (about a minute of debootstrap);
- everything else (image storage, run root, the action image, containers) lives in a
  per-session directory that `close()` resets and deletes, so runs never see each other.

When the machine cannot provide the tools at all (not root, no apt, no Debian mirror) the
caller gets `Unavailable` with a message naming what is missing; every other failure -- a
Dockerfile that does not build above all -- is an error for the test to report.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CACHE_DIR = Path(os.environ.get("IMPORTSPY_CONTAINER_CACHE", "/var/tmp/importspy-action-tests"))
BASE_PACKAGES = ("python3", "python3-pip", "python3-venv", "python-is-python3", "ca-certificates")
BASE_RECIPE_VERSION = "1"  # bump when the base recipe below changes
PODMAN_PACKAGES = ("podman", "runc", "debootstrap")
PROXY_CA_DIR = Path("/usr/local/share/ca-certificates")
PODMAN_NPROC_CAP = 32768  # podman refuses higher nproc limits
STALE_RUN_SECONDS = 6 * 3600


class Unavailable(Exception):
    """The machine cannot provide a container engine at all; the message says why."""


class BuildFailed(Exception):
    """The Dockerfile did not build: always a test failure, never a skip."""


@dataclass
class Completed:
    exit_code: int
    stdout: str
    stderr: str


@dataclass
class Engine:
    """One container engine, ready to build and run images.

    `argv` is the command prefix (`docker` or `podman --root ... --runroot ...`), `env` the
    extra environment the engine needs (CONTAINERS_CONF), `base_image` the BASE_IMAGE build
    argument (None: keep the Dockerfile's default, python:3.12-slim).
    """

    name: str
    argv: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    base_image: str | None = None
    base_image_for_size: str = "python:3.12-slim"
    state_dir: Path | None = None
    images: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def _environ(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        environ = dict(os.environ)
        environ.update(self.env)
        environ.update(extra or {})
        return environ

    def call(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        timeout: float = 300,
        stdin: bytes | None = None,
    ) -> Completed:
        proc = subprocess.run(
            [*self.argv, *args],
            input=stdin,
            capture_output=True,
            env=self._environ(env),
            timeout=timeout,
            check=False,
        )
        return Completed(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    def build(self, context: Path, *, version: str, timeout: float = 900) -> str:
        """Build `context`'s Dockerfile; return the tag. BuildFailed carries the build log."""
        tag = f"localhost/importspy-action-under-test:{uuid.uuid4().hex[:12]}"
        args = ["build", "--tag", tag, "--build-arg", f"VERSION={version}"]
        if self.base_image:
            args += ["--build-arg", f"BASE_IMAGE={self.base_image}"]
        if self.name == "podman":
            # docker format keeps SHELL; no intermediate layers left behind in the storage
            args += ["--pull=never", "--layers=false", "--format=docker"]
        result = self.call(*args, str(context), timeout=timeout)
        if result.exit_code != 0:
            tail = "\n".join((result.stdout + result.stderr).splitlines()[-60:])
            raise BuildFailed(f"{self.name} build of {context}/Dockerfile failed:\n{tail}")
        self.images.append(tag)
        return tag

    def image_size(self, image: str) -> int:
        result = self.call("image", "inspect", "--format", "{{.Size}}", image)
        if result.exit_code != 0 and self.name == "docker":
            # BuildKit pulls the base for the build without putting it in the image store
            self.call("pull", "--quiet", image, timeout=600)
            result = self.call("image", "inspect", "--format", "{{.Size}}", image)
        if result.exit_code != 0:
            raise RuntimeError(f"cannot inspect {image}: {result.stderr.strip()}")
        return int(result.stdout.strip())

    def image_labels(self, image: str) -> dict[str, str]:
        import json

        result = self.call("image", "inspect", "--format", "{{json .Config.Labels}}", image)
        if result.exit_code != 0:
            raise RuntimeError(f"cannot inspect {image}: {result.stderr.strip()}")
        return dict(json.loads(result.stdout) or {})

    def run_argv(
        self,
        image: str,
        *,
        mounts: Mapping[Path, str],
        env_names: Sequence[str],
        entrypoint: str | None = None,
        args: Sequence[str] = (),
    ) -> list[str]:
        """The `run` command line, shaped like the one the Actions runner uses.

        Variables are passed as `-e NAME` (value from the engine's environment), as the
        runner does, so multi-line inputs and tokens never appear in the argument list.
        """
        argv = [*self.argv, "run", "--rm", "--network=host"]
        if "/github/workspace" in mounts.values():
            argv += ["--workdir", "/github/workspace"]
        for name in env_names:
            argv += ["-e", name]
        for host, target in mounts.items():
            argv += ["-v", f"{host}:{target}"]
        if entrypoint is not None:
            argv += ["--entrypoint", entrypoint]
        argv.append(image)
        argv += list(args)
        return argv

    def run(
        self,
        image: str,
        *,
        mounts: Mapping[Path, str],
        env: Mapping[str, str],
        entrypoint: str | None = None,
        args: Sequence[str] = (),
        timeout: float = 300,
    ) -> Completed:
        argv = self.run_argv(
            image, mounts=mounts, env_names=sorted(env), entrypoint=entrypoint, args=args
        )
        proc = subprocess.run(
            argv, capture_output=True, env=self._environ(env), timeout=timeout, check=False
        )
        return Completed(
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    def time_to_first_output(
        self,
        image: str,
        *,
        mounts: Mapping[Path, str],
        env: Mapping[str, str],
        entrypoint: str | None = None,
        args: Sequence[str] = (),
        timeout: float = 120,
    ) -> tuple[float, Completed]:
        """Seconds from starting `run` to the first line on stdout or stderr."""
        import selectors

        argv = self.run_argv(
            image, mounts=mounts, env_names=sorted(env), entrypoint=entrypoint, args=args
        )
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self._environ(env)
        )
        assert proc.stdout is not None and proc.stderr is not None
        first: float | None = None
        chunks: dict[int, list[bytes]] = {proc.stdout.fileno(): [], proc.stderr.fileno(): []}
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            selector.register(proc.stderr, selectors.EVENT_READ)
            open_streams = 2
            deadline = started + timeout
            while open_streams:
                remaining = deadline - time.perf_counter()
                if remaining <= 0:
                    proc.kill()
                    raise TimeoutError(f"{' '.join(argv)} did not finish in {timeout}s")
                for key, _ in selector.select(remaining):
                    data = os.read(key.fd, 65536)
                    if not data:
                        selector.unregister(key.fileobj)
                        open_streams -= 1
                        continue
                    chunks[key.fd].append(data)
                    if first is None and b"\n" in data:
                        first = time.perf_counter() - started
        exit_code = proc.wait(timeout=30)
        out = b"".join(chunks[proc.stdout.fileno()]).decode("utf-8", "replace")
        err = b"".join(chunks[proc.stderr.fileno()]).decode("utf-8", "replace")
        proc.stdout.close()
        proc.stderr.close()
        elapsed = time.perf_counter() - started if first is None else first
        return elapsed, Completed(exit_code, out, err)

    def close(self) -> None:
        """Remove this session's images and, for podman, its whole storage."""
        for image in self.images:
            self.call("rmi", "--force", image)
        self.images.clear()
        if self.state_dir is not None:
            _reset_podman_state(self.state_dir)
            self.state_dir = None


# --------------------------------------------------------------------------------------
# choosing an engine
# --------------------------------------------------------------------------------------


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        probe = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def open_engine() -> Engine:
    """Docker when an engine answers; otherwise podman with a Debian base. See module doc."""
    if docker_answers():
        return Engine(name="docker", argv=("docker",))
    return open_podman()


def open_podman() -> Engine:
    if os.geteuid() != 0:
        raise Unavailable(
            "no Docker engine answers (`docker info` failed) and this user is not root, so "
            "podman, runc and debootstrap cannot be installed and run: the container tests "
            "need root or a running Docker engine"
        )
    _install_podman()
    suite = os.environ.get("IMPORTSPY_CONTAINER_SUITE") or _host_suite()
    mirror = os.environ.get("IMPORTSPY_CONTAINER_MIRROR") or debian_mirror(suite)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    _remove_stale_runs()
    state = Path(tempfile.mkdtemp(prefix="run-", dir=CACHE_DIR))
    # podman refuses a run root longer than 50 characters: keep it short, note where it is
    runroot = Path(tempfile.mkdtemp(prefix="ispa-podman-", dir="/tmp"))
    (state / "runroot.path").write_text(str(runroot), encoding="utf-8")
    conf = state / "containers.conf"
    conf.write_text(containers_conf(), encoding="utf-8")
    engine = Engine(
        name="podman",
        argv=(
            "podman",
            "--root",
            str(state / "storage"),
            "--runroot",
            str(runroot),
        ),
        env={"CONTAINERS_CONF": str(conf)},
        state_dir=state,
    )
    try:
        archive = base_archive(suite, mirror)
        tag = f"localhost/importspy-pybase:{suite}"
        with archive.open("rb") as stream:
            imported = subprocess.run(
                [
                    *engine.argv,
                    "import",
                    "--quiet",
                    "--change",
                    'CMD ["python3"]',
                    "--change",
                    "ENV LANG=C.UTF-8",
                    # Debian's own python3-* packages (pip's dependencies) have no RECORD, so
                    # pip cannot upgrade them; python:3.x-slim has none of them. Install over.
                    "--change",
                    "ENV PIP_IGNORE_INSTALLED=1",
                    "-",
                    tag,
                ],
                stdin=stream,
                capture_output=True,
                env=engine._environ(),
                timeout=300,
                check=False,
            )
        if imported.returncode != 0:
            raise RuntimeError(f"podman import failed: {imported.stderr.decode(errors='replace')}")
        engine.base_image = tag
        engine.base_image_for_size = tag
        engine.notes.append(f"podman, base image from Debian {suite} at {mirror}")
    except BaseException:
        engine.close()
        raise
    return engine


def containers_conf() -> str:
    """Engine settings this kind of VM needs.

    crun rejects the hybrid cgroup layout, so runc; root lacks CAP_SYS_RESOURCE, so podman's
    default rlimits (1048576) cannot be set and we ask for the limits we already have.
    """
    import resource

    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    if nproc == resource.RLIM_INFINITY or nproc > PODMAN_NPROC_CAP:
        nproc = PODMAN_NPROC_CAP
    if nofile == resource.RLIM_INFINITY:
        nofile = 1048576
    return (
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
        "[engine]\n"
        'runtime = "runc"\n'
        'events_logger = "file"\n'
        'cgroup_manager = "cgroupfs"\n'
    )


def _install_podman() -> None:
    missing = [tool for tool in ("podman", "runc", "debootstrap") if not _which(tool)]
    if not missing:
        return
    if shutil.which("apt-get") is None:
        raise Unavailable(
            f"no Docker engine answers and {', '.join(missing)} are missing, and this machine "
            "has no apt-get to install them (the podman fallback needs Debian/Ubuntu)"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    update = subprocess.run(
        ["apt-get", "update", "-qq"], capture_output=True, env=env, timeout=600, check=False
    )
    install = subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PODMAN_PACKAGES],
        capture_output=True,
        env=env,
        timeout=900,
        check=False,
    )
    if install.returncode != 0:
        said = (update.stderr + install.stderr).decode("utf-8", "replace").strip()[-1500:]
        raise Unavailable(
            f"no Docker engine answers and `apt-get install {' '.join(PODMAN_PACKAGES)}` "
            f"failed (no reachable package mirror?): {said}"
        )


def _which(tool: str) -> str | None:
    # debootstrap and runc live in /usr/sbin, which a non-login PATH may lack
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return shutil.which(tool, path=path)


def _host_suite() -> str:
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        text = ""
    match = re.search(r"^VERSION_CODENAME=\"?([a-z]+)", text, re.MULTILINE)
    if match is None:
        raise Unavailable(
            "no Docker engine answers and /etc/os-release names no Debian codename; set "
            "IMPORTSPY_CONTAINER_SUITE (e.g. bookworm) and IMPORTSPY_CONTAINER_MIRROR"
        )
    return match.group(1)


def debian_mirror(suite: str, apt_dir: Path = Path("/etc/apt")) -> str:
    """The mirror apt already uses for `suite` (deb822 .sources first, then sources.list)."""
    for sources in sorted((apt_dir / "sources.list.d").glob("*.sources")):
        for stanza in re.split(r"\n\s*\n", sources.read_text(encoding="utf-8", errors="replace")):
            fields = _deb822(stanza)
            if (
                "deb" in fields.get("types", "").split()
                and suite in fields.get("suites", "").split()
            ):
                uris = fields.get("uris", "").split()
                if uris:
                    return uris[0]
    lists = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*.list"))]
    for listing in lists:
        if not listing.is_file():
            continue
        for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = re.sub(r"\[[^\]]*\]", "", line.split("#", 1)[0]).split()
            if len(parts) >= 3 and parts[0] == "deb" and parts[2] == suite:
                return parts[1]
    raise Unavailable(
        f"no Docker engine answers and apt has no Debian mirror for {suite!r} in "
        f"{apt_dir}/sources.list(.d): set IMPORTSPY_CONTAINER_MIRROR"
    )


def _deb822(stanza: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in stanza.splitlines():
        if line.startswith("#") or ":" not in line or line[:1].isspace():
            continue
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    return fields


# --------------------------------------------------------------------------------------
# the cached base image
# --------------------------------------------------------------------------------------


def _proxy_cas() -> list[Path]:
    return sorted(PROXY_CA_DIR.glob("*.crt")) if PROXY_CA_DIR.is_dir() else []


def base_key(suite: str, mirror: str) -> str:
    digest = hashlib.sha256()
    for part in (BASE_RECIPE_VERSION, suite, mirror, *BASE_PACKAGES):
        digest.update(part.encode() + b"\0")
    for ca in _proxy_cas():
        digest.update(ca.read_bytes())
    return digest.hexdigest()[:16]


def base_archive(suite: str, mirror: str) -> Path:
    """The rootfs tarball of the base image, made once per machine (and key) under a lock."""
    archive = CACHE_DIR / f"pybase-{suite}-{base_key(suite, mirror)}.tar"
    with _locked(CACHE_DIR / "base.lock"):
        if archive.is_file():
            return archive
        for old in CACHE_DIR.glob(f"pybase-{suite}-*.tar*"):
            old.unlink()
        for leftover in CACHE_DIR.glob("rootfs-*"):  # a build killed half-way
            shutil.rmtree(leftover, ignore_errors=True)
        rootfs = Path(tempfile.mkdtemp(prefix="rootfs-", dir=CACHE_DIR))
        try:
            _debootstrap(suite, mirror, rootfs)
            partial = archive.with_suffix(".tar.partial")
            subprocess.run(
                ["tar", "-C", str(rootfs), "-cf", str(partial), "."], check=True, timeout=600
            )
            partial.replace(archive)
        finally:
            shutil.rmtree(rootfs, ignore_errors=True)
    return archive


def _debootstrap(suite: str, mirror: str, rootfs: Path) -> None:
    debootstrap = _which("debootstrap") or "debootstrap"
    proc = subprocess.run(
        [
            debootstrap,
            "--variant=minbase",
            f"--include={','.join(BASE_PACKAGES)}",
            suite,
            str(rootfs),
            mirror,
        ],
        capture_output=True,
        timeout=1200,
        check=False,
    )
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        raise RuntimeError(f"debootstrap {suite} from {mirror} failed:\n{log[-3000:]}")
    # Like python:3.x-slim: pip may install into the system interpreter.
    for marker in rootfs.glob("usr/lib/python3*/EXTERNALLY-MANAGED"):
        marker.unlink()
    pip = rootfs / "usr/local/bin/pip"
    if not pip.exists():
        pip.symlink_to("/usr/bin/pip3")
    cas = _proxy_cas()
    if cas:  # a TLS-intercepting proxy: the build's pip and apt must trust it
        for ca in cas:
            shutil.copy2(ca, rootfs / "usr/local/share/ca-certificates" / ca.name)
        subprocess.run(
            ["chroot", str(rootfs), "update-ca-certificates"],
            capture_output=True,
            check=True,
            timeout=120,
        )
    for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for entry in (rootfs / junk).glob("*"):
            if entry.is_file():
                entry.unlink()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _reset_podman_state(state: Path) -> None:
    conf = state / "containers.conf"
    try:
        runroot = Path((state / "runroot.path").read_text(encoding="utf-8").strip())
    except OSError:
        runroot = state / "runroot"
    env = dict(os.environ, CONTAINERS_CONF=str(conf)) if conf.is_file() else None
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        subprocess.run(
            [
                "podman",
                "--root",
                str(state / "storage"),
                "--runroot",
                str(runroot),
                "system",
                "reset",
                "--force",
            ],
            capture_output=True,
            env=env,
            timeout=300,
            check=False,
        )
    shutil.rmtree(state, ignore_errors=True)
    shutil.rmtree(runroot, ignore_errors=True)


def _remove_stale_runs() -> None:
    """Per-session directories left behind by a killed session (older than six hours)."""
    now = time.time()
    for state in CACHE_DIR.glob("run-*"):
        with contextlib.suppress(OSError):
            if now - state.stat().st_mtime > STALE_RUN_SECONDS:
                _reset_podman_state(state)
