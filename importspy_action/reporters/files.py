"""Writing report files so a crash mid-write never leaves a truncated document behind.

In the container the action runs as root, but the workspace belongs to the runner's user,
and the steps after ours (upload-sarif, upload-artifact, the next checkout's clean-up) run
as that user. So a report gets the ordinary 0666-minus-umask mode (not mkstemp's 0600),
and when we are root, the file and any folder we had to create are handed to the owner of
the folder they were written into -- otherwise later steps could not read or delete them.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> None:
    created = _make_parents(path.parent)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _hand_over([*created, path])


def _make_parents(folder: Path) -> list[Path]:
    """mkdir -p, returning the folders it created (outermost first)."""
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _hand_over(paths: list[Path]) -> None:
    """As root, give new paths to the owner of the folder that holds the first of them."""
    if not paths or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    holder = paths[0].parent.stat()
    if holder.st_uid == 0 and holder.st_gid == 0:
        return
    for path in paths:
        try:
            os.chown(path, holder.st_uid, holder.st_gid)
        except OSError:  # a read-only or foreign mount: the file is written, that matters most
            return


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
