"""action.yml meets what GitHub documents for the Marketplace listing.

The Marketplace validates action.yml at the release tag and refuses a release whose metadata
breaks its rules, so a mistake is only seen at publish time -- and then needs a new release.
These tests make the rules visible in `make test` instead.

Sources (read when this test was written):
- "Metadata syntax for GitHub Actions", docs.github.com/en/actions/reference/
  metadata-syntax-for-github-actions: `name` and `description` are required, `runs` is
  required; `branding.color` is one of white, black, yellow, blue, green, orange, red,
  purple, gray-dark; `branding.icon` is a Feather v4.28.0 icon from the "Exhaustive list of
  all currently supported icons" (brand icons and the "Omitted icons" are not allowed).
- "Publishing actions in GitHub Marketplace", docs.github.com/en/actions/how-tos/
  create-and-publish-actions/publish-in-github-marketplace: one action.yml at the
  repository root; the name must be unique and must not match a user or organization the
  publisher does not own, a Marketplace category or a GitHub feature. GitHub documents no
  length limit for the name.
- The Marketplace's publish form refuses a description of 125 characters or more
  ("Description must be less than 125 characters"), so the limit below is strict.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.conftest import REPO

pytestmark = pytest.mark.workflows

ACTION = REPO / "action.yml"
MAX_DESCRIPTION = 125  # exclusive: "must be less than 125 characters"

# docs.github.com, "Metadata syntax for GitHub Actions" -> branding.color.
ALLOWED_COLORS = frozenset(
    {"white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"}
)

# docs.github.com, "Metadata syntax for GitHub Actions" -> branding.icon -> "Exhaustive
# list of all currently supported icons" (Feather v4.28.0 minus brand and omitted icons).
ALLOWED_ICONS = frozenset(
    [
        "activity",
        "airplay",
        "alert-circle",
        "alert-octagon",
        "alert-triangle",
        "align-center",
        "align-justify",
        "align-left",
        "align-right",
        "anchor",
        "aperture",
        "archive",
        "arrow-down-circle",
        "arrow-down-left",
        "arrow-down-right",
        "arrow-down",
        "arrow-left-circle",
        "arrow-left",
        "arrow-right-circle",
        "arrow-right",
        "arrow-up-circle",
        "arrow-up-left",
        "arrow-up-right",
        "arrow-up",
        "at-sign",
        "award",
        "bar-chart-2",
        "bar-chart",
        "battery-charging",
        "battery",
        "bell-off",
        "bell",
        "bluetooth",
        "bold",
        "book-open",
        "book",
        "bookmark",
        "box",
        "briefcase",
        "calendar",
        "camera-off",
        "camera",
        "cast",
        "check-circle",
        "check-square",
        "check",
        "chevron-down",
        "chevron-left",
        "chevron-right",
        "chevron-up",
        "chevrons-down",
        "chevrons-left",
        "chevrons-right",
        "chevrons-up",
        "circle",
        "clipboard",
        "clock",
        "cloud-drizzle",
        "cloud-lightning",
        "cloud-off",
        "cloud-rain",
        "cloud-snow",
        "cloud",
        "code",
        "command",
        "compass",
        "copy",
        "corner-down-left",
        "corner-down-right",
        "corner-left-down",
        "corner-left-up",
        "corner-right-down",
        "corner-right-up",
        "corner-up-left",
        "corner-up-right",
        "cpu",
        "credit-card",
        "crop",
        "crosshair",
        "database",
        "delete",
        "disc",
        "dollar-sign",
        "download-cloud",
        "download",
        "droplet",
        "edit-2",
        "edit-3",
        "edit",
        "external-link",
        "eye-off",
        "eye",
        "fast-forward",
        "feather",
        "file-minus",
        "file-plus",
        "file-text",
        "file",
        "film",
        "filter",
        "flag",
        "folder-minus",
        "folder-plus",
        "folder",
        "gift",
        "git-branch",
        "git-commit",
        "git-merge",
        "git-pull-request",
        "globe",
        "grid",
        "hard-drive",
        "hash",
        "headphones",
        "heart",
        "help-circle",
        "home",
        "image",
        "inbox",
        "info",
        "italic",
        "layers",
        "layout",
        "life-buoy",
        "link-2",
        "link",
        "list",
        "loader",
        "lock",
        "log-in",
        "log-out",
        "mail",
        "map-pin",
        "map",
        "maximize-2",
        "maximize",
        "menu",
        "message-circle",
        "message-square",
        "mic-off",
        "mic",
        "minimize-2",
        "minimize",
        "minus-circle",
        "minus-square",
        "minus",
        "monitor",
        "moon",
        "more-horizontal",
        "more-vertical",
        "move",
        "music",
        "navigation-2",
        "navigation",
        "octagon",
        "package",
        "paperclip",
        "pause-circle",
        "pause",
        "percent",
        "phone-call",
        "phone-forwarded",
        "phone-incoming",
        "phone-missed",
        "phone-off",
        "phone-outgoing",
        "phone",
        "pie-chart",
        "play-circle",
        "play",
        "plus-circle",
        "plus-square",
        "plus",
        "pocket",
        "power",
        "printer",
        "radio",
        "refresh-ccw",
        "refresh-cw",
        "repeat",
        "rewind",
        "rotate-ccw",
        "rotate-cw",
        "rss",
        "save",
        "scissors",
        "search",
        "send",
        "server",
        "settings",
        "share-2",
        "share",
        "shield-off",
        "shield",
        "shopping-bag",
        "shopping-cart",
        "shuffle",
        "sidebar",
        "skip-back",
        "skip-forward",
        "slash",
        "sliders",
        "smartphone",
        "speaker",
        "square",
        "star",
        "stop-circle",
        "sun",
        "sunrise",
        "sunset",
        "table",
        "tablet",
        "tag",
        "target",
        "terminal",
        "thermometer",
        "thumbs-down",
        "thumbs-up",
        "toggle-left",
        "toggle-right",
        "trash-2",
        "trash",
        "trending-down",
        "trending-up",
        "triangle",
        "truck",
        "tv",
        "type",
        "umbrella",
        "underline",
        "unlock",
        "upload-cloud",
        "upload",
        "user-check",
        "user-minus",
        "user-plus",
        "user-x",
        "user",
        "users",
        "video-off",
        "video",
        "voicemail",
        "volume-1",
        "volume-2",
        "volume-x",
        "volume",
        "watch",
        "wifi-off",
        "wifi",
        "wind",
        "x-circle",
        "x-square",
        "x",
        "zap-off",
        "zap",
        "zoom-in",
        "zoom-out",
    ]
)

# Same page, "Omitted icons": Feather icons GitHub does not render.
OMITTED_ICONS = frozenset(
    [
        "coffee",
        "columns",
        "divide-circle",
        "divide-square",
        "divide",
        "frown",
        "hexagon",
        "key",
        "meh",
        "mouse-pointer",
        "smile",
        "tool",
        "x-octagon",
    ]
)

# Names the Marketplace would refuse for us: the upstream project's own name (a user or
# organization we do not own) -- the listing must be distinctive.
TAKEN_NAMES = frozenset({"importspy", "importspy-action"})


def metadata_problems(doc: dict[str, Any]) -> list[str]:
    """Every way `doc` (a parsed action.yml) breaks the documented Marketplace rules."""
    problems: list[str] = []
    for key in ("name", "description", "runs"):
        if not doc.get(key):
            problems.append(f"`{key}` is required")
    name = doc.get("name")
    if isinstance(name, str):
        if "\n" in name or name != name.strip():
            problems.append("`name` must be one line without surrounding spaces")
        if name.strip().lower() in TAKEN_NAMES:
            problems.append(f"`name` {name!r} is not distinctive (it names another owner)")
    description = doc.get("description")
    if isinstance(description, str):
        if len(description) >= MAX_DESCRIPTION:
            problems.append(
                f"`description` has {len(description)} characters; the Marketplace needs "
                f"fewer than {MAX_DESCRIPTION}"
            )
        if "\n" in description:
            problems.append("`description` must be one line")
    branding = doc.get("branding")
    if not isinstance(branding, dict):
        problems.append("`branding` with an icon and a color is needed for the listing badge")
        return problems
    icon, color = branding.get("icon"), branding.get("color")
    if icon in OMITTED_ICONS:
        problems.append(f"branding icon {icon!r} is one GitHub omits")
    elif icon not in ALLOWED_ICONS:
        problems.append(f"branding icon {icon!r} is not in GitHub's supported list")
    if color not in ALLOWED_COLORS:
        problems.append(f"branding color {color!r} is not one of GitHub's colors")
    return problems


def action() -> dict[str, Any]:
    loaded = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_action_yml_meets_the_marketplace_rules() -> None:
    assert metadata_problems(action()) == []


def test_the_marketplace_action_is_the_one_at_the_root() -> None:
    """One metadata file at the root is the Marketplace listing; sub-actions in folders are
    allowed beside it (actions/cache lists `restore/` and `save/` the same way). Ours is the
    native action (issue 13), used as `org/importspy-action/native@v1`."""
    found = sorted(
        str(path.relative_to(REPO))
        for pattern in ("action.yml", "action.yaml")
        for path in REPO.rglob(pattern)
        if not {".venv", "node_modules", ".git"} & set(path.relative_to(REPO).parts)
        and "tests" not in path.relative_to(REPO).parts
    )
    assert found == ["action.yml", "native/action.yml"]


def test_the_checker_catches_each_rule() -> None:
    broken = {
        "name": "ImportSpy",
        "description": "x" * MAX_DESCRIPTION,
        "runs": {"using": "docker", "image": "Dockerfile"},
        "branding": {"icon": "coffee", "color": "pink"},
    }
    problems = metadata_problems(broken)
    assert any("not distinctive" in p for p in problems)
    assert any("has 125 characters" in p for p in problems)
    assert any("omits" in p for p in problems)
    assert any("color 'pink'" in p for p in problems)
    assert metadata_problems({**broken, "branding": {"icon": "github", "color": "red"}})[-1] == (
        "branding icon 'github' is not in GitHub's supported list"
    )
    assert "`runs` is required" in metadata_problems({"name": "a", "description": "b"})
    fine = {**broken, "name": "Distinct", "description": "x" * (MAX_DESCRIPTION - 1)}
    assert metadata_problems({**fine, "branding": {"icon": "shield", "color": "gray-dark"}}) == []


def test_the_icon_lists_are_disjoint_and_complete_enough() -> None:
    # The documented list has 257 entries; a paste error would show here.
    assert len(ALLOWED_ICONS) == 257
    assert not ALLOWED_ICONS & OMITTED_ICONS
