"""Every advisory-lock key cppa-identity takes, in one place, each distinct.

Python passes these as parameters. Two SQL functions in migrations take theirs
as literals (a migration is never edited once released); they name the
constant here, and tests/test_locks.py proves each literal equals it.
"""

from __future__ import annotations

MIGRATION = 74_657_301  # `init` and every migrate: one schema change at a time
RUN = 74_657_302  # session lock of `cppa-identity run`: one run at a time
DECISION = 74_657_303  # decisions are checked and recorded one at a time
# (queries.sql decision_lock; migration 0013 cppa_ops.record_decision)
GRANTS = 74_657_304  # one `grants` at a time (decisions do not wait for it)

# The two-key form (key, hashtext(display name)) is a key space of its own in
# PostgreSQL: get_or_create_identity, migration 0001, serialised per name.
IDENTITY_NAME = (74_657_303, "hashtext(p_display_name)")

SINGLE = {"MIGRATION": MIGRATION, "RUN": RUN, "DECISION": DECISION, "GRANTS": GRANTS}
