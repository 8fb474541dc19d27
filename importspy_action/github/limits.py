"""The Checks API's size rules, applied before anything is sent.

GitHub answers 422 to an output title over 255 characters, a summary or text over 65,535
characters (its storage also counts bytes, so multi-byte text can fail under the character
limit), an annotation message or raw_details over 64 KB, more than 50 annotations in one
request, and characters above U+FFFF (its storage is 3-byte UTF-8). A 422 would lose the whole
check run, so every string is made to fit here: cut at a character boundary (never inside a
UTF-8 sequence) with a visible marker, and astral characters escaped as `\\U0001F40D`.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_TITLE_CHARS = 255
MAX_OUTPUT_CHARS = 65_535
MAX_OUTPUT_BYTES = 65_535
MAX_ANNOTATION_BYTES = 64 * 1024
MAX_ANNOTATIONS_PER_REQUEST = 50
ELLIPSIS = "…"


def escape_astral(text: str) -> str:
    """Replace characters above U+FFFF (emoji, rare CJK) with a visible `\\UXXXXXXXX` escape."""
    if text.isascii():
        return text
    return "".join(f"\\U{ord(ch):08X}" if ord(ch) > 0xFFFF else ch for ch in text)


def fits(text: str, *, max_chars: int, max_bytes: int) -> bool:
    return len(text) <= max_chars and len(text.encode("utf-8")) <= max_bytes


def clip(text: str, *, max_chars: int, max_bytes: int, marker: str = ELLIPSIS) -> str:
    """Escape astral characters, then cut to both limits at a character boundary + `marker`."""
    text = escape_astral(text)
    if fits(text, max_chars=max_chars, max_bytes=max_bytes):
        return text
    room_chars = max_chars - len(marker)
    room_bytes = max_bytes - len(marker.encode("utf-8"))
    if room_chars <= 0 or room_bytes <= 0:
        return marker[:max_chars]
    head = text[:room_chars]
    encoded = head.encode("utf-8")
    if len(encoded) > room_bytes:
        # decode with "ignore" drops a trailing partial sequence: never a broken character
        head = encoded[:room_bytes].decode("utf-8", "ignore")
    return head + marker


def title(text: str) -> str:
    return clip(" ".join(text.split()), max_chars=MAX_TITLE_CHARS, max_bytes=4 * MAX_TITLE_CHARS)


def annotation_text(text: str) -> str:
    """Annotation message / raw_details: at most 64 KB of UTF-8."""
    return clip(text, max_chars=MAX_ANNOTATION_BYTES, max_bytes=MAX_ANNOTATION_BYTES)


def join_within(
    head: Sequence[str],
    items: Sequence[str],
    tail: Sequence[str] = (),
    *,
    more: str = "… {n} more not shown here: the job summary and the JSON report list all.",
    max_chars: int = MAX_OUTPUT_CHARS,
    max_bytes: int = MAX_OUTPUT_BYTES,
) -> str:
    """Join lines `head + items + tail`, dropping trailing items that do not fit.

    When items are dropped an "N more" line (the `more` template) replaces them, so a reader
    knows the list is cut and by how much; `head` and `tail` are clipped only as a last resort.
    """
    lines = [escape_astral(line) for line in head]
    tail_lines = [escape_astral(line) for line in tail]
    used_chars = sum(len(line) + 1 for line in lines) + sum(len(line) + 1 for line in tail_lines)
    used_bytes = sum(len(line.encode("utf-8")) + 1 for line in lines) + sum(
        len(line.encode("utf-8")) + 1 for line in tail_lines
    )
    reserve = len(more.format(n=10**9)) + 1
    reserve_bytes = len(more.format(n=10**9).encode("utf-8")) + 1
    kept: list[str] = []
    for index, raw in enumerate(items):
        line = escape_astral(raw)
        cost_chars = len(line) + 1
        cost_bytes = len(line.encode("utf-8")) + 1
        last = index == len(items) - 1
        limit_chars = max_chars - (0 if last else reserve)
        limit_bytes = max_bytes - (0 if last else reserve_bytes)
        if used_chars + cost_chars > limit_chars or used_bytes + cost_bytes > limit_bytes:
            kept.append(more.format(n=len(items) - index))
            break
        kept.append(line)
        used_chars += cost_chars
        used_bytes += cost_bytes
    text = "\n".join([*lines, *kept, *tail_lines])
    return clip(text, max_chars=max_chars, max_bytes=max_bytes)
