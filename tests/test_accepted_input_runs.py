"""No accepted input can fail a run: hypothesis draws calls for every loader (odd,
huge, signed and malformed GitHub noreply addresses, any text), whatever the
loaders accept is loaded, and the next `run` succeeds, its data tests included.
Refused calls are the fuzz suite's business (tests/test_fuzz.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

import loaders as L
from loaders import db as dbmod
from loaders.ops.runs import run

from .conftest import FIGURES

REFUSED = (L.InvalidInput, L.NotFound, L.DecisionRefused)

# what anyone can put in a commit author or a list From line
NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["", "0", "007", "9" * 18, "9" * 19, "9" * 40, "+1", "-5", "1e9", "٣"]),
)
LOGINS = st.one_of(
    st.from_regex(r"[A-Za-z0-9-]{1,20}", fullmatch=True),
    st.sampled_from(["", "+", "a+b", "dup", "[bot]", "x@y"]),
)
NOREPLY = st.builds(
    lambda n, login, sep: f"{n}{sep}{login}@users.noreply.github.com",
    NUMBERS,
    LOGINS,
    st.sampled_from(["+", "", "++", " + "]),
)
EMAILS = st.one_of(
    NOREPLY,
    st.emails(),
    st.sampled_from(
        [
            "josé@café.fr",
            "JOSÉ@CAFÉ.FR",
            "a@b",
            "@",
            "a@@b",
            "  padded@example.org  ",
            "é@",
            "x@localhost",
            "david@david-pc.(none)",
            "boost@lists.boost.org",
            "ﬁ@ﬁ.de",
            "\u202eevil@x.org",
        ]
    ),
    st.text(max_size=40),
)
TEXT = st.one_of(st.text(max_size=60), st.sampled_from(["", " ", "X via Boost", "İ ß ǅ Σ"]))
IDS = st.integers(min_value=-(2**63), max_value=2**63 - 1)
ACCOUNT_IDS = st.integers(min_value=1, max_value=2**63 - 1)  # GitHub's are positive


@st.composite
def calls(draw: Any) -> list[tuple[str, Callable[[list[Any]], Any]]]:
    """A batch of loader calls; a call may use a profile made earlier in it."""
    out: list[tuple[str, Callable[[list[Any]], Any]]] = []
    for _ in range(draw(st.integers(min_value=20, max_value=60))):
        kind = draw(st.sampled_from(KINDS))
        out.append((kind, KINDS_DRAW[kind](draw)))
    return out


def _profile_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[list[Any]], Any]:
    def call(made: list[Any]) -> Any:
        value = fn(*args, **kwargs)
        made.append(value[0] if isinstance(value, tuple) else value)
        return value

    return call


def _on_earlier(draw: Any, make: Callable[[Any, int], Any]) -> Callable[[list[Any]], Any]:
    pick = draw(st.integers(min_value=0, max_value=10**6))

    def call(made: list[Any]) -> Any:
        profiles = [m for m in made if not isinstance(m, L.TmpIdentity | L.Identity)]
        if not profiles:
            return None
        return make(profiles, pick)

    return call


KINDS_DRAW: dict[str, Callable[[Any], Callable[[list[Any]], Any]]] = {
    "github": lambda d: _profile_call(
        L.get_or_create_github_account,
        d(ACCOUNT_IDS),
        d(TEXT),
        d(TEXT),
        account_type=d(st.sampled_from(["user", "organization", "enterprise"])),
    ),
    "unknown_github": lambda d: _profile_call(
        L.get_or_create_unknown_github_account, d(TEXT), d(EMAILS)
    ),
    "slack": lambda d: _profile_call(
        L.get_or_create_slack_user,
        {
            "id": d(st.one_of(st.from_regex(r"U[A-Z0-9]{2,10}", fullmatch=True), TEXT)),
            "name": d(TEXT),
            "real_name": d(TEXT),
            "profile": {"email": d(EMAILS)},
        },
    ),
    "discord": lambda d: _profile_call(
        L.get_or_create_discord_profile, d(IDS), d(TEXT), d(TEXT), is_bot=d(st.booleans())
    ),
    "mailing_list": lambda d: _profile_call(
        L.get_or_create_mailing_list_profile, d(TEXT), d(EMAILS)
    ),
    "wg21": lambda d: _profile_call(L.get_or_create_wg21_paper_author_profile, d(TEXT), d(EMAILS)),
    "youtube": lambda d: _profile_call(L.get_or_create_youtube_speaker, d(TEXT), d(TEXT)),
    "email": lambda d: (
        lambda address, primary: _on_earlier(
            d, lambda ps, i: L.add_email(ps[i % len(ps)], address, is_primary=primary)
        )
    )(d(EMAILS), d(st.booleans())),
    "identity": lambda d: _profile_call(L.create_identity, d(TEXT), d(TEXT)),
    "tmp_link": lambda d: (
        lambda name: _on_earlier(
            d,
            lambda ps, i: L.add_temp_profile_identity_relation(
                ps[i % len(ps)], L.create_tmp_identity(name)
            ),
        )
    )(d(TEXT)),
    "same": lambda d: _on_earlier(
        d, lambda ps, i: L.record_decision("same", ps[i % len(ps)], ps[(i // 7) % len(ps)])
    ),
    "different": lambda d: _on_earlier(
        d, lambda ps, i: L.record_decision("different", ps[i % len(ps)], ps[(i // 3) % len(ps)])
    ),
}
# addresses are where hostile input goes: drawn three times as often
KINDS = [*sorted(KINDS_DRAW), "email", "email", "github"]

HARD_ADDRESSES = [
    "99999999999999999999+x@users.noreply.github.com",  # no bigint holds it
    "9223372036854775808+x@users.noreply.github.com",
    "999999999999999999+y@users.noreply.github.com",
    "-5+z@users.noreply.github.com",
    "+@users.noreply.github.com",
    "0+zero@users.noreply.github.com",
    "٣+arabic-digit@users.noreply.github.com",
    "josé@café.fr",
    "é@",
    "a@@b",
    "@",
    "david@david-pc.(none)",
]


def _add_to_first(address: str) -> Callable[[list[Any]], Any]:
    return lambda made: L.add_email(made[0], address)


# every example draws new batches; this one is always tried first
HARD_BATCH = [
    ("github", _profile_call(L.get_or_create_github_account, 4242, "octo", "Octo")),
    *(("email", _add_to_first(address)) for address in HARD_ADDRESSES),
]
loaded: dict[str, int] = {}


@pytest.fixture(scope="module")
def db(module_database: dbmod.Database) -> dbmod.Database:
    return module_database


@settings(
    max_examples=3,
    deadline=None,
    # the same draws on every CI run (a failure reproduces); no shrinking: each
    # example costs a full run, and the failing batch is printed as it is
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(batch=HARD_BATCH)
@given(batch=calls())
def test_whatever_the_loaders_accept_a_run_handles(
    db: dbmod.Database, monkeypatch: pytest.MonkeyPatch, batch: list[Any]
) -> None:
    monkeypatch.setenv(dbmod.DSN_ENV, db.conninfo)
    made: list[Any] = []
    for kind, call in batch:
        try:
            call(made)
        except REFUSED:
            continue
        loaded[kind] = loaded.get(kind, 0) + 1
    summary = run(db, full=True)
    assert summary.outcome == "success", summary.failures or summary.error
    FIGURES["accepted input"] = (
        "runs succeeded on every batch; calls accepted and loaded: "
        + ", ".join(f"{k} {n}" for k, n in sorted(loaded.items()))
    )
