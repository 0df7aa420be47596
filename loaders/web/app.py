"""The review pages behind `cppa-identity serve`: Starlette, Jinja2 templates,
no asset from another host. Every page reads as the CLI's read commands do
(the reader role) and every decision goes through the CLI's functions
(`review.decide`, `review.accept_candidates`, `revoke_batch`) as the reviewer,
so the refusals, batches and the recorded login are the same.

Access: a random token in the printed URL that works once, exchanged on the
first visit for a session cookie (HttpOnly, SameSite=Strict, twelve hours;
Secure over TLS); with `--allow-remote`, a password too, one guess a second for
the whole server. No request body is read before the sender is known, and none
past MAX_BODY. Every form carries a CSRF token bound to the session, and a POST
from another origin is refused."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import Message

from ..db import DSN_ENV, Database, connect, mask
from ..decisions import revoke_batch
from ..errors import (
    CppaIdentityError,
    DatabaseUnavailable,
    DecisionRefused,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RunLocked,
    UsageError,
    wrap_db_errors,
)
from ..ops import review
from ..ops.roles import READER, REVIEWER, TRANSFORMER, grants_applied, role_for, take_role
from .graph import layout

HERE = Path(__file__).parent
COOKIE = "cppa_identity_session"
PAGE = 25  # candidates per queue page
DECISIONS_PAGE = 100
SESSION_SECONDS = 12 * 3600  # a working day, then the token or password again
MAX_BODY = 64 * 1024  # a form here is a few hundred bytes; an accepted batch's note a few KB
GUESS_SECONDS = 1.0  # one password guess a second, whoever sends them
# a request's head: a browser sends a long address twice (the line and Referer),
# and h11's 16 KB default cut a 9 KB query string off mid-send
MAX_HEAD = 128 * 1024
BANDS = {
    "0.9-1.0": (0.9, None),
    "0.7-0.9": (0.7, 0.9),
    "0.5-0.7": (0.5, 0.7),
    "0.0-0.5": (0.0, 0.5),
}
STATUS = {
    PermissionDenied: 403,
    NotFound: 404,
    InvalidInput: 400,
    UsageError: 400,
    DecisionRefused: 409,
    RunLocked: 409,
    DatabaseUnavailable: 503,
}
log = logging.getLogger("cppa_identity.serve")


@dataclass
class Undo:
    """What `u` undoes next: a decision or a batch this server recorded."""

    decision: int | None = None
    batch: int | None = None


@dataclass
class State:
    """One server's settings and what it remembers between requests."""

    database: Database
    password: str | None = None
    secure: bool = False  # served over TLS: the cookie is Secure
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    tokens: set[str] = field(default_factory=set)  # digests of the tokens not yet used
    sessions: dict[str, float] = field(default_factory=dict)  # digest -> expiry (monotonic)
    next_guess: float = 0.0  # when the next password guess is taken
    undo: list[Undo] = field(default_factory=list)
    flash: list[tuple[str, str]] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)  # the run started from /runs
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue(self) -> str:
        """A new token for an address: it signs one browser in, once."""
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens.add(_digest(token))
        return token

    def redeem(self, token: str) -> bool:
        with self.lock:
            key = _digest(token)
            if key not in self.tokens:
                return False
            self.tokens.discard(key)
            return True

    def open_session(self) -> str:
        session = secrets.token_urlsafe(32)
        now = time.monotonic()
        with self.lock:
            for key, expiry in list(self.sessions.items()):
                if expiry <= now:
                    del self.sessions[key]
            self.sessions[_digest(session)] = now + SESSION_SECONDS
        return session

    def signed_in(self, session: str) -> bool:
        with self.lock:
            expiry = self.sessions.get(_digest(session))
        return expiry is not None and expiry > time.monotonic()

    def may_guess(self) -> bool:
        """Whether a password guess is taken now: one a second for the server,
        however many connections send them."""
        now = time.monotonic()
        with self.lock:
            if now < self.next_guess:
                return False
            self.next_guess = now + GUESS_SECONDS
            return True

    def csrf(self, session: str) -> str:
        return hmac.new(self.secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()

    def say(self, kind: str, text: str) -> None:
        with self.lock:
            self.flash.append((kind, text))

    def said(self) -> list[tuple[str, str]]:
        with self.lock:
            out, self.flash[:] = list(self.flash), []
        return out


def _digest(secret: str) -> str:
    # kept and looked up by digest: a lookup's timing tells nothing of the secret
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


templates = Jinja2Templates(directory=HERE / "templates")


def _state(request: Request) -> State:
    state: State = request.app.state.review
    return state


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    state = _state(request)
    context.update(
        csrf=state.csrf(request.cookies.get(COOKIE, "")),
        flash=state.said(),
        can_undo=bool(state.undo),
    )
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status: int, message: str, hint: str = "") -> Response:
    return render(request, "error.html", status, message=message, hint=hint, status=status)


