"""Inspect and correct: `status`, `show`, `candidates` and the decisions
(`merge`, `different`, `split`, `lock`, `unlock`, `dismiss`, `revoke`)."""

from __future__ import annotations

from typing import Annotated

import typer

from ..db import connect, resolve
from ..decisions import revoke_batch
from ..errors import UsageError, wrap_db_errors
from ..ops import review
from ..ops.roles import READER, REVIEWER, take_role
from . import format
from .app import AsJson, app, echo_json, handled
from .run import report, run_with_progress

# --limit: a larger one reached the database, whose error named no option
LIMIT_MAX = 2**31 - 1


@app.command()
@handled
def status(as_json: AsJson = False) -> None:
    """Where the database is, schema version, counts, pending rows, last run.

    Example: cppa-identity status --json
    """
    database = resolve()
    with wrap_db_errors("status"), connect(database, autocommit=True) as conn:
        take_role(conn, READER)
        info = review.status(database, conn)
    if as_json:
        echo_json(info.as_dict())
    else:
        typer.echo(format.status(info, review.now()))


@app.command()
@handled
def runs(
    limit: Annotated[
        int, typer.Option(min=1, max=LIMIT_MAX, help="How many runs to show (at least 1).")
    ] = 20,
    as_json: AsJson = False,
) -> None:
    """The run log, newest first: each run's kind (full, incremental, unchanged), outcome and time.

    Example: cppa-identity runs --limit 5
    """
    with wrap_db_errors("runs"), connect(resolve(), autocommit=True) as conn:
        take_role(conn, READER)
        found = review.recent_runs(conn, limit)
    if as_json:
        echo_json(found)
        return
    for r in found:
        typer.echo(format.run_line(r))
    if not found:
        typer.echo("no runs yet")


@app.command()
@handled
def show(
    query: Annotated[
        str, typer.Argument(help="Identity/profile id, email, login, Slack/Discord id or name.")
    ],
    as_json: AsJson = False,
) -> None:
    """Show identities matching QUERY with profiles, emails, evidence and history.
    When nothing matches exactly: names, logins and addresses that begin with
    QUERY (a whole value or a word of it), in any case and without accents.

    Example: cppa-identity show jane@example.org
    """
    with wrap_db_errors("show"), connect(resolve()) as conn:
        take_role(conn, READER)
        found = review.find_identities(conn, query)
    if as_json:
        echo_json(
            [
                {**shown.as_dict(), "matched_by": found.matched_by[shown.identity["id"]]}
                for shown in found.identities
            ]
        )
        return
    for shown in found.identities:
        for line in format.identity(shown, found.matched_by[shown.identity["id"]]):
            typer.echo(line)
    if found.total > len(found.identities):
        typer.echo(
            f"showing {len(found.identities)} of {found.total} matching identities;"
            " narrow the query (an id or an email) to see the others"
        )


Reason = Annotated[str, typer.Option(help="Why (kept with the decision).")]
RunNow = Annotated[bool, typer.Option("--run", help="Run the merge right after.")]


candidates_app = typer.Typer(
    help="Merge candidates for review, best first, with their reasons; `accept` merges"
    " many at once.\n\nExample: cppa-identity candidates --limit 5",
    invoke_without_command=True,
)
app.add_typer(candidates_app, name="candidates")


@candidates_app.callback()
@handled
def candidates(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option(min=1, max=LIMIT_MAX, help="How many to show (at least 1).")
    ] = 20,
    as_json: AsJson = False,
) -> None:
    """Merge candidates for review, best first, with their reasons.

    Example: cppa-identity candidates --limit 5
    """
    if ctx.invoked_subcommand is not None:
        return
    with wrap_db_errors("candidates"), connect(resolve()) as conn:
        take_role(conn, READER)
        found = review.candidates(conn, limit)
        summary = review.candidate_summary(conn)
    if as_json:
        echo_json([vars(c) for c in found])
        return
    for c in found:
        typer.echo(format.candidate(c))
    if not found:
        typer.echo("no merge candidates")
        return
    for kind, counts in summary.items():
        typer.echo(f"by {kind}: " + ", ".join(f"{label} {n}" for label, n in counts.items()))


@candidates_app.command("accept")
@handled
def accept(
    min_score: Annotated[
        float, typer.Option("--min-score", help="Accept candidates scoring at least this (0-1).")
    ],
    reason_kind: Annotated[
        str | None,
        typer.Option(
            "--reason", help="Only candidates with a reason of this kind, e.g. core_name."
        ),
    ] = None,
    max_score: Annotated[
        float | None,
        typer.Option("--max-score", help="Only candidates scoring below this (0-1)."),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option("--platform", help="Only candidates with a profile of this platform."),
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Kept with each decision.")] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be accepted; write nothing.")
    ] = False,
    run_now: RunNow = False,
    as_json: AsJson = False,
) -> None:
    """Declare every candidate scoring at least --min-score the same person: one
    decision each, all in one batch (undo: cppa-identity revoke --batch N).

    Example: cppa-identity candidates accept --min-score 0.9 --reason core_name --dry-run
    """
    with wrap_db_errors("candidates accept"), connect(resolve()) as conn:
        take_role(conn, REVIEWER)
        selection = review.Selection(min_score, max_score, reason_kind, platform)
        done = review.accept_candidates(conn, selection, note, dry_run)
    if as_json:
        echo_json(
            {
                "dry_run": dry_run,
                "batch": done.batch,
                "accepted": [vars(c) for c in done.accepted],
                "refused": [{**vars(c), "why": why} for c, why in done.refused],
            }
        )
    else:
        verb = "would accept" if dry_run else "accepted"
        for c in done.accepted:
            typer.echo(f"{verb} {format.candidate(c)}")
        for c, why in done.refused:
            typer.echo(f"skipped {c.candidate_id}: {why}")
        typer.echo(
            f"{verb} {len(done.accepted)} candidates, skipped {len(done.refused)}"
            + (
                f"; batch {done.batch} (undo: cppa-identity revoke --batch {done.batch})"
                if done.batch is not None
                else ""
            )
        )
    if run_now and done.accepted and not dry_run:
        report(run_with_progress(full=False))


