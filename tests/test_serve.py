"""`cppa-identity serve`: the review pages on a real server (uvicorn in a
thread) over a real database built from the sample, driven over HTTP and, at
the end, in a real browser (Debian's Chromium, through Selenium)."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn
from psycopg import sql
from psycopg.conninfo import make_conninfo
from typer.testing import CliRunner

from loaders import db as dbmod
from loaders.cli import app as cli_app
from loaders.ops import review, sample
from loaders.ops.roles import apply_grants, role_names
from loaders.ops.runs import run
from loaders.web.app import create_app, server_config

from .helpers import hears_ctrl_c

PAGES = ("/", "/search?q=jensen", "/decisions", "/runs", "/identity/1", "/accept", "/audit")
WRITTEN = ("cppa_raw.manual_decisions", "cppa_ops.runs")  # all the pages can write


@dataclass
class Served:
    url: str
    app: Any
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def token(self) -> str:
        """A new token: each signs one browser in, once."""
        return str(self.app.state.review.issue())

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start(database: dbmod.Database, password: str | None = None) -> Served:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    application = create_app(database, None, password)
    server = uvicorn.Server(server_config(application, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    return Served(f"http://127.0.0.1:{sock.getsockname()[1]}", application, server, thread)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Reply:
    status: int
    headers: Any
    body: str


class Client:
    """A browser without JavaScript: cookies kept, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self, path: str, form: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        data = None if form is None else urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as response:
                return Reply(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, exc.headers, exc.read().decode())

    def sign_in(self, token: str) -> Reply:
        return self.request(f"/?token={token}")

    def csrf(self, path: str = "/") -> str:
        found = re.search(r'name="csrf" value="([0-9a-f]+)"', self.request(path).body)
        assert found, path
        return found.group(1)


def written(conn: psycopg.Connection[Any]) -> dict[str, int]:
    return {t: conn.execute(f"select count(*) from {t}").fetchone()[0] for t in WRITTEN}  # type: ignore[index]


@pytest.fixture(scope="module")
def built(module_database: dbmod.Database) -> dbmod.Database:
    """The sample (220 people: 89 merge candidates, enough for a 50-candidate
    review in the browser) loaded and merged once for the module."""
    sample.load(sample.generate(220), source="test")
    dbmod.close_pool()
    summary = run(module_database, full=True)
    assert summary.outcome == "success", summary
    return module_database


@pytest.fixture(scope="module")
def served(built: dbmod.Database) -> Iterator[Served]:
    server = start(built)
    yield server
    server.stop()


@pytest.fixture
def raw(built: dbmod.Database) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(built.conninfo, autocommit=True) as conn:
        yield conn


@pytest.fixture
def client(served: Served) -> Client:
    c = Client(served.url)
    assert c.sign_in(served.token).status == 303
    return c


def test_nothing_answers_without_the_token(served: Served, raw: Any) -> None:
    before = written(raw)
    stranger = Client(served.url)
    token = served.token
    for path in PAGES:
        assert stranger.request(path).status == 403, path
    assert stranger.request(f"/?token={token}x").status == 403
    assert stranger.request("/?token=").status == 403
    for path in ("/decide", "/undo", "/revoke", "/accept", "/runs"):
        assert stranger.request(path, {"action": "same", "a": 1, "b": 2}).status == 403
    forged = Client(served.url)
    forged.jar.set_cookie(
        http.cookiejar.Cookie(
            0, "cppa_identity_session", "0" * 64, None, False, "127.0.0.1", False, False,
            "/", True, False, None, True, None, None, {},
        )
    )  # fmt: skip
    assert forged.request("/").status == 403
    # the token is exchanged for a session cookie and dropped from the address
    signed = stranger.sign_in(token)
    assert signed.status == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "max-age=43200" in cookie and "secure" not in cookie  # plain HTTP on loopback
    assert stranger.request("/search?q=x&token=" + token).headers["location"] == ("/search?q=x")
    assert stranger.request("/").status == 200
    # the token works once: from the browser's history or `ps`, it opens nothing
    late = Client(served.url)
    again = late.sign_in(token)
    assert again.status == 403 and "used already" in again.body
    assert "set-cookie" not in again.headers and late.request("/").status == 403
    assert written(raw) == before


