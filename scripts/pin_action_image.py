#!/usr/bin/env python3
"""Make the released action.yml use the prebuilt image, pinned by digest.

On the development branch action.yml says `image: "Dockerfile"`, so every workflow run that
uses the action builds the image (tens of seconds). A release instead points at the image the
release workflow pushed, by digest, so what users run is exactly what was built and cannot
change under a moved tag:

    python3 scripts/pin_action_image.py pin --image ghcr.io/OWNER/importspy-action \
        --digest sha256:<64 hex> [--action action.yml]
    python3 scripts/pin_action_image.py check [--action action.yml]     # exit 0 when pinned
    python3 scripts/pin_action_image.py release-tags --source-tag source/v1.2.3
        # -> version=1.2.3, full=v1.2.3, minor=v1.2, major=v1, branch=releases/v1

Tags: maintainers push the *source* tag `source/vX.Y.Z`; the release workflow commits the
pinned action.yml on top of it and tags that release commit `vX.Y.Z` (never moved), `vX.Y`
and `vX` (moved to each newer release). So every tag users pin -- including the full version
Dependabot bumps them to -- runs the prebuilt image; `source/...` is not a version
Dependabot offers.

Only the `image:` line under the top-level `runs:` mapping changes (comments, quoting and
every other line stay as they were), and the result is read back and verified. Standard
library only: the release job runs it with the runner's python3, nothing installed.
Exit codes: 0 done / pinned, 1 `check` found no digest pin, 2 bad arguments or action.yml.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# registry/path as GHCR accepts it: lower case, no tag (the digest is the only reference)
IMAGE = re.compile(r"ghcr\.io/[a-z0-9](?:[a-z0-9-]{0,38})/[a-z0-9]+(?:[._-][a-z0-9]+)*")
PINNED = re.compile(rf"docker://(?P<image>{IMAGE.pattern})@(?P<digest>{DIGEST.pattern})")
_TOP_KEY = re.compile(r"^(?P<key>[A-Za-z0-9_-]+)\s*:")
_IMAGE_LINE = re.compile(
    r"^(?P<indent>[ ]+)image\s*:\s*(?P<value>\"[^\"]*\"|'[^']*'|[^#\s][^#]*?)?"
    r"(?P<comment>\s+#.*)?$"
)


SOURCE_TAG = re.compile(
    r"source/v(?P<major>0|[1-9][0-9]*)\.(?P<minor>0|[1-9][0-9]*)"
    r"\.(?P<patch>0|[1-9][0-9]*)"
)


class ActionFileError(Exception):
    """action.yml is not shaped as this script expects (exit 2)."""


def _runs_image_line(lines: list[str]) -> tuple[int, re.Match[str]]:
    """Index and match of the one `image:` line directly under the top-level `runs:`."""
    in_runs = False
    child_indent: str | None = None
    found: list[tuple[int, re.Match[str]]] = []
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        top = _TOP_KEY.match(line)
        if top:
            in_runs = top["key"] == "runs"
            child_indent = None
            continue
        if not in_runs:
            continue
        indent = line[: len(line) - len(line.lstrip(" "))]
        if child_indent is None:
            child_indent = indent
        if indent != child_indent:
            continue  # deeper: args, env, ... never the image
        match = _IMAGE_LINE.match(line)
        if match:
            found.append((index, match))
    if len(found) != 1:
        raise ActionFileError(
            f"expected exactly one `image:` under the top-level `runs:`, found {len(found)}"
        )
    return found[0]


def _unquote(value: str | None) -> str:
    value = (value or "").strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def runs_image(text: str) -> str:
    """The value of `runs.image` (unquoted)."""
    _, match = _runs_image_line(text.splitlines())
    return _unquote(match["value"])


def pin(text: str, image: str, digest: str) -> str:
    """`text` with runs.image set to docker://IMAGE@DIGEST; nothing else changes."""
    if not IMAGE.fullmatch(image):
        raise ValueError(
            f"--image {image!r} is not a GHCR repository such as "
            "ghcr.io/owner/importspy-action (lower case, no tag, no digest)"
        )
    if not DIGEST.fullmatch(digest):
        raise ValueError(f"--digest {digest!r} is not sha256: followed by 64 lower-case hex")
    lines = text.splitlines(keepends=True)
    index, match = _runs_image_line([line.rstrip("\r\n") for line in lines])
    if "using" not in text or not re.search(r"^\s+using\s*:\s*[\"']?docker[\"']?", text, re.M):
        raise ActionFileError("runs.using is not `docker`: only a Docker action can be pinned")
    ending = lines[index][len(lines[index].rstrip("\r\n")) :]
    reference = f"docker://{image}@{digest}"
    lines[index] = f'{match["indent"]}image: "{reference}"{match["comment"] or ""}{ending}'
    result = "".join(lines)
    if runs_image(result) != reference:  # read back what we wrote
        raise ActionFileError("the rewritten action.yml does not read back as pinned")
    return result


def is_pinned(text: str) -> bool:
    return PINNED.fullmatch(runs_image(text)) is not None


def release_tags(source_tag: str) -> dict[str, str]:
    """The names a release of `source/vX.Y.Z` creates: the version, the tags on the release
    commit (full, minor, major) and the `releases/vX` branch it is committed to."""
    match = SOURCE_TAG.fullmatch(source_tag)
    if match is None:
        raise ValueError(
            f"--source-tag {source_tag!r} is not source/vX.Y.Z (a final release, no "
            "leading zeros, no suffix)"
        )
    major, minor, patch = match["major"], match["minor"], match["patch"]
    return {
        "version": f"{major}.{minor}.{patch}",
        "full": f"v{major}.{minor}.{patch}",
        "minor": f"v{major}.{minor}",
        "major": f"v{major}",
        "branch": f"releases/v{major}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    pin_cmd = commands.add_parser("pin", help="rewrite runs.image to docker://IMAGE@DIGEST")
    pin_cmd.add_argument("--image", required=True)
    pin_cmd.add_argument("--digest", required=True)
    pin_cmd.add_argument("--action", type=Path, default=Path("action.yml"))
    pin_cmd.add_argument("--output", type=Path, help="write here instead of in place")
    check_cmd = commands.add_parser("check", help="exit 0 if runs.image is pinned by digest")
    check_cmd.add_argument("--action", type=Path, default=Path("action.yml"))
    tags_cmd = commands.add_parser(
        "release-tags", help="print version/full/minor/major/branch for a source tag"
    )
    tags_cmd.add_argument("--source-tag", required=True)
    args = parser.parse_args(argv)
    if args.command == "release-tags":
        try:
            names = release_tags(args.source_tag)
        except ValueError as exc:
            print(f"pin_action_image: {exc}", file=sys.stderr)
            return 2
        print("\n".join(f"{key}={value}" for key, value in names.items()))
        return 0
    try:
        text = args.action.read_text(encoding="utf-8")
        if args.command == "check":
            image = runs_image(text)
            if is_pinned(text):
                print(f"{args.action}: pinned to {image}")
                return 0
            print(f"{args.action}: runs.image is {image!r}, not docker://...@sha256:<digest>")
            return 1
        pinned = pin(text, args.image, args.digest)
    except (OSError, UnicodeError, ActionFileError, ValueError) as exc:
        print(f"pin_action_image: {args.action}: {exc}", file=sys.stderr)
        return 2
    target = args.output or args.action
    target.write_text(pinned, encoding="utf-8")
    print(f"{target}: runs.image -> docker://{args.image}@{args.digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