class BodyTooLarge(UsageError):
    pass


async def read_form(request: Request) -> FormData:
    """The posted form, read only once the sender is known, and at most
    MAX_BODY bytes of it; Starlette's refusals become a UsageError."""
    length = request.headers.get("content-length", "")
    if length and (not length.isdigit() or int(length) > MAX_BODY):
        raise BodyTooLarge(f"the form is larger than {MAX_BODY} bytes: nothing was read")
    seen = 0

    async def receive() -> Message:
        nonlocal seen
        message = await request.receive()
        seen += len(message.get("body", b""))
        if seen > MAX_BODY:
            raise BodyTooLarge(f"the form is larger than {MAX_BODY} bytes: nothing was read")
        return message

    try:
        return await Request(request.scope, receive).form(
            max_files=0, max_fields=200, max_part_size=MAX_BODY
        )
    except HTTPException as exc:
        raise UsageError(f"the form was refused: {exc.detail}") from None


class Guard(BaseHTTPMiddleware):
    """The token (or password) before anything; CSRF on every POST; headers
    that keep pages from being framed, sniffed or leaking the token."""

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await self._guarded(request, call_next)
        # the time the page took here (the benchmark reads it; so can browsers' tools)
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        return _headers(response)

    async def _guarded(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        state = _state(request)
        signed_in = state.signed_in(request.cookies.get(COOKIE, ""))
        token = request.query_params.get("token")
        if token is not None:
            if not (signed_in or state.redeem(token)):
                return _refused(
                    "this address's token is wrong or was used already (a token signs one"
                    " browser in, once): restart `cppa-identity serve` for a new address"
                )
            rest = {k: v for k, v in request.query_params.items() if k != "token"}
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response: Response = RedirectResponse(target, status_code=303)
            if not signed_in:
                self.grant(response, state)
            return response
        try:
            if not signed_in:
                if state.password is not None and request.url.path == "/login":
                    if request.method == "POST":
                        if not state.may_guess():
                            return error_page(
                                request,
                                429,
                                "too many password guesses: this server takes one a second",
                                "wait a second and sign in again",
                            )
                        request.state.form = await read_form(request)
                    return await call_next(request)
                if state.password is not None:
                    return RedirectResponse("/login", status_code=303)
                return _refused(
                    "open the address `cppa-identity serve` printed (it carries the token)"
                )
            if request.method == "POST":
                origin = request.headers.get("origin")
                host = request.headers.get("host", "")
                fetched = request.headers.get("sec-fetch-site", "same-origin")
                foreign = origin is not None and origin not in (f"http://{host}", f"https://{host}")
                if foreign or fetched not in ("same-origin", "none"):
                    return _refused("cross-origin form")
                request.state.form = await read_form(request)
                csrf = str(request.state.form.get("csrf", ""))
                expected = state.csrf(request.cookies.get(COOKIE, ""))
                if not hmac.compare_digest(csrf.encode(), expected.encode()):
                    return _refused("the form's CSRF token is wrong")
        except BodyTooLarge as exc:
            return error_page(request, 413, str(exc))
        except UsageError as exc:
            return error_page(request, 400, str(exc))
        return await call_next(request)

    @staticmethod
    def grant(response: Response, state: State) -> None:
        response.set_cookie(
            COOKIE,
            state.open_session(),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=state.secure,
        )


def _refused(why: str) -> Response:
    return PlainTextResponse(f"403: {why}\n", status_code=403)


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # same-origin: no other host sees an address (with no-referrer, browsers send
    # "Origin: null" on a form, which the guard could not tell from a foreign one)
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = "no-store"
    return response


@contextmanager
def working_as(state: State, job: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection working as the job's role, as the CLI's commands do."""
    with wrap_db_errors("serve"), connect(state.database) as conn:
        take_role(conn, job)
        yield conn


def handled(
    endpoint: Callable[[Request], Response],
) -> Callable[[Request], Response]:
    """Errors become a page saying what went wrong (never a traceback)."""

    def page(request: Request) -> Response:
        try:
            return endpoint(request)
        except CppaIdentityError as exc:
            status = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), 500)
            return error_page(request, status, str(exc.args[0]) if exc.args else str(exc), exc.hint)
        except Exception:  # the page says so; the server's log has the traceback
            log.error(
                "serve: %s %s failed\n%s", request.method, request.url.path, traceback.format_exc()
            )
            return error_page(request, 500, "internal error (the server's log has the details)")

    page.__name__ = endpoint.__name__
    return page


def _int(value: Any, name: str, default: int | None = None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        number = int(str(value))
    except ValueError:
        raise UsageError(f"{name} must be a whole number, not {str(value)[:40]!r}") from None
    if not -(2**63) <= number < 2**63:
        raise UsageError(f"{name} is out of range: {number}")
    return number


def _selection(params: Any) -> tuple[review.Selection, dict[str, str]]:
    """The queue's filters from a query string or form: band, reason, platform."""
    band = params.get("band") or ""
    if band and band not in BANDS:
        raise UsageError(f"band must be one of {', '.join(BANDS)}, not {band[:40]!r}")
    low, high = BANDS.get(band, (0.0, None))
    reason = params.get("reason") or None
    platform = params.get("platform") or None
    chosen = review.Selection(low, high, reason, platform).checked()
    kept = {k: v for k, v in (("band", band), ("reason", reason), ("platform", platform)) if v}
    return chosen, kept


def _next(form: FormData) -> str:
    # a path on this server only: "//host" and "/\\host" are other hosts to a browser
    target = str(form.get("next", "/"))
    local = target.startswith("/") and target[1:2] not in ("/", "\\")
    return target if local and target.isprintable() else "/"


@handled
def queue(request: Request) -> Response:
    state = _state(request)
    selection, kept = _selection(request.query_params)
    page = _int(request.query_params.get("page"), "page", 1)
    if page < 1:
        raise UsageError(f"page must be 1 or more, not {page}")
    with working_as(state, READER) as conn:
        found = review.queue(conn, selection, PAGE, (page - 1) * PAGE)
        summary = review.candidate_summary(conn)
    groups: list[tuple[int, list[review.Candidate]]] = []
    for c in found.candidates:
        if not groups or groups[-1][0] != c.identity_a:
            groups.append((c.identity_a, []))
        groups[-1][1].append(c)
    return render(
        request,
        "queue.html",
        may_decide=_may(state, REVIEWER),
        page=found,
        groups=groups,
        steps={c.candidate_id: review.waterfall(c.reasons, c.score) for c in found.candidates},
        fields={
            c.candidate_id: review.field_comparison(
                found.profiles[c.identity_a], found.profiles[c.identity_b], c.reasons
            )
            for c in found.candidates
        },
        summary=summary,
        kept=kept,
        reasons=review.reason_kinds(),
        platforms=review.PLATFORMS,
        bands=list(BANDS),
        number=page,
        pages=max(1, math.ceil(found.total / PAGE)),
        here=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        query_for=lambda **extra: urlencode({**kept, **extra}),
    )


@handled
def decide(request: Request) -> Response:
    state = _state(request)
    form = _form(request)
    action = str(form.get("action", ""))
    if action not in ("same", "different", "dismiss", "split", "lock", "unlock"):
        raise UsageError(f"action must be a decision, not {action[:40]!r}")
    a = _int(form.get("a"), "a")
    b = None if action in ("split", "lock", "unlock") else _int(form.get("b"), "b")
    reason = str(form.get("reason", ""))
    with working_as(state, REVIEWER) as conn:
        decision = review.decide(conn, action, a, b, reason, source="web")
    with state.lock:
        state.undo.append(Undo(decision=decision.id))
    nodes = " ".join(str(n) for n in (a, b) if n is not None)
    state.say(
        "done",
        f"decision {decision.id} by {decision.login}: {action} {nodes}"
        " (takes effect at the next run; u undoes it)",
    )
    return RedirectResponse(_next(form), status_code=303)


@handled
def undo(request: Request) -> Response:
    state = _state(request)
    form = _form(request)
    with state.lock:
        last = state.undo.pop() if state.undo else None
    if last is None:
        state.say("refused", "nothing to undo: this server has recorded no decision")
        return RedirectResponse(_next(form), status_code=303)
    try:
        state.say("done", _revoke(state, last, "undone in the review pages"))
    except DecisionRefused as exc:  # undone already (the decisions page, the CLI)
        state.say("refused", str(exc))
    except CppaIdentityError:
        with state.lock:
            state.undo.append(last)  # still there to undo once the cause is fixed
        raise
    return RedirectResponse(_next(form), status_code=303)


def _revoke(state: State, what: Undo, reason: str) -> str:
    with working_as(state, REVIEWER) as conn:
        if what.batch is not None:
            undone = revoke_batch(what.batch, reason=reason, source="web", conn=conn)
            conn.commit()
            return f"undid the {len(undone)} decisions of batch {what.batch} still in force"
        decision = review.decide(
            conn, "revoke", None, None, reason, revokes=what.decision, source="web"
        )
    return f"decision {decision.id}: undid decision {decision.revokes} ({decision.undoes})"


@handled
def revoke(request: Request) -> Response:
    state = _state(request)
    form = _form(request)
    batch = form.get("batch")
    what = (
        Undo(batch=_int(batch, "batch"))
        if batch not in (None, "")
        else Undo(decision=_int(form.get("decision"), "decision"))
    )
    state.say("done", _revoke(state, what, str(form.get("reason", ""))))
    return RedirectResponse(_next(form), status_code=303)


def _batch_action(params: Any) -> str:
    action = params.get("action") or "same"
    if action not in review.BATCH_ACTIONS:
        raise UsageError(
            f"action must be one of {', '.join(review.BATCH_ACTIONS)}, not {str(action)[:40]!r}"
        )
    return str(action)


@handled
def accept(request: Request) -> Response:
    """GET: how many candidates the filter selects and what deciding them all
    (accept, dismiss or different) would do (a dry run); POST: do it, one batch."""
    state = _state(request)
    if request.method == "GET":
        selection, kept = _selection(request.query_params)
        action = _batch_action(request.query_params)
        with working_as(state, REVIEWER) as conn:
            done = review.accept_candidates(conn, selection, dry_run=True, action=action)
        return render(request, "accept.html", done=done, kept=kept, action=action)
    form = _form(request)
    selection, kept = _selection(form)
    action = _batch_action(form)
    expected = _int(form.get("expected"), "expected")
    with working_as(state, REVIEWER) as conn:
        preview = review.accept_candidates(conn, selection, dry_run=True, action=action)
        if len(preview.accepted) != expected:
            raise DecisionRefused(
                f"the filter now selects {len(preview.accepted)} candidates, not the"
                f" {expected} shown: nothing was recorded; look again"
            )
        done = review.accept_candidates(
            conn, selection, note=str(form.get("note", "")), source="web", action=action
        )
        conn.commit()
    _said_batch(state, done, action)
    return RedirectResponse("/?" + urlencode(kept), status_code=303)


def _said_batch(state: State, done: review.Accepted, action: str) -> None:
    if done.batch is not None:
        with state.lock:
            state.undo.append(Undo(batch=done.batch))
    verb = {"same": "accepted", "dismiss": "dismissed", "different": "recorded as different"}
    state.say(
        "done",
        f"{verb[action]} {len(done.accepted)} candidates, skipped {len(done.refused)}"
        + (f"; batch {done.batch} (u undoes it)" if done.batch is not None else ""),
    )


@handled
def group(request: Request) -> Response:
    """One decision for a group of candidates as the queue shows them (a
    namesake group: "these are all different people", or dismiss them all),
    one batch that `u` undoes."""
    state = _state(request)
    form = _form(request)
    action = _batch_action(form)
    pairs = []
    for value in form.getlist("pair"):
        a, _, b = str(value).partition("-")
        pairs.append((_int(a, "pair"), _int(b, "pair")))
    if not pairs:
        raise UsageError("a group decision needs the group's pairs")
    with working_as(state, REVIEWER) as conn:
        found = review.candidates_between(conn, pairs)
        done = review.decide_candidates(
            conn, found, action, note=str(form.get("note", "")), source="web"
        )
        conn.commit()
    _said_batch(state, done, action)
    return RedirectResponse(_next(form), status_code=303)


@handled
def identity(request: Request) -> Response:
    state = _state(request)
    wanted = _int(request.path_params["id"], "identity id")
    with working_as(state, READER) as conn:
        found = review.shown_identities(conn, [wanted]) if wanted > 0 else []
        if not found:
            owner = review.identity_of(conn, wanted)
            if owner is not None and owner != wanted:
                return RedirectResponse(f"/identity/{owner}", status_code=303)
            raise NotFound(f"there is no identity or profile {wanted}")
        shown = found[0]
        pending = review.lock_pending(conn, wanted, bool(shown.identity["is_locked"]))
    return render(
        request,
        "identity.html",
        shown=shown,
        graph=layout(shown.profiles, shown.evidence),
        pending=pending,
        may_decide=_may(state, REVIEWER),
    )


@handled
def audit(request: Request) -> Response:
    """The automatic merges by the evidence that made them, weakest kinds first,
    with a split button on each (the CLI's `audit --evidence`)."""
    state = _state(request)
    evidence = request.query_params.get("evidence", "")
    with working_as(state, READER) as conn:
        counts = review.audit_counts(conn)
        rows = review.audit(conn, evidence, 200) if evidence else []
    return render(
        request,
        "audit.html",
        kinds=review.audit_kinds(),
        counts=counts,
        evidence=evidence,
        rows=rows,
        may_decide=_may(state, REVIEWER),
    )


@handled
def search(request: Request) -> Response:
    state = _state(request)
    q = request.query_params.get("q", "")
    hits: list[review.Hit] = []
    if q.strip():
        with working_as(state, READER) as conn:
            hits = review.search(conn, q, 50)
    return render(request, "search.html", q=q, hits=hits)


@handled
def decisions(request: Request) -> Response:
    state = _state(request)
    page = _int(request.query_params.get("page"), "page", 1)
    if page < 1:
        raise UsageError(f"page must be 1 or more, not {page}")
    with working_as(state, READER) as conn:
        rows = review.decisions(conn, DECISIONS_PAGE, (page - 1) * DECISIONS_PAGE)
    total = int(rows[0]["total"]) if rows else 0
    return render(
        request,
        "decisions.html",
        rows=rows,
        number=page,
        pages=max(1, math.ceil(total / DECISIONS_PAGE)),
        total=total,
    )


@handled
def runs(request: Request) -> Response:
    state = _state(request)
    if request.method == "POST":
        _form(request)
        _start_run(state)
        return RedirectResponse("/runs", status_code=303)
    with working_as(state, READER) as conn:
        recent = review.recent_runs(conn, 20)
    may_run = _may_run(state)
    with state.lock:
        current = dict(state.run)
    live = current.get("state") == "running" or any(r["finished_at"] is None for r in recent)
    return render(request, "runs.html", recent=recent, may_run=may_run, current=current, live=live)


def _may(state: State, job: str) -> bool:
    """Whether this login may do a job (run the merge, decide): anyone who can
    connect before `grants`, the job role's members after."""
    with wrap_db_errors("serve"), connect(state.database) as conn:
        return not grants_applied(conn) or role_for(conn, job) is not None


def _may_run(state: State) -> bool:
    return _may(state, TRANSFORMER)


def _start_run(state: State) -> None:
    if not _may_run(state):
        raise PermissionDenied("this login may not run the merge: it is not a transformer")
    with state.lock:
        if state.run.get("state") == "running":
            raise RunLocked("a run started here is still in progress")
        state.run = {"state": "running", "started": time.strftime("%H:%M:%S")}

    def go() -> None:
        try:
            outcome = run_in_child(state.database)
        except Exception as exc:  # any failure ends it: the page never says "running" forever
            outcome = {"state": "failed", "message": mask(repr(exc), state.database)}
        with state.lock:
            state.run.update(outcome)

    threading.Thread(target=go, name="cppa-identity-run", daemon=True).start()


def run_in_child(database: Database) -> dict[str, Any]:
    """`cppa-identity run --json` in a process of its own, so a run's memory and
    dbt's process-wide logging stay out of the pages' process. Ctrl-C of serve
    reaches it too."""
    env = {**os.environ, DSN_ENV: database.conninfo}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "loaders.cli", "run", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        return {"state": "failed", "message": f"cannot start the run: {exc.strerror}"}
    try:
        summary = json.loads(done.stdout.strip().splitlines()[-1])
        return {"state": summary["outcome"], "run_id": summary["run_id"]}
    except (IndexError, ValueError, KeyError, TypeError):
        said = [line for line in done.stderr.splitlines() if line.strip()]
        message = mask(said[-1] if said else f"exit code {done.returncode}", database)
        return {"state": "failed", "message": message}


@handled
def login(request: Request) -> Response:
    """The password form (only with --allow-remote); the guard spaces the guesses."""
    state = _state(request)
    if request.method == "POST":
        form = _form(request)
        given = str(form.get("password", "")).encode()
        if state.password is not None and hmac.compare_digest(given, state.password.encode()):
            response = RedirectResponse("/", status_code=303)
            Guard.grant(response, state)
            return response
        return render(request, "login.html", 403, wrong=True)
    return render(request, "login.html", wrong=False)


async def refused_by_starlette(request: Request, exc: Exception) -> Response:
    """What Starlette itself refuses (an unknown path, a wrong method) on the error page."""
    status = exc.status_code if isinstance(exc, HTTPException) else 400
    detail = exc.detail if isinstance(exc, HTTPException) else str(exc)
    return error_page(request, status, f"{status}: {detail}")


def _form(request: Request) -> FormData:
    """The form the guard parsed (request.state is shared with the middleware)."""
    form: FormData | None = getattr(request.state, "form", None)
    if form is None:
        raise UsageError("this page takes a form")
    return form


def server_config(application: Starlette, **options: Any) -> Any:
    """uvicorn's settings for the pages (`serve` and the tests use these)."""
    import uvicorn

    return uvicorn.Config(application, h11_max_incomplete_event_size=MAX_HEAD, **options)


def create_app(
    database: Database,
    token: str | None = None,
    password: str | None = None,
    hosts: list[str] | None = None,
    secure: bool = False,
) -> Starlette:
    """The review application for one database. `token`: one that signs a
    browser in once (more: `app.state.review.issue()`); `hosts`: the Host
    headers accepted (the bound address; loopback names by default), against
    DNS rebinding; `secure`: served over TLS."""
    app = Starlette(
        routes=[
            Route("/", queue),
            Route("/decide", decide, methods=["POST"]),
            Route("/undo", undo, methods=["POST"]),
            Route("/revoke", revoke, methods=["POST"]),
            Route("/accept", accept, methods=["GET", "POST"]),
            Route("/group", group, methods=["POST"]),
            Route("/identity/{id}", identity),
            Route("/search", search),
            Route("/audit", audit),
            Route("/decisions", decisions),
            Route("/runs", runs, methods=["GET", "POST"]),
            Route("/login", login, methods=["GET", "POST"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(
                TrustedHostMiddleware,
                allowed_hosts=hosts or ["127.0.0.1", "localhost", "[::1]"],
            ),
            Middleware(Guard),
        ],
        exception_handlers={HTTPException: refused_by_starlette},
    )
    state = State(database, password, secure)
    if token is not None:
        state.tokens.add(_digest(token))
    app.state.review = state
    return app
