"""The console: no untrusted text becomes a workflow command the runner would process.

`RunnerMirror` (tests/helpers/runner_commands.py) re-implements, in Python, how the GitHub
runner turns log lines into commands (actions/runner: `ActionCommand.TryParseV2`/`TryParse`
and `ActionCommandManager.TryProcessCommand`). The property tests feed arbitrary text
through `Console` and check the runner would process exactly the commands the action meant
to emit, with exactly the data it meant.
"""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importspy_action.console import (
    KNOWN_COMMANDS,
    Console,
    clean,
    clean_field,
    escape_data,
    escape_property,
)
from tests.helpers.runner_commands import (
    DATA_PAIRS,
    DOTNET_SPACE,
    PROPERTY_PAIRS,
    Parsed,
    RunnerMirror,
    command_like_lines,
    unescape,
)

HOSTILE_ALPHABET = st.sampled_from(
    [
        *":#[]%,;=\n\r\t \x1b\x07\x9b\x85\u2028\u3000\u00a0\u200b\u202eabcE0",
        *("::", "##[", "\x1b[31m", "\x1b]8;;http://x\x07", "::error::", "::stop-commands::"),
        *("::add-mask::", "##[group]", "::set-output name=x::", "\r\n::warning ::"),
    ]
)
# Lines shaped like real injections: white space the runner trims, then a command.
injection_lines = st.lists(
    st.tuples(
        st.text(alphabet=sorted(DOTNET_SPACE), max_size=3),
        st.sampled_from(
            ["::error::x", "::ADD-MASK::y", "::stop-commands::t", "::set-output name=a::b"]
        ),
        st.text(max_size=5),
    ).map("".join),
    min_size=1,
    max_size=4,
).map("\n".join)
hostile_text = st.one_of(
    st.text(),
    st.lists(HOSTILE_ALPHABET, max_size=40).map("".join),
    injection_lines,
)


@given(hostile_text)
def test_written_text_is_never_processed_as_a_command(text: str) -> None:
    out = io.StringIO()
    Console(out).write(text)
    assert RunnerMirror().feed(out.getvalue()).processed == []
    assert command_like_lines(out.getvalue()) == []


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[str, object]]:
    ops: list[tuple[str, object]] = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["write", "command", "block"]))
        if kind == "write":
            ops.append(("write", draw(hostile_text)))
        elif kind == "command":
            name = draw(st.sampled_from(sorted(KNOWN_COMMANDS - {"add-mask"})))
            keys = draw(st.lists(st.sampled_from(["file", "line", "title", "col"]), unique=True))
            properties = {key: draw(hostile_text) for key in keys}
            ops.append(("command", (name, properties, draw(hostile_text))))
        else:
            ops.append(("block", draw(st.lists(hostile_text, max_size=4))))
    return ops


@given(operations())
def test_the_runner_processes_exactly_the_commands_the_action_meant(
    ops: list[tuple[str, object]],
) -> None:
    out = io.StringIO()
    console = Console(out)
    expected: list[Parsed] = []
    for kind, payload in ops:
        if kind == "write":
            assert isinstance(payload, str)
            console.write(payload)
        elif kind == "command":
            name, properties, message = payload  # type: ignore[misc]
            console.command(name, properties, message)
            kept = {k: clean_field(v).strip() for k, v in properties.items()}
            expected.append(
                Parsed(name, {k: v for k, v in kept.items() if v}, clean_field(message))
            )
        else:
            assert isinstance(payload, list)
            with console.untrusted_block():
                for text in payload:
                    console.write(text)
            expected += [Parsed("stop-commands"), Parsed("<resume>")]
    mirror = RunnerMirror().feed(out.getvalue())
    assert mirror.processed == expected
    assert mirror.stop_token is None


def test_a_forged_resume_token_inside_a_block_does_not_resume() -> None:
    out = io.StringIO()
    console = Console(out)
    with console.untrusted_block():
        token = out.getvalue().split("::")[2].strip()
        console.write(f"::{token}::\n##[{token}]\n::error::forged")
    mirror = RunnerMirror().feed(out.getvalue())
    assert mirror.processed == [Parsed("stop-commands"), Parsed("<resume>")]
    assert len(token) == 32 and re.fullmatch("[0-9a-f]+", token)


def test_without_cleaning_the_block_alone_still_holds_commands_back() -> None:
    """The second line of defence on its own: raw text between the markers is inert."""
    out = io.StringIO()
    console = Console(out)
    with console.untrusted_block():
        out.write("::add-mask::everything\n##[group]x\n::error file=a.py::forged\n")
    console.command("notice", {}, "after")
    processed = RunnerMirror().feed(out.getvalue()).processed
    assert [p.name for p in processed] == ["stop-commands", "<resume>", "notice"]