@app.command()
@handled
def audit(
    evidence: Annotated[
        str, typer.Option(help="Evidence kind, e.g. probable_match or shared_email.")
    ] = "probable_match",
    limit: Annotated[
        int, typer.Option(min=1, max=LIMIT_MAX, help="How many to show (at least 1).")
    ] = 50,
    as_json: AsJson = False,
) -> None:
    """Automatic merges made on one kind of evidence, for spot checks.

    Example: cppa-identity audit --evidence probable_match --limit 20
    """
    with wrap_db_errors("audit"), connect(resolve()) as conn:
        take_role(conn, READER)
        rows = review.audit(conn, evidence, limit)
    if as_json:
        echo_json(rows)
        return
    for r in rows:
        typer.echo(
            f"identity {r['identity_id']} {r['display_name']!r}: {r['node_a']} ↔ {r['node_b']}"
            f" {r['evidence']} ({r['detail']}; {r['provenance']})"
        )
    if not rows:
        typer.echo(f"no automatic merges on {evidence}")


@app.command()
@handled
def conflicts(as_json: AsJson = False) -> None:
    """Unresolved contradictions: identities that strong evidence joins but a
    "different" decision keeps apart, and the links the cut took (the fewest
    that part them, weakest evidence first).

    Example: cppa-identity conflicts
    """
    with wrap_db_errors("conflicts"), connect(resolve()) as conn:
        take_role(conn, READER)
        found = review.conflicts(conn)
    if as_json:
        echo_json([vars(c) for c in found])
        return
    for c in found:
        typer.echo(format.conflict(c))
    if not found:
        typer.echo("no conflicts")


def _decide(
    action: str,
    a: int | None,
    b: int | None,
    reason: str,
    run_now: bool,
    revokes: int | None = None,
) -> None:
    with wrap_db_errors(action), connect(resolve()) as conn:
        take_role(conn, REVIEWER)
        decision = review.decide(conn, action, a, b, reason, revokes)
    by = f" by {decision.login} ({decision.decided_by})"
    if decision.revokes is not None:
        typer.echo(
            f"decision {decision.id}{by}: undid decision {decision.revokes} ({decision.undoes});"
            " to restore it, record that decision again"
        )
    else:
        nodes = " ".join(str(n) for n in (a, b) if n is not None)
        typer.echo(
            f"decision {decision.id}{by}: {action} {nodes}"
            f" (undo: cppa-identity revoke {decision.id})"
        )
    if run_now:
        report(run_with_progress(full=False))


@app.command()
@handled
def merge(a: int, b: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Declare that A and B (identity or profile ids) are one person.

    Example: cppa-identity merge 12 40 --reason "same person, confirmed" --run
    """
    _decide("same", a, b, reason, run_now)


@app.command()
@handled
def different(a: int, b: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Declare that A and B are different people: never merged, whatever the evidence.

    The next run cuts the fewest links that part them (the weakest evidence
    first); the rest of their identity stays together.

    Example: cppa-identity different 12 40 --reason "father and son"
    """
    _decide("different", a, b, reason, run_now)


@app.command()
@handled
def split(profile: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Take PROFILE out of its identity (its automatic evidence is ignored).

    Example: cppa-identity split 57 --run
    """
    _decide("split", profile, None, reason, run_now)


@app.command()
@handled
def lock(identity: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Freeze IDENTITY's members until unlocked.

    Example: cppa-identity lock 12
    """
    _decide("lock", identity, None, reason, run_now)


@app.command()
@handled
def unlock(identity: int, reason: Reason = "", run_now: RunNow = False) -> None:
    """Release a lock.

    Example: cppa-identity unlock 12
    """
    _decide("unlock", identity, None, reason, run_now)


@app.command()
@handled
def dismiss(candidate: str, reason: Reason = "", run_now: RunNow = False) -> None:
    """Hide merge candidate A-B (as shown by `candidates`).

    Example: cppa-identity dismiss 12-40
    """
    try:
        a, b = (int(part) for part in candidate.split("-", 1))
    except ValueError:
        raise UsageError(f"candidate must look like 12-40, not {candidate!r}") from None
    _decide("dismiss", a, b, reason, run_now)


@app.command()
@handled
def revoke(
    decision: Annotated[int | None, typer.Argument(help="The decision to undo.")] = None,
    batch: Annotated[
        int | None,
        typer.Option(help="Undo every decision of this batch (an import, an accept) instead."),
    ] = None,
    reason: Reason = "",
    run_now: RunNow = False,
) -> None:
    """Undo a decision by id, or a whole batch of decisions.

    Example: cppa-identity revoke 3 --run    ·    cppa-identity revoke --batch 2
    """
    if (decision is None) == (batch is None):
        raise UsageError("revoke needs a decision id or --batch N (one of them)")
    if decision is not None:
        _decide("revoke", None, None, reason, run_now, revokes=decision)
        return
    assert batch is not None
    with wrap_db_errors("revoke"), connect(resolve()) as conn:
        take_role(conn, REVIEWER)
        undone = revoke_batch(batch, reason=reason, source="cli", conn=conn)
        conn.commit()
    typer.echo(
        f"undid the {len(undone)} decisions of batch {batch} still in force (decisions"
        f" {undone[0].id}–{undone[-1].id}); to restore them, record them again"
    )
    if run_now:
        report(run_with_progress(full=False))
