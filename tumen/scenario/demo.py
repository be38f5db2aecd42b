"""What `tumen demo` adds on top of the scenario: synthetic data, so a fresh demo has work in it.

The scenario gives the organisation, the 1963 directive and the demo logins. `populate` is the
one place where synthetic cases are added for them (relocation, repatriation and family-travel
cases across the counties, so that worklists, clearances and reports have something to show);
it runs after the scenario is loaded and before the audit head is sealed, so whatever it writes
is audited and sealed like any other change. There are no case models yet, so it adds nothing.
"""

from __future__ import annotations

from typing import TextIO


def populate(stdout: TextIO) -> int:
    """Add synthetic demo data, reporting progress on `stdout`; returns the number of cases."""
    return 0
