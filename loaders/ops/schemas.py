"""Every schema cppa-identity creates or reads, named once. SQL files name the
published schemas (cppa_identity, cppa_identity_config) as the interface they
are; Python code and the grants take the names from here."""

from __future__ import annotations

RAW = "cppa_raw"  # what collectors said (migrations)
OPS = "cppa_ops"  # run log, settings, role names (migrations)
LIB = "cppa_lib"  # the owner's functions every role calls (migrations)
MARTS = "cppa_identity"  # the published marts
NEXT = f"{MARTS}__next"  # a run builds the marts here, then swaps them in
OLD = f"{MARTS}__old"  # + _<run id>: replaced marts, dropped by a later run
HISTORY = f"{MARTS}_history"  # dbt snapshots (membership, candidates)
HISTORY_NEXT = f"{HISTORY}__next"
HISTORY_OLD = f"{HISTORY}__old"
WORK = f"{MARTS}_work"  # dbt's staging and intermediate models
SEEDS = f"{MARTS}_config"  # dbt's seeds (evidence kinds, name lists)

# Where runs build, owned by the transformer role once `grants` ran (created by
# the owner's cppa_ops.run_schema: the transformer may not create schemas) ...
RUN_SCHEMAS = (WORK, SEEDS, NEXT, HISTORY_NEXT)
# ... and what the publish hands over to the owner, checked: what commands read
PUBLISHED = (MARTS, HISTORY)
# LIKE patterns of the retired ones
RETIRED = (OLD.replace("_", r"\_") + "%", HISTORY_OLD.replace("_", r"\_") + "%")