def raw_request(url: str, head: str, body: bytes = b"", wait: float = 10) -> bytes:
    """Send a request's head (and what body is given) and return what the server
    answers within `wait` seconds, without sending the rest of the body."""
    host, port = urllib.parse.urlsplit(url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        answer = b""
        try:
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
        except TimeoutError:
            pass
    return answer


def test_no_body_is_read_before_the_sender_is_known(served: Served, client: Client) -> None:
    """A POST from a stranger is refused from its head: a 200 MB form is never
    read; a signed-in form is read up to a cap, and Starlette's refusals are the
    400 page, not a 500."""
    huge = (
        "POST /decide HTTP/1.1\nHost: 127.0.0.1\nContent-Type: application/x-www-form-urlencoded\n"
    )
    started = time.monotonic()
    answer = raw_request(served.url, huge + "Content-Length: 200000000\n", b"a=" + b"x" * 1000)
    assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
    assert time.monotonic() - started < 5
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    signed = huge.replace("/decide", "/undo") + f"Cookie: {cookie}\n"
    answer = raw_request(served.url, signed + "Content-Length: 200000000\n", b"next=/")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # a field over 1 MiB, declared in a chunked body (no length to refuse up front)
    field = b"next=/&csrf=" + b"x" * (1024 * 1024 + 10)
    chunked = b"".join(
        b"%x\r\n%s\r\n" % (len(part), part)
        for part in (field[i : i + 65536] for i in range(0, len(field), 65536))
    )
    answer = raw_request(
        served.url, signed + "Transfer-Encoding: chunked\n", chunked + b"0\r\n\r\n"
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # what Starlette's form parser refuses (a file in a form) is the 400 page
    boundary = "b0undary"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n'
        f"Content-Type: text/plain\r\n\r\n{'y' * 100}\r\n--{boundary}--\r\n"
    ).encode()
    req = urllib.request.Request(
        client.base + "/undo",
        data=multipart,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    try:
        with client.opener.open(req, timeout=30) as response:
            reply = Reply(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as exc:
        reply = Reply(exc.code, exc.headers, exc.read().decode())
    assert reply.status == 400 and "the form was refused" in reply.body, reply.body[-500:]
    assert "Traceback" not in reply.body
    unknown = client.request("/nowhere")
    assert unknown.status == 404 and "<html" in unknown.body and "back to the queue" in unknown.body


def test_a_long_query_string_is_answered(served: Served, client: Client) -> None:
    """As a browser sends it: the address on the request line and again in
    Referer, in pieces (h11's 16 KB head limit cut these connections off)."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    port = urllib.parse.urlsplit(served.url).port
    for size in (9000, 10000):
        for path in ("/?x=", "/?band=0.7-0.9&x=", "/decisions?x=", "/search?q=ab&x="):
            target = path + "y" * size
            head = (
                f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                f"Referer: {served.url}{target}\r\nConnection: close\r\n\r\n"
            ).encode()
            with socket.create_connection(("127.0.0.1", port or 0), timeout=20) as sock:
                for i in range(0, len(head), 1400):
                    sock.sendall(head[i : i + 1400])
                    time.sleep(0.002)
                answer = sock.recv(100)
            assert answer.startswith(b"HTTP/1.1 200"), (path, size, answer)


def test_forms_need_the_csrf_token_and_the_same_origin(client: Client, raw: Any) -> None:
    before = written(raw)
    pair = {"action": "same", "a": 1, "b": 2, "next": "/"}
    assert client.request("/decide", pair).status == 403
    assert client.request("/decide", {**pair, "csrf": "0" * 64}).status == 403
    good = {**pair, "csrf": client.csrf()}
    assert client.request("/decide", good, {"Origin": "http://evil.example"}).status == 403
    assert client.request("/decide", good, {"Origin": "null"}).status == 403
    assert client.request("/decide", good, {"Sec-Fetch-Site": "cross-site"}).status == 403
    for path in ("/undo", "/revoke", "/accept", "/runs"):
        assert client.request(path, {"decision": 1, "batch": 1, "expected": 1}).status == 403
    # DNS rebinding: a page asked for by another host name is refused
    assert client.request("/", headers={"Host": "evil.example"}).status == 400
    assert written(raw) == before
    # after a form, the browser goes back to a page of this server only
    for target in ("//evil.example/x", "/\\evil.example", "https://evil.example", "/\r\nX: y"):
        moved = client.request("/undo", {"csrf": client.csrf(), "next": target})
        assert moved.status == 303 and moved.headers["location"] == "/", target
    assert (
        client.request("/undo", {"csrf": client.csrf(), "next": "/runs"}).headers["location"]
        == "/runs"
    )


def test_pages_load_nothing_from_another_host(client: Client) -> None:
    for path in (*PAGES, "/static/app.css", "/static/app.js"):
        reply = client.request(path)
        assert reply.status == 200, (path, reply.body[:300])
        csp = reply.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert reply.headers["referrer-policy"] == "same-origin"
        links = re.findall(r'(?:src|href|action)="([^"]*)"', reply.body)
        assert not [u for u in links if re.match(r"(?i)^(https?:)?//", u)], path
        assert "url(http" not in reply.body and "@import" not in reply.body


def test_bad_input_is_a_clear_page(client: Client, raw: Any) -> None:
    before = written(raw)
    cases = {
        "/identity/abc": (400, "identity id must be a whole number"),
        "/identity/99999999999999999999999": (400, "out of range"),
        "/identity/987654321": (404, "there is no identity or profile 987654321"),
        "/?band=0.1-0.2": (400, "band must be one of"),
        "/?reason=nope": (400, "--reason must be one of"),
        "/?platform=myspace": (400, "--platform must be one of"),
        "/?page=0": (400, "page must be 1 or more"),
        "/decisions?page=-3": (400, "page must be 1 or more"),
        "/search?q=" + "x" * 201: (400, "at most 200 characters"),
        "/search?q=a%00b": (400, "rejected"),
    }
    for path, (status, words) in cases.items():
        reply = client.request(path)
        assert reply.status == status, (path, reply.body[-500:])
        assert words in reply.body, (path, reply.body[-800:])
        assert "Traceback" not in reply.body and "psycopg" not in reply.body
    csrf = client.csrf()
    for form, words in (
        ({"action": "drop", "a": 1, "b": 2}, "action must be a decision"),
        ({"action": "same", "a": "1e3", "b": 2}, "a must be a whole number"),
        ({"action": "same", "a": 1, "b": 1}, "needs two different ids"),
        ({"action": "same", "a": 1, "b": 987654321}, "neither a profile nor an identity"),
    ):
        reply = client.request("/decide", {**form, "csrf": csrf})
        assert reply.status in (400, 404, 409) and words in reply.body, (form, reply.body[-600:])
    assert written(raw) == before


def test_search_is_partial_and_folds_case_and_accents(
    client: Client, built: dbmod.Database
) -> None:
    with psycopg.connect(built.conninfo) as conn:
        name, login = conn.execute(
            "select display_name, username from cppa_identity.identity_profile"
            " where type = 'github' and display_name ~ ' ' order by id limit 1"
        ).fetchone()  # type: ignore[misc]
        surname = name.split()[-1]
        hits = review.search(conn, surname.upper())
        assert hits and all(surname.lower() in " ".join(h.matched).lower() for h in hits)
        assert [h.identity_id for h in review.search(conn, "@" + login[:-1])] == [
            h.identity_id for h in review.search(conn, login[:-1].swapcase())
        ]
        accented = conn.execute(
            "select display_name from cppa_identity.identity where display_name ~ '[À-ž]'"
            " order by id limit 1"
        ).fetchone()
        assert accented, "the sample's names carry accents"
        plain = accented[0].translate(str.maketrans("áéíóúñçãõüöäÁÉÍÓÚ", "aeiouncaouoaAEIOU"))
        assert plain != accented[0]
        assert any(h.display_name == accented[0] for h in review.search(conn, plain.lower()))
    page = client.request("/search?q=" + urllib.parse.quote(surname.lower()[:4]))
    assert page.status == 200 and surname in page.body
    # `show` backs onto the same search when nothing matches exactly
    shown = CliRunner().invoke(cli_app, ["show", surname[:4].lower()])
    assert shown.exit_code == 0 and surname in shown.stdout, shown.output


def test_queue_pages_filters_and_waterfalls_agree_with_the_marts(raw: Any) -> None:
    """Every filter selects what `candidates` selects; pages cover each candidate
    once, grouped by identity; each waterfall ends at its candidate's score."""
    everything = review.candidates(raw, None)
    assert len(everything) >= 10
    middle = sorted(c.score for c in everything)[len(everything) // 2]
    listed = _listed_candidate(raw, everything)
    for selection in (
        review.Selection(),
        review.Selection(*_band(middle)),
        review.Selection(0.0, round(middle + 0.001, 3)),
        review.Selection(reason="same_name"),
        review.Selection(platform="youtube"),
        review.Selection(*_band(listed.score), "same_name", "mailing_list"),
    ):
        wanted = review.candidates(raw, None, selection)
        assert wanted, selection  # each filter selects something on the sample
        seen, offset = [], 0
        while True:
            page = review.queue(raw, selection, 7, offset)
            assert page.total == len(wanted)
            if not page.candidates:
                break
            seen += page.candidates
            offset += 7
        assert sorted(c.candidate_id for c in seen) == sorted(c.candidate_id for c in wanted)
        firsts = [c.identity_a for c in seen]
        assert all(  # a group is contiguous
            firsts.index(i) + firsts.count(i) - 1 == len(firsts) - 1 - firsts[::-1].index(i)
            for i in set(firsts)
        )
        for c in seen:
            assert selection.min_score <= c.score < (selection.max_score or 2)
            if selection.platform:
                owners = raw.execute(
                    "select count(*) from cppa_identity.identity_profile"
                    " where identity_id = any(%s) and type = %s",
                    ([c.identity_a, c.identity_b], selection.platform),
                ).fetchone()[0]
                assert owners > 0
    for c in everything:
        # steps in probability from the prior: up for an agreement, down for a
        # disagreement (its weight in bits ends the reason), ending at the score
        steps = review.waterfall(c.reasons, c.score)
        assert len(steps) == len(c.reasons) and steps[0][1] < 0.01
        for reason, before, after in steps:
            bits = float(reason.rsplit("(", 1)[1].rstrip(")"))
            assert (after > before) == (bits > 0) or bits == 0, (reason, before, after)
        assert abs(steps[-1][2] - c.score) <= 0.0005, (c, steps)


def test_each_card_compares_the_sides_field_by_field(client: Client, raw: Any) -> None:
    """Every card of the queue has a row per field; a field the model weighed shows
    the model's verdict and the bits its reasons carry, as the mart has them."""
    body = client.request("/").body
    cards = re.findall(
        r'<article class="pair[^"]*" id="c([0-9]+-[0-9]+)"(.*?)</article>', body, re.S
    )
    assert len(cards) >= 10
    checked = 0
    for candidate, card in cards:
        rows = dict(
            (field, (verdict, bits))
            for verdict, field, bits in re.findall(
                r'<tr class="field (agree|disagree|missing)" data-field="(\w+)">.*?'
                r'<td class="bits"[^>]*>([^<]*)</td>',
                card,
                re.S,
            )
        )
        assert list(rows) == list(review.CARD_FIELDS), candidate
        a, b = (int(x) for x in candidate.split("-"))
        reasons = raw.execute(
            "select reasons from cppa_identity.identity_merge_candidate"
            " where identity_a = %s and identity_b = %s",
            (a, b),
        ).fetchone()[0]
        for reason in reasons:
            if reason.startswith("same_name:") and not any(
                r.startswith(("same_core_name", "name_typo", "different_name")) for r in reasons
            ):
                bits = float(reason.rsplit("(", 1)[1].rstrip(")"))
                assert rows["name"] == ("agree", f"{bits:+.2f}"), (candidate, reasons)
                checked += 1
    assert checked >= 3


def test_the_evidence_picture_has_a_legend_for_its_lines(client: Client, raw: Any) -> None:
    """The biggest identity's page draws a line per linked pair, coloured by kind,
    each kind in the legend, and a label per profile."""
    identity, profiles = raw.execute(
        "select id, profile_count from cppa_identity.identity order by profile_count desc, id"
        " limit 1"
    ).fetchone()
    page = client.request(f"/identity/{identity}").body
    drawn = set(re.findall(r'<line [^>]*data-kind="(\w+)"', page))
    legend = set(re.findall(r'<span class="kind" data-kind="(\w+)"', page))
    assert drawn and drawn == legend
    assert len(re.findall(r'<g class="node ', page)) == profiles >= 3
    assert "too-many" not in page


def test_filters_count_pages_jump_and_search_reads_well(client: Client, raw: Any) -> None:
    """Every filter option says how many candidates it selects (the platform's
    too); search lists each identity and each matched value once, in English."""
    page = client.request("/").body
    for platform in review.PLATFORMS:
        n = len(review.candidates(raw, None, review.Selection(platform=platform)))
        assert re.search(rf'value="{platform}"[^>]*>{platform} \({n}\)</option>', page), platform
    total = len(review.candidates(raw, None))
    if total > 25:
        second = client.request("/?page=2").body
        assert 'id="jump"' in second and 'rel="prev"' in second
    name = raw.execute(
        "select i.display_name from cppa_identity.identity as i where i.display_name ~ ' '"
        " and (select count(*) from cppa_identity.identity as o"
        "      where o.display_name = i.display_name) = 1"
        " order by i.profile_count desc, i.id limit 1"
    ).fetchone()[0]
    found = client.request("/search?q=" + urllib.parse.quote(name)).body
    assert re.search(r"<strong id=\"hits\">\d+</strong> identit(y matches|ies match)", found)
    if '<strong id="hits">1</strong>' in found:
        assert "1 identity matches" in found.replace("</strong>", "")
    for item in re.findall(r"<small>[^·<]*·([^<]*)</small>", found):
        values = [v.strip().split(" ", 1)[1].casefold() for v in item.split("·") if v.strip()]
        assert len(values) == len(set(values)), item
    assert "No identity matches" in client.request("/search?q=zzzqqqxxx").body
    assert review.distinct_matches(["name jdoe", "login jdoe", "name JDoe", "email j@x"]) == [
        "name/login jdoe",
        "email j@x",
    ]


def test_a_pending_lock_shows_on_the_identity_page(client: Client, raw: Any) -> None:
    identity = raw.execute(
        "select id from cppa_identity.identity where not is_locked order by id limit 1"
    ).fetchone()[0]
    form = {"action": "lock", "a": identity, "next": f"/identity/{identity}"}
    assert client.request("/decide", {**form, "csrf": client.csrf()}).status == 303
    page = client.request(f"/identity/{identity}").body
    assert 'id="pending-lock"' in page and "lock recorded (decision" in page
    assert "Lock this identity" not in page
    assert client.request("/undo", {"csrf": client.csrf(), "next": "/"}).status == 303
    assert "Lock this identity" in client.request(f"/identity/{identity}").body


def test_the_runs_page_says_how_long_each_run_took(client: Client) -> None:
    page = client.request("/runs").body
    assert "<th>took</th>" in page
    # a loaded machine's run may take over a minute ("1 min 35 s")
    assert re.search(r'<td class="num duration">(\d+ min )?[\d.]+ s</td>', page), page[-2000:]


def test_batch_dismiss_and_different_are_one_batch_each(client: Client, raw: Any) -> None:
    """ "dismiss all…" and "all different…" take the queue's filter, show the count
    first, and record one batch that u undoes, as "accept all…" does."""
    reason = raw.execute(
        "select split_part(r, ':', 1), count(distinct c.candidate_id)"
        " from cppa_identity.identity_merge_candidate as c, unnest(c.reasons) as r"
        " group by 1 order by 2, 1 limit 1"
    ).fetchone()
    for action, words in (("dismiss", "dismissed"), ("different", "recorded as different")):
        shown = client.request(f"/accept?reason={reason[0]}&action={action}")
        assert shown.status == 200 and f'<span id="count">{reason[1]}</span>' in shown.body
        form = {"reason": reason[0], "action": action, "expected": reason[1]}
        assert client.request("/accept", {**form, "csrf": client.csrf()}).status == 303
        said = client.request("/").body
        assert f"{words} {reason[1]} candidates" in said, said[:3000]
        batch = raw.execute(
            "select batch_id, count(*), min(action) from cppa_raw.manual_decisions"
            " where batch_id is not null group by 1 order by 1 desc limit 1"
        ).fetchone()
        assert batch[1:] == (reason[1], action)
        assert client.request("/undo", {"csrf": client.csrf(), "next": "/"}).status == 303
        assert f"batch {batch[0]}" in client.request("/").body
    assert client.request("/accept?action=merge").status == 400


def test_the_audit_page_lists_automatic_merges_by_evidence(client: Client, raw: Any) -> None:
    counts = dict(
        raw.execute(
            "select evidence, count(*) from cppa_identity.identity_evidence group by 1"
        ).fetchall()
    )
    page = client.request("/audit").body
    for kind in review.audit_kinds():
        assert f"{kind['evidence']} ({counts.get(kind['evidence'], 0)})" in page
    assert "manual_same (" not in page
    kind = max((k for k in counts if k not in ("lock", "manual_same")), key=counts.get)
    listed = client.request(f"/audit?evidence={kind}").body
    assert listed.count('class="different split-out"') == min(counts[kind], 200)
    assert listed.count('class="lock-right"') == min(counts[kind], 200)
    assert client.request("/audit?evidence=nope").status == 400
    identity = raw.execute(
        "select id from cppa_identity.identity where profile_count > 1 and not is_locked"
        " order by id limit 1"
    ).fetchone()[0]
    assert "Split out" in client.request(f"/identity/{identity}").body


def _listed_candidate(raw: Any, candidates: list[review.Candidate]) -> review.Candidate:
    """A candidate with a same_name reason and a list poster on a side."""
    for c in candidates:
        poster = raw.execute(
            "select count(*) from cppa_identity.identity_profile"
            " where identity_id = any(%s) and type = 'mailing_list'",
            ([c.identity_a, c.identity_b],),
        ).fetchone()[0]
        if poster and any(r.startswith("same_name:") for r in c.reasons):
            return c
    raise AssertionError("the sample has a list poster's same_name candidate")


def _band(score: float) -> tuple[float, float]:
    """A score band of width 0.2 holding `score`."""
    low = max(0.0, round(score - 0.1, 2))
    return low, min(round(low + 0.2, 2), 1.001)


def test_cli_accept_takes_the_same_filters(raw: Any) -> None:
    low, high = _band(_listed_candidate(raw, review.candidates(raw, None)).score)
    selection = review.Selection(low, high, None, "mailing_list")
    wanted = {c.candidate_id for c in review.candidates(raw, None, selection)}
    assert wanted
    before = written(raw)
    shown = CliRunner().invoke(
        cli_app,
        [
            *("candidates", "accept", "--min-score", str(low), "--max-score", str(high)),
            *("--platform", "mailing_list", "--dry-run", "--json"),
        ],
    )
    assert shown.exit_code == 0, shown.output
    assert {c["candidate_id"] for c in json.loads(shown.stdout)["accepted"]} == wanted
    for args, words in (
        (["--max-score", "0.01"], "--max-score is a score above --min-score"),
        (["--platform", "myspace"], "--platform must be one of"),
    ):
        refused = CliRunner().invoke(
            cli_app, ["candidates", "accept", "--min-score", "0.45", *args, "--dry-run"]
        )
        assert refused.exit_code == 2 and words in refused.output
    assert written(raw) == before


def test_serve_prints_one_address_and_serves_it(built: dbmod.Database, raw: Any) -> None:
    """The command as people start it: one line with the address and its token;
    the address answers, without the token nothing does; Ctrl-C stops it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "loaders.cli", "serve", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, dbmod.DSN_ENV: built.conninfo},
        preexec_fn=hears_ctrl_c,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"serving on (http://127\.0\.0\.1:\d+)/\?token=([\w-]{40,})\n", line)
        assert found, line
        base, token = found.groups()
        c = Client(base)
        assert c.request("/").status == 403
        assert c.sign_in(token).status == 303 and c.request("/").status == 200
        # "run now": nothing new since the module's run, so the run is a no-op
        before = raw.execute("select count(*) from cppa_ops.runs").fetchone()[0]
        assert c.request("/runs", {"csrf": c.csrf("/runs")}).status == 303
        deadline = time.monotonic() + 120
        while "running" in (page := c.request("/runs").body) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert re.search(r"run started here at [\d:]+: (noop|success)", page), page[-1500:]
        assert raw.execute("select count(*) from cppa_ops.runs").fetchone()[0] == before + 1
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0


def test_a_run_from_the_page_leaves_the_servers_environment_alone(
    served: Served, client: Client, raw: Any
) -> None:
    """dbt's sessions take their role and watermark from PGOPTIONS: a run started
    from the page does that in a process of its own, so the pages' connections
    (opened meanwhile, in the server's threads) never see them."""
    sample.load(sample.generate(2, seed=11), source="test")  # something for the run to do
    dbmod.close_pool()
    before = raw.execute("select count(*) from cppa_ops.runs").fetchone()[0]
    watched = {k: os.environ.get(k) for k in ("PGOPTIONS", "CPPA_IDENTITY_DBT_PASSWORD")}
    seen: set[tuple[tuple[str, str | None], ...]] = set()
    assert client.request("/runs", {"csrf": client.csrf("/runs")}).status == 303
    deadline = time.monotonic() + 300
    page, refreshed = "", False
    while time.monotonic() < deadline and len(seen) < 2:
        seen.add(tuple((k, os.environ.get(k)) for k in watched))
        page = client.request("/runs").body
        refreshed |= 'http-equiv="refresh"' in page and 'id="live"' in page
        if re.search(r"run started here at [\d:]+: (success|failed|noop)", page):
            break
        time.sleep(0.02)
    assert seen == {tuple(watched.items())}
    assert re.search(r"run started here at [\d:]+: success \(run \d+\)", page), page[-1500:]
    assert refreshed, "while the run ran, the page refreshed itself"
    assert 'http-equiv="refresh"' not in page
    assert raw.execute("select count(*) from cppa_ops.runs").fetchone()[0] == before + 1


def test_a_reader_may_look_but_not_decide(built: dbmod.Database, raw: Any) -> None:
    """Decisions go through the CLI's functions and roles: a login that is only
    a reader is refused, and nothing is written."""
    apply_grants(raw)
    names = role_names(raw)
    assert names is not None
    login = f"cppa_{raw.info.dbname}_webreader"
    raw.execute(
        sql.SQL("create role {} login in role {}").format(
            sql.Identifier(login), sql.Identifier(names["reader"])
        )
    )
    reader = dbmod.Database("dsn", make_conninfo(built.conninfo, user=login))
    server = start(reader)
    try:
        before = written(raw)
        c = Client(server.url)
        c.sign_in(server.token)
        queue = c.request("/")
        assert queue.status == 200 and "this login reads only" in queue.body
        assert 'data-key="a"' not in queue.body and 'id="batch"' not in queue.body
        assert "Lock this identity" not in c.request("/identity/1").body
        kind = raw.execute(
            "select evidence from cppa_identity.identity_evidence"
            " where evidence not in ('lock', 'manual_same') group by 1 order by count(*) desc"
            " limit 1"
        ).fetchone()[0]
        audited = c.request(f"/audit?evidence={kind}").body
        assert "<td>" in audited and "split-out" not in audited and "lock-right" not in audited
        assert "may not run the merge" in c.request("/runs").body
        candidate = review.candidates(raw, 1)[0]
        form = {"action": "same", "a": candidate.identity_a, "b": candidate.identity_b}
        refused = c.request("/decide", {**form, "csrf": c.csrf()})
        assert refused.status == 403 and "may not record or revoke decisions" in refused.body
        assert c.request("/runs", {"csrf": c.csrf()}).status == 403
        assert c.request("/accept?band=0.0-0.5").status == 403
        assert written(raw) == before
    finally:
        server.stop()


def test_a_remote_bind_needs_the_flag_and_a_password(built: dbmod.Database) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli_app, ["serve", "--host", "0.0.0.0", "--no-browser"])
    assert refused.exit_code == 2 and "--allow-remote" in refused.output
    no_password = runner.invoke(
        cli_app,
        ["serve", "--host", "0.0.0.0", "--allow-remote", "--no-browser"],
        env={"CPPA_IDENTITY_SERVE_PASSWORD": "short"},
    )
    assert no_password.exit_code == 2 and "at least 12 characters" in no_password.output
    server = start(built, password="correct horse battery")
    try:
        c = Client(server.url)
        first = c.request("/")
        assert first.status == 303 and first.headers["location"] == "/login"
        assert c.request("/login", {"password": "wrong"}).status == 403
        assert c.request("/").status == 303
        # guesses in parallel: one a second for the whole server, not per connection
        replies: list[Reply] = []

        def guess() -> None:
            replies.append(Client(server.url).request("/login", {"password": "guess"}))

        time.sleep(1.1)
        started = time.monotonic()
        guessing = [threading.Thread(target=guess) for _ in range(12)]
        for t in guessing:
            t.start()
        for t in guessing:
            t.join(30)
        elapsed = time.monotonic() - started
        taken = [r for r in replies if r.status == 403]
        assert len(replies) == 12 and len(taken) <= 1 + elapsed, (len(taken), elapsed)
        assert all(r.status == 429 and "one a second" in r.body for r in replies if r.status != 403)
        time.sleep(1.1)
        signed = c.request("/login", {"password": "correct horse battery"})
        assert signed.status == 303 and c.request("/").status == 200
    finally:
        server.stop()


def test_remote_pages_need_tls_and_their_cookie_is_secure(
    built: dbmod.Database, tmp_path: Path
) -> None:
    """--allow-remote serves HTTPS only: the password and the cookie never cross
    the network in clear, and the cookie is Secure and expires."""
    password = {"CPPA_IDENTITY_SERVE_PASSWORD": "correct horse battery"}
    remote = ["serve", "--host", "0.0.0.0", "--port", "0", "--allow-remote", "--no-browser"]
    clear = CliRunner().invoke(cli_app, remote, env=password)
    assert clear.exit_code == 2 and "--tls-cert and --tls-key" in clear.output
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "loaders.cli",
            *remote,
            "--tls-cert",
            str(cert),
            "--tls-key",
            str(key),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **password, dbmod.DSN_ENV: built.conninfo},
        preexec_fn=hears_ctrl_c,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.fullmatch(r"serving on https://0\.0\.0\.0:(\d+)/\?token=([\w-]{40,})\n", line)
        assert found, line
        c = Client(f"https://127.0.0.1:{found.group(1)}")
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
        c.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(c.jar),
            NoRedirect(),
            urllib.request.HTTPSHandler(context=context),
        )
        assert c.request("/").headers["location"] == "/login"
        signed = c.request("/login", {"password": "correct horse battery"})
        cookie = signed.headers["set-cookie"].lower()
        assert signed.status == 303 and "; secure" in cookie and "max-age=43200" in cookie
        assert c.request("/").status == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0


def system_chromium() -> tuple[str, str]:
    """Debian's Chromium and its driver, installed when missing (as root, with
    apt-get, as on the CI machine); elsewhere install them first."""
    found = shutil.which("chromium"), shutil.which("chromedriver")
    if not all(found) and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            ["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"],
            check=True,
            capture_output=True,
            timeout=900,
        )
        found = shutil.which("chromium"), shutil.which("chromedriver")
    assert all(found), "the browser test needs Chromium: apt-get install chromium chromium-driver"
    return str(found[0]), str(found[1])


def test_review_in_a_browser(
    served: Served, raw: Any, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """End to end by keyboard in Chromium: move, accept, undo, accept a filtered
    batch, search, open an identity, review fifty candidates by keyboard alone,
    decide a namesake group in one action, split a profile out and lock an
    identity from the audit page; every decision checked in the database.
    Screenshots go to the artifacts folder."""
    from selenium import webdriver
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.ui import WebDriverWait

    chromium, driver_path = system_chromium()
    shots = Path(os.environ.get("CPPA_IDENTITY_TEST_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
    ):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)

    def after(action: Any, css: str = ".flash") -> str:
        """Do what loads another page, then wait for that page's element."""
        old = browser.find_element(By.TAG_NAME, "html")
        action()
        # Chromium may answer "node does not belong to the document" (not a stale
        # element error) while the old page is being replaced: asked again
        wait = WebDriverWait(
            browser, 20, ignored_exceptions=(StaleElementReferenceException, WebDriverException)
        )
        wait.until(staleness_of(old))
        return str(wait.until(lambda b: b.find_element(By.CSS_SELECTOR, css).text or " "))

    def shown(by: str, what: str) -> Any:
        """The element, scrolled to the middle of the window (the page may have
        scrolled to the current pair, leaving it under the sticky header)."""
        element = browser.find_element(by, what)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        return element

    def in_view(element: Any) -> bool:
        return bool(
            browser.execute_script(
                "const r = arguments[0].getBoundingClientRect();"
                " return r.top >= 0 && r.bottom <= window.innerHeight;",
                element,
            )
        )

    try:
        browser.get(f"{served.url}/?token={served.token}")
        assert browser.current_url == served.url + "/"
        keys = browser.find_element(By.ID, "keys")
        browser.find_element(By.TAG_NAME, "body").send_keys("?")
        assert keys.get_attribute("open") is not None and "next undecided" in keys.text
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        assert keys.get_attribute("open") is None
        pairs = browser.find_elements(By.CSS_SELECTOR, "article.pair")
        assert len(pairs) >= 2
        body = browser.find_element(By.TAG_NAME, "body")
        assert "current" in pairs[0].get_attribute("class")
        body.send_keys("j")
        second = browser.find_element(By.CSS_SELECTOR, "article.pair.current")
        assert second.get_attribute("id") == pairs[1].get_attribute("id")
        a, b = (int(x) for x in second.get_attribute("data-candidate").split("-"))
        browser.save_screenshot(str(shots / "queue.png"))
        in_force_sql = (
            "select count(*) from cppa_raw.manual_decisions as d where not exists ("
            " select from cppa_raw.manual_decisions as r where r.revokes_decision_id = d.decision_id)"
            " and d.action <> 'revoke'"
        )
        before = raw.execute(in_force_sql).fetchone()[0]

        body = browser.find_element(By.TAG_NAME, "body")
        status = after(lambda: body.send_keys("a"))  # accept
        assert f"same {a} {b}" in status
        decision = raw.execute(
            "select decision_id, action, node_a, node_b, source, decided_by_login"
            " from cppa_raw.manual_decisions order by decision_id desc limit 1"
        ).fetchone()
        assert decision[1:5] == ("same", a, b, "web")
        assert decision[5] == raw.execute("select session_user").fetchone()[0]
        marked = browser.find_element(By.ID, f"c{a}-{b}")
        assert "decided" in marked.get_attribute("class")
        # the review goes on at the next undecided pair, and the message stays in view
        now = browser.find_element(By.CSS_SELECTOR, "article.pair.current")
        assert now.get_attribute("id") != marked.get_attribute("id")
        assert "decided" not in now.get_attribute("class")
        assert in_view(browser.find_element(By.CSS_SELECTOR, ".flash")) and in_view(now)

        undone = after(lambda: browser.find_element(By.TAG_NAME, "body").send_keys("u"))
        assert f"undid decision {decision[0]}" in undone
        assert "decided" not in browser.find_element(By.ID, f"c{a}-{b}").get_attribute("class")
        assert raw.execute(in_force_sql).fetchone()[0] == before

        # a filtered batch: the count first, then one batch
        reason = raw.execute(
            "select split_part(r, ':', 1), count(distinct c.candidate_id)"
            " from cppa_identity.identity_merge_candidate as c, unnest(c.reasons) as r"
            " group by 1 order by 2, 1 limit 1"
        ).fetchone()
        browser.get(f"{served.url}/?reason={reason[0]}")
        assert browser.find_element(By.ID, "total").text == str(reason[1])
        assert after(shown(By.ID, "batch").click, "#count") == str(reason[1])
        browser.save_screenshot(str(shots / "accept.png"))
        accepted = after(shown(By.ID, "confirm").click)
        assert f"accepted {reason[1]} candidates" in accepted
        batch = raw.execute(
            "select batch_id, count(*) from cppa_raw.manual_decisions"
            " where source = 'web' and action = 'same' and batch_id is not null"
            " group by 1 order by 1 desc limit 1"
        ).fetchone()
        assert batch[1] == reason[1]
        undone = after(lambda: browser.find_element(By.TAG_NAME, "body").send_keys("u"))
        assert f"batch {batch[0]}" in undone  # the batch undone at once

        # search from the keyboard, then open an identity
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys("/")
        name = raw.execute(
            "select display_name from cppa_identity.identity order by profile_count desc, id limit 1"
        ).fetchone()[0]
        box = browser.switch_to.active_element
        assert box.get_attribute("id") == "q"
        after(lambda: box.send_keys(name.split()[-1].lower() + "\n"), ".hits a")
        hits = browser.find_elements(By.CSS_SELECTOR, ".hits a")
        assert any(name in h.text for h in hits)
        browser.save_screenshot(str(shots / "search.png"))
        heading = after(next(h for h in hits if name in h.text).click, "h1")
        assert heading.endswith(name)
        assert browser.find_elements(By.CSS_SELECTOR, "svg.graph line")
        browser.save_screenshot(str(shots / "identity.png"))

        # fifty candidates reviewed by keyboard alone: d and x in turn, each recorded
        # (asserted in the database) and the cursor moving on; n turns the page when
        # one is done; then u, u, u… undoes them all
        browser.get(served.url + "/")
        decided_before = len(browser.find_elements(By.CSS_SELECTOR, "article.pair.decided"))
        in_force = raw.execute(in_force_sql).fetchone()[0]
        words = {"d": "dismiss", "x": "different"}
        reviewed: list[tuple[int, int]] = []
        pages = 1
        while len(reviewed) < 50:
            now = browser.find_element(By.CSS_SELECTOR, "article.pair.current")
            if "decided" in now.get_attribute("class"):  # this page is done: the next one
                after(
                    lambda: browser.find_element(By.TAG_NAME, "body").send_keys("n"), "article.pair"
                )
                pages += 1
                assert pages <= 4, "ran out of candidates"
                continue
            a, b = (int(x) for x in now.get_attribute("data-candidate").split("-"))
            key = "dx"[len(reviewed) % 2]
            said = after(lambda key=key: browser.find_element(By.TAG_NAME, "body").send_keys(key))
            assert words[key] in said, said
            assert raw.execute(
                "select action, node_a, node_b, source from cppa_raw.manual_decisions"
                " order by decision_id desc limit 1"
            ).fetchone() == (words[key], a, b, "web")
            assert "decided" in browser.find_element(By.ID, now_id := f"c{a}-{b}").get_attribute(
                "class"
            )
            moved = browser.find_element(By.CSS_SELECTOR, "article.pair.current")
            if browser.find_elements(By.CSS_SELECTOR, "article.pair:not(.decided)"):
                assert moved.get_attribute("id") != now_id  # on to the next undecided
                assert "decided" not in moved.get_attribute("class")
            reviewed.append((a, b))
        assert len(set(reviewed)) == 50 and pages >= 2
        assert raw.execute(in_force_sql).fetchone()[0] == in_force + 50
        browser.save_screenshot(str(shots / "keyboard.png"))
        for _ in range(50):
            assert "undid decision" in after(
                lambda: browser.find_element(By.TAG_NAME, "body").send_keys("u")
            )
        assert raw.execute(in_force_sql).fetchone()[0] == in_force
        browser.get(served.url + "/")
        assert len(browser.find_elements(By.CSS_SELECTOR, "article.pair.decided")) == decided_before

        # a namesake group decided in one action ("all different people"), then undone
        browser.get(served.url + "/")
        button = browser.find_element(By.CSS_SELECTOR, "form.group-decide button.different")
        group = button.get_attribute("data-group")
        members = len(
            browser.find_elements(
                By.CSS_SELECTOR, f'form.group-decide button.different[data-group="{group}"]'
            )
        )
        assert members == 1
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        said = after(button.click)
        batch = raw.execute(
            "select batch_id, count(*) from cppa_raw.manual_decisions"
            " where source = 'web' and action = 'different' and batch_id is not null"
            " group by 1 order by 1 desc limit 1"
        ).fetchone()
        assert f"recorded as different {batch[1]} candidates" in said and batch[1] >= 2
        browser.save_screenshot(str(shots / "group.png"))
        assert f"batch {batch[0]}" in after(
            lambda: browser.find_element(By.TAG_NAME, "body").send_keys("u")
        )

        # audit: the automatic merges by evidence; a profile split out from there, undone
        kind = raw.execute(
            "select evidence from cppa_identity.identity_evidence as e"
            " join cppa_identity.base_profile as p on p.id = e.node_b"
            " where evidence not in ('lock', 'manual_same') group by 1 order by count(*) desc limit 1"
        ).fetchone()[0]
        browser.get(f"{served.url}/audit?evidence={kind}")
        split = browser.find_element(By.CSS_SELECTOR, "button.split-out")
        profile = split.get_attribute("data-profile")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", split)
        browser.save_screenshot(str(shots / "audit.png"))
        assert f"split {profile}" in after(split.click)
        assert raw.execute(
            "select action, node_a from cppa_raw.manual_decisions order by decision_id desc limit 1"
        ).fetchone() == ("split", int(profile))
        assert "undid decision" in after(
            lambda: browser.find_element(By.TAG_NAME, "body").send_keys("u")
        )
        # a merge checked right: its identity locked from the audit page, undone
        lock = browser.find_element(By.CSS_SELECTOR, "button.lock-right")
        identity = int(lock.get_attribute("data-identity"))
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", lock)
        assert f"lock {identity}" in after(lock.click)
        assert raw.execute(
            "select action, node_a, source from cppa_raw.manual_decisions"
            " order by decision_id desc limit 1"
        ).fetchone() == ("lock", identity, "web")
        assert "undid decision" in after(
            lambda: browser.find_element(By.TAG_NAME, "body").send_keys("u")
        )

        browser.get(served.url + "/decisions")
        assert browser.find_elements(By.CSS_SELECTOR, "tr.undone")
        browser.save_screenshot(str(shots / "decisions.png"))
        browser.get(served.url + "/runs")
        assert browser.find_elements(By.CSS_SELECTOR, "table.runs td")
        browser.save_screenshot(str(shots / "runs.png"))
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not severe, severe
    finally:
        browser.save_screenshot(str(shots / "last.png"))
        browser.quit()
