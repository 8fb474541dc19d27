#!/usr/bin/env python3
"""Render the README's pictures from a real run: the job summary and the check run.

Nothing is drawn by hand. The script runs the real `importspy-action` CLI on a copy of
`examples/` with `--summary-file` (the job summary's markdown, byte for byte what
$GITHUB_STEP_SUMMARY gets) and `--dry-run` (the exact check-run request the Checks API would
receive), renders that markdown with cmarkgfm (GitHub's own fork of cmark, with its
table/strikethrough/autolink extensions), styles it with GitHub's markdown stylesheet
(the `github-markdown-css` npm package, pinned by version and sha512 integrity), and
screenshots each page with headless Chromium.

    make screenshots          # writes docs/images/job-summary.png and check-run.png

Needs, besides `make venv` (cmarkgfm is a dev dependency):

    apt-get install -y chromium fonts-noto-color-emoji   # Debian/Ubuntu; or CHROMIUM=/path
    npm (Node.js)                      # only to fetch the pinned stylesheet once

It is not part of `make test`: it needs a browser and the npm registry. Exit codes: 0 done,
2 a tool is missing (the message says how to install it), 3 a step failed.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "images"
CACHE = REPO / ".cache" / "screenshots"
CSS_PACKAGE = "github-markdown-css@5.9.0"
CSS_INTEGRITY = (  # `npm view github-markdown-css@5.9.0 dist.integrity`
    "sha512-tmT5sY+zvg2302XLYEfH2mtkViIM1SWf2nvYoF5N1ZsO0V6B2qZTiw3GOzw4vpjLygK/"
    "KG35qRlPFweHqfzz5w=="
)
CSS_FILE = "package/github-markdown-light.css"
WIDTH = 960
MAX_PNG_BYTES = 300 * 1024
CONTRACTS = ("src/plugins/*.py", "src/core/api.py: contracts/api.yml")


class Missing(Exception):
    """A tool the script needs is not installed (exit 2)."""


class StepFailed(Exception):
    """A step ran and failed (exit 3)."""


def chromium() -> str:
    for candidate in (
        os.environ.get("CHROMIUM", ""),
        "chromium",
        "chromium-browser",
        "google-chrome",
    ):
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    raise Missing(
        "Chromium not found: `apt-get install -y chromium fonts-noto-color-emoji` "
        "(or set CHROMIUM=/path/to/chrome)."
    )


def stylesheet() -> str:
    """GitHub's markdown CSS from the pinned npm tarball, verified against its integrity."""
    CACHE.mkdir(parents=True, exist_ok=True)
    name = CSS_PACKAGE.replace("@", "-") + ".tgz"
    tarball = CACHE / name
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise Missing("npm not found: `apt-get install -y npm` (used once to fetch the CSS).")
        run([npm, "pack", CSS_PACKAGE, "--pack-destination", str(CACHE), "--silent"], REPO)
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != CSS_INTEGRITY:
        tarball.unlink()
        raise StepFailed(f"{name}: sha512 does not match the pinned integrity; deleted it.")
    with tarfile.open(tarball) as archive:
        member = archive.extractfile(CSS_FILE)
        if member is None:
            raise StepFailed(f"{name} has no {CSS_FILE}")
        return member.read().decode("utf-8")


