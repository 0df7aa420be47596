"""`python -m loaders.cli`: the same as the `cppa-identity` command."""

from __future__ import annotations

from . import main

main()
