"""A pair card compares the two sides field by field, with the comparison model's
weights in bits."""

from __future__ import annotations

import pytest

from loaders.ops.review import CARD_FIELDS, field_comparison


def profile(kind: str, pid: int, name: str, login: str | None, *emails: str) -> dict[str, object]:
    return {
        "type": kind,
        "id": pid,
        "display_name": name,
        "username": login,
        "emails": list(emails),
    }


A = [profile("github", 1, "Zoë Quintero", "zq", "zoe@x.example")]
B = [
    profile("mailing_list", 7, "zoe quintero", None, "zoe@y.example"),
    profile("github", 8, "Z. Q.", "zquintero", "zq@y.example"),
]


def test_the_model_decides_the_verdict_and_gives_the_bits() -> None:
    reasons = [
        "same_name: zoe quintero (+22.60)",
        "different_address: (-1.00)",
        "two_accounts_one_platform: github (-2.63)",
    ]
    rows = {r.field: r for r in field_comparison(A, B, reasons)}
    assert list(rows) == list(CARD_FIELDS)
    assert (rows["name"].verdict, rows["name"].bits) == ("agree", 22.60)
    assert (rows["address"].verdict, rows["address"].bits) == ("disagree", -1.00)
    assert rows["platform"].levels == [("two_accounts_one_platform", -2.63)]
    assert rows["platform"].a == ["github"] and rows["platform"].b == ["mailing_list", "github"]
    # not weighed: the values compared as written; ids never agree
    assert (rows["login"].verdict, rows["login"].bits) == ("disagree", None)
    assert rows["ids"].a == ["github 1"] and rows["ids"].verdict == "disagree"


@pytest.mark.parametrize(
    ("b", "verdict"),
    [
        ([profile("slack", 3, "ZOE QUINTERO", None)], "agree"),  # case and accents aside
        ([profile("slack", 3, "Someone Else", None)], "disagree"),
        ([profile("slack", 3, "", None)], "missing"),
    ],
)
def test_without_a_level_the_values_are_compared(b: list[dict[str, object]], verdict: str) -> None:
    rows = {r.field: r for r in field_comparison(A, b, [])}
    assert rows["name"].verdict == verdict and rows["name"].bits is None
    assert rows["address"].verdict == "missing"  # the other side has no address
