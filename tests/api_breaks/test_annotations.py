"""annotations.py: spellings of one type or one default value compare equal, others do not."""

from __future__ import annotations

import pytest

from importspy_action.api_breaks.annotations import same_expression, same_type


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Optional[int]", "int | None"),
        ("typing.List[str]", "list[str]"),
        ("Union[a, b]", "b | a"),
        ('"Foo"', "Foo"),
        ("t.Dict[str, int]", "dict[str, int]"),
        ("Optional[Union[a, b]]", "None | b | a"),
    ],
)
def test_spellings_of_one_type_are_the_same(old: str, new: str) -> None:
    assert same_type(old, new) and same_type(new, old)


@pytest.mark.parametrize(
    ("old", "new"),
    [("int", "str"), ("list[int]", "list[str]"), ("Optional[int]", "int"), ("a | b", "a")],
)
def test_different_types_differ(old: str, new: str) -> None:
    assert not same_type(old, new)


def test_unparsable_annotations_compare_as_text() -> None:
    assert same_type("not valid (", " not valid (")
    assert not same_type("not valid (", "other (")


def test_defaults_compare_by_structure() -> None:
    assert same_expression("( 1 )", "1")
    assert same_expression("{'a':1}", "{'a': 1}")
    assert not same_expression("1", "2")
    assert not same_expression("None", "'None'")
    assert same_expression("broken(", "broken( ")