def run(argv: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode not in ok:
        raise StepFailed(f"{Path(argv[0]).name} exited {done.returncode}: {done.stderr[-800:]}")
    return done.stdout


def real_run(work: Path) -> tuple[str, dict[str, Any], Path]:
    """Run the CLI on a copy of examples/: (summary markdown, check-run create body, workspace)."""
    workspace = work / "examples"
    shutil.copytree(REPO / "examples", workspace, ignore=shutil.ignore_patterns("workflows"))
    out = work / "out"
    out.mkdir()
    cli = Path(sys.executable).with_name("importspy-action")
    argv = [str(cli), "run", "--workspace", str(workspace)]
    for entry in CONTRACTS:
        argv += ["--contracts", entry]
    argv += [
        "--json-report", str(out / "report.json"),
        "--summary-file", str(out / "summary.md"),
        "--sarif", "",
        "--dry-run", "true",
    ]  # fmt: skip
    run(argv, workspace, ok=(0, 1))  # exit 1: the examples break contracts on purpose
    request = json.loads((out / "importspy-check-run" / "001-create.json").read_text("utf-8"))
    return (out / "summary.md").read_text("utf-8"), request["body"], workspace


def markdown(text: str) -> str:
    import cmarkgfm  # type: ignore[import-untyped]  # dev dependency, imported late

    return str(cmarkgfm.github_flavored_markdown_to_html(text))


PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>{css}
body {{ margin: 0; background: #fff; }}
.frame {{ box-sizing: border-box; width: {width}px; padding: 24px 32px; }}
.bar {{ font: 600 14px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #59636e;
  border-bottom: 1px solid #d1d9e0; padding-bottom: 8px; margin-bottom: 16px; }}
.annotation {{ border: 1px solid #d1d9e0; border-radius: 6px; margin: 0 0 12px; }}
.annotation .head {{ background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 6px 12px;
  font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }}
.annotation .code {{ margin: 0; padding: 6px 12px; font: 12px ui-monospace, monospace;
  white-space: pre; overflow: hidden; }}
.annotation .note {{ border-left: 4px solid #d1242f; margin: 0 12px 10px; padding: 6px 10px;
  background: #ffebe9; font: 13px -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }}
.annotation .note.warning {{ border-color: #9a6700; background: #fff8c5; }}
.annotation .note.notice {{ border-color: #0969da; background: #ddf4ff; }}
</style></head><body><div class="frame markdown-body">{body}</div></body></html>
"""


def summary_page(css: str, summary: str) -> str:
    body = '<div class="bar">Job summary · gates</div>' + markdown(summary)
    return PAGE.format(css=css, width=WIDTH, body=body)


def check_run_page(css: str, create: dict[str, Any], workspace: Path) -> str:
    """The check run as GitHub lays it out: name and title, summary, then each annotation
    on its source line as in the "Files changed" tab."""
    output = create["output"]
    parts = [
        f'<div class="bar">Checks · {html.escape(create["name"])} · '
        f"conclusion: {html.escape(create.get('conclusion', ''))}</div>",
        f"<h2>{html.escape(output['title'])}</h2>",
        markdown(output["summary"]),
        "<h3>Annotations</h3>",
    ]
    for note in output.get("annotations", [])[:4]:
        source = workspace / note["path"]
        lines = source.read_text("utf-8").splitlines() if source.is_file() else []
        line = lines[note["start_line"] - 1] if 0 < note["start_line"] <= len(lines) else ""
        level = {"failure": "", "warning": "warning", "notice": "notice"}[note["annotation_level"]]
        parts.append(
            '<div class="annotation">'
            f'<div class="head">{html.escape(note["path"])}</div>'
            f'<pre class="code">{note["start_line"]:>4}  {html.escape(line)}</pre>'
            f'<div class="note {level}"><strong>{html.escape(note.get("title", ""))}</strong>'
            f"<br>{html.escape(note['message'])}</div></div>"
        )
    return PAGE.format(css=css, width=WIDTH, body="\n".join(parts))


def screenshot(browser: str, page: Path, target: Path) -> None:
    """Two headless passes: measure the page's height, then shoot exactly that."""
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    probe = page.with_suffix(".probe.html")
    probe.write_text(
        page.read_text("utf-8").replace(
            "</body>",
            "<script>document.title='H'+document.documentElement.scrollHeight</script></body>",
        ),
        "utf-8",
    )
    dom = run([*flags, f"--window-size={WIDTH},800", "--dump-dom", probe.as_uri()], page.parent)
    found = re.search(r"<title>H(\d+)</title>", dom)
    if found is None:
        raise StepFailed(f"could not measure {page.name}")
    height = min(int(found.group(1)), 4000)
    run(
        [
            *flags,
            "--force-device-scale-factor=1",
            f"--window-size={WIDTH},{height}",
            f"--screenshot={target}",
            page.as_uri(),
        ],
        page.parent,
    )
    if not target.is_file():
        raise StepFailed(f"Chromium wrote no {target.name}")
    if target.stat().st_size > MAX_PNG_BYTES:
        raise StepFailed(f"{target.name} is {target.stat().st_size} bytes, over 300 KB")


def main() -> int:
    try:
        browser = chromium()
        css = stylesheet()
        markdown("")  # fail early when cmarkgfm is missing
        IMAGES.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="importspy-screens-") as temp:
            work = Path(temp)
            summary, create, workspace = real_run(work)
            pages = {
                "job-summary.png": summary_page(css, summary),
                "check-run.png": check_run_page(css, create, workspace),
            }
            for name, text in pages.items():
                page = work / name.replace(".png", ".html")
                page.write_text(text, "utf-8")
                screenshot(browser, page, IMAGES / name)
                print(
                    f"{(IMAGES / name).relative_to(REPO)}: {(IMAGES / name).stat().st_size} bytes"
                )
    except ModuleNotFoundError as exc:
        print(f"render_screenshots: {exc.name} missing: run `make venv`.", file=sys.stderr)
        return 2
    except Missing as exc:
        print(f"render_screenshots: {exc}", file=sys.stderr)
        return 2
    except (StepFailed, OSError, KeyError, ValueError) as exc:
        print(f"render_screenshots: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
