"""Loading a scenario: an organisation, the directive it works under, and demo logins.

A scenario file is YAML (UTF-8) with these top-level keys; `data/1963.yaml` is the example.

``format`` (required)
    The format version, ``1``.

``jurisdictions`` (required)
    The administrative tree, one entry per node: ``code`` (lower-case letters and digits joined
    by hyphens, unique), ``level`` (``central``, ``bureau``, ``province``, ``prefecture`` or
    ``county``), ``parent`` (the code of the node one level up; absent only for ``central``),
    and ``name`` with ``zh``, ``ko`` and ``en``. The parent of a county is a prefecture, of a
    prefecture a province, and so on: skipping a level is an error. Order does not matter.

``units`` (required)
    Work units: ``code`` (unique), ``kind`` (``county_office``, ``foreign_affairs``,
    ``public_security``, ``border_defence``, ``customs`` or ``party_committee``),
    ``jurisdiction`` (a code above) and ``name`` with ``zh``, ``ko`` and ``en``.

``directive`` (optional)
    ``code``, ``issued_by`` (a jurisdiction code), ``issued_on`` (``YYYY-MM-DD``), ``title`` with
    ``zh``, ``ko`` and ``en``, ``addressees`` (a list of ``jurisdiction`` and optionally the
    ``unit`` there that receives it), ``report_back_required`` (true/false),
    ``report_back_clause`` (a clause id below) and ``clauses``: a list of ``number`` (1, 2, 3 …
    in the order listed), ``clause_id`` (the stable id policy cites, e.g. ``cc1963.3``) and
    ``text`` with ``zh``, ``ko`` and ``en``.

``policy_packs`` (optional)
    The policy packs the scenario works under: a shipped pack's code (``cc1963``) or a path
    relative to the scenario file. They are loaded after the directive, in the same transaction,
    by `tumen.policy.services.policy_pack_load` (which audits each new version itself).

``crossing_points`` (optional)
    Border crossings a travel authorization may name: ``code``, ``river`` (``tumen`` or
    ``yalu``), ``jurisdiction`` (where the Chinese side lies), ``units`` (the codes of the
    border-defence and customs units that staff it) and ``name`` with ``zh``, ``ko`` and ``en``.
``demo_officials`` (optional)
    Logins for demonstrations: ``username``, ``unit`` (a unit code), ``roles`` (one or more of
    ``clerk``, ``clearing_officer``, ``approver``, ``checkpoint_officer``, ``analyst``,
    ``administrator``) and optionally ``language`` (``zh-hans``, ``ko`` or ``en``). They are
    written only when a demo password is given.

References resolve within the file. Loading is idempotent: rows are matched by code, clause id
or user name, created when missing and updated when different; nothing is deleted except a
directive's addressees that the file no longer lists. Clauses already in the database are never
dropped or renumbered, since decisions cite them.

The whole file is validated (YAML syntax, the JSON Schema in `tumen.scenario.schema`, then the
references in `tumen.scenario.checks`) before anything is written; every problem found is
reported at once in a `ScenarioError`, each naming its line. The writes then run in one
transaction together with one audit event, `scenario.loaded`, written only when something changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from tumen.audit.services import audit_record
from tumen.lib.yamldoc import DocumentError, Problem, parse
from tumen.policy.services import PolicyError, policy_pack_load
from tumen.scenario.checks import reference_problems
from tumen.scenario.errors import ScenarioError
from tumen.scenario.schema import schema_problems
from tumen.scenario.sync import KINDS, ConflictsWithDatabase, ScenarioSync, Tally

__all__ = ["ScenarioError", "ScenarioReport", "load_scenario", "shipped_path"]

DATA_DIR = Path(__file__).resolve().parent / "data"
# A bare name ("1963") picks a shipped file; anything with a separator or suffix is a path.
_SHIPPED_NAME = re.compile(r"^[a-z0-9-]+$")
# Names the one lock that makes concurrent loads on PostgreSQL take turns (any constant works).
_LOAD_LOCK_KEY = 0x7363_656E_6172  # "scenar"


@dataclass
class ScenarioReport:
    """What a load did: per kind of row, how many were created, updated, unchanged, removed."""

    source_name: str
    source_sha256: str
    tallies: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    demo_usernames: list[str] = field(default_factory=list)
    audit_seq: int | None = None
    policy_packs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(tally.changed for tally in self.tallies.values())

    def counts(self) -> dict[str, dict[str, int]]:
        return {kind: tally.as_dict() for kind, tally in self.tallies.items()}

    def table(self) -> str:
        """The counts as a small fixed-width table, for command output."""
        rows = [f"{'':<14}{'created':>9}{'updated':>9}{'unchanged':>11}{'removed':>9}"]
        for kind, tally in self.tallies.items():
            rows.append(
                f"{kind:<14}{tally.created:>9}{tally.updated:>9}"
                f"{tally.unchanged:>11}{tally.removed:>9}"
            )
        return "\n".join(rows)


def shipped_path(name: str) -> Path:
    return DATA_DIR / f"{name}.yaml"


def load_scenario(
    source: str | Path = "1963", *, demo_password: str | None = None
) -> ScenarioReport:
    """Validate a scenario file, then write it in one transaction; see the module docstring.

    `source` is the name of a shipped scenario ("1963") or a path to a file. Demo officials are
    written only when `demo_password` is given; each then gets exactly the listed roles and
    that password.
    """
    if demo_password == "":
        raise ValueError("demo_password must not be empty; pass None to skip demo officials.")
    path, name = _resolve(source)
    raw = _read(path, name)
    document = _validated(raw, name)
    report = ScenarioReport(source_name=name, source_sha256=hashlib.sha256(raw).hexdigest())
    if demo_password is not None:
        report.demo_usernames = [item["username"] for item in document.get("demo_officials", [])]
    try:
        with transaction.atomic():
            _write(document, report, demo_password=demo_password)
            report.policy_packs = _load_policy_packs(document, path, name)
    except ConflictsWithDatabase as exc:
        raise ScenarioError(name, exc.problems) from None
    return report


def _load_policy_packs(document: Any, path: Path, name: str) -> list[str]:
    """Load each listed pack; a pack that cannot be loaded undoes the whole scenario load."""
    loaded = []
    packs = document.get("policy_packs", [])
    for index, source in enumerate(packs):
        candidate = path.parent / source
        try:
            stored = policy_pack_load(source=candidate if candidate.is_file() else source)
        except PolicyError as exc:
            raise ScenarioError(name, [Problem(packs.line_of(index), str(exc))]) from None
        loaded.append(str(stored))
    return loaded


def _resolve(source: str | Path) -> tuple[Path, str]:
    """A shipped scenario by name, or a file by path; and the name to use in messages."""
    if isinstance(source, str) and _SHIPPED_NAME.match(source) and shipped_path(source).is_file():
        return shipped_path(source), shipped_path(source).name
    return Path(source), str(source)


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScenarioError(name, reason=f"cannot be read ({exc.strerror})") from None


def _validated(raw: bytes, name: str) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(name, [Problem(line, "the file is not UTF-8 text")]) from None
    try:
        document = parse(text, name)
    except DocumentError as exc:
        raise ScenarioError(name, exc.problems) from None
    _dates_as_text(document)
    # Reference checks read fields the schema guarantees, so they wait for a clean schema.
    problems = schema_problems(document) or reference_problems(document)
    if problems:
        raise ScenarioError(name, problems)
    return document


def _dates_as_text(document: Any) -> None:
    """YAML reads an unquoted 1963-08-08 as a date; the schema speaks JSON, which has none."""
    directive = document.get("directive") if isinstance(document, dict) else None
    if isinstance(directive, dict) and isinstance(directive.get("issued_on"), dt.date):
        directive["issued_on"] = directive["issued_on"].isoformat()


def _serialise_loads() -> None:
    """Two loads at once would both see a code as missing and both insert it; make them queue.

    SQLite already admits one writer at a time (transactions begin IMMEDIATE); PostgreSQL takes
    a transaction-scoped advisory lock, released at commit or rollback.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOAD_LOCK_KEY])


def _write(document: Any, report: ScenarioReport, *, demo_password: str | None) -> None:
    _serialise_loads()
    report.tallies = ScenarioSync(document, demo_password=demo_password).run()
    if not report.changed:
        return
    event = audit_record(
        actor=None,
        action="scenario.loaded",
        payload={
            "source": report.source_name,
            "source_sha256": report.source_sha256,
            "demo_officials": demo_password is not None,
            "counts": report.counts(),
        },
    )
    report.audit_seq = event.seq