def test_tokens_differ_between_blocks() -> None:
    out = io.StringIO()
    console = Console(out)
    for _ in range(2):
        with console.untrusted_block():
            pass
    starts = [line for line in out.getvalue().splitlines() if line.startswith("::stop-commands")]
    assert len(set(starts)) == 2


def test_nested_blocks_share_the_outer_one() -> None:
    out = io.StringIO()
    console = Console(out)
    with console.untrusted_block(), console.untrusted_block():
        console.write("x")
    assert out.getvalue().count("::stop-commands::") == 1
    assert len(out.getvalue().splitlines()) == 3


def test_a_command_inside_a_block_is_a_programming_error() -> None:
    console = Console(io.StringIO())
    with console.untrusted_block(), pytest.raises(RuntimeError):
        console.command("error", {}, "x")


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("::error::pwned", ": :error::pwned"),
        ("  \t::add-mask::x", "  \t: :add-mask::x"),
        ("\u3000::warning::x", "\u3000: :warning::x"),
        ("\u00a0:::group::x", "\u00a0: ::group::x"),
        ("see ##[error]x and ##[group]", "see ## [error]x and ## [group]"),
        ("a\r::error::b", "a\n: :error::b"),
        ("a\r\n::error::b", "a\n: :error::b"),
        ("\x1b[1;31mred\x1b[0m text", "red text"),
        ("\x1b]8;;https://evil.example\x07link\x1b]8;;\x07", "link"),
        ("\x1b]0;title\x1b\\after", "after"),
        ("\x9b31mC1 CSI", "C1 CSI"),
        (":\x1b[0m:error::joined", ": :error::joined"),
        ("nul\x00bell\x07del\x7fnel\x85", "nulbelldelnel"),
        ("rtl\u202eoverride\u2066", "rtloverride"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("a: b :: c", "a: b :: c"),
        ("\u200b::zero width is not white space", "\u200b::zero width is not white space"),
    ],
)
def test_clean(raw: str, shown: str) -> None:
    assert clean(raw) == shown


@given(st.text())
def test_clean_leaves_no_escape_or_control_character(text: str) -> None:
    cleaned = clean(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", cleaned)
    assert clean(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_clean_keeps_ordinary_text(text: str) -> None:
    if "::" in text or "##[" in text:
        return
    assert clean(text) == text


def test_command_escapes_data_and_properties() -> None:
    out = io.StringIO()
    Console(out).command(
        "error",
        {"file": "a,b:c%.py", "line": "3", "title": "\x1b[31mT\x1b[0m", "col": ""},
        "50%\nnext ##[line]",
    )
    assert out.getvalue() == (
        "::error file=a%2Cb%3Ac%25.py,line=3,title=T::50%25%0Anext ## [line]\n"
    )
    assert RunnerMirror().feed(out.getvalue()).processed == [
        Parsed("error", {"file": "a,b:c%.py", "line": "3", "title": "T"}, "50%\nnext ## [line]")
    ]


def test_escapes_round_trip_through_the_runner_rules() -> None:
    tricky = "%0A %250A %3A %2C :,\r\n%"
    assert unescape(escape_data(tricky), DATA_PAIRS) == tricky
    assert unescape(escape_property(tricky), PROPERTY_PAIRS) == tricky


@pytest.mark.parametrize("name", ["set-output", "stop-commands", "error file=x", "", "ERROR::"])
def test_only_known_commands_can_be_emitted(name: str) -> None:
    with pytest.raises(ValueError):
        Console(io.StringIO()).command(name, {}, "x")


def test_property_names_are_checked() -> None:
    with pytest.raises(ValueError):
        Console(io.StringIO()).command("error", {"file=x,line": "1"}, "x")


def test_mask_keeps_the_secret_exact_and_masks_each_line() -> None:
    out = io.StringIO()
    Console(out).mask("s3cr%t\nline2")
    processed = RunnerMirror().feed(out.getvalue()).processed
    assert [p.data for p in processed] == ["s3cr%t\nline2", "s3cr%t", "line2"]
    assert {p.name for p in processed} == {"add-mask"}


def test_writes_always_end_the_line_so_two_writes_cannot_join() -> None:
    out = io.StringIO()
    console = Console(out)
    console.write(":")
    console.write(":error::joined")
    assert RunnerMirror().feed(out.getvalue()).processed == []


def test_a_console_that_cannot_encode_a_character_does_not_crash() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    Console(stream).write("\u3000::error::x caf\u00e9")
    stream.flush()
    shown = raw.getvalue().decode("ascii")
    assert shown == "\\u3000: :error::x caf\\xe9\n"
    assert RunnerMirror().feed(shown).processed == []
