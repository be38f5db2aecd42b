"""Loading policy packs into the database. A loaded version never changes afterwards."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from tumen.audit.services import audit_record
from tumen.directives.models import Clause
from tumen.lib.policy import Pack, parse_pack
from tumen.lib.yamldoc import DocumentError
from tumen.policy.models import PolicyPack

PACKS_DIR = Path(__file__).resolve().parent / "packs"


class PolicyError(ValueError):
    """A pack that cannot be loaded; the message says which file, line and rule."""


def resolve_source(source: str | Path) -> Path:
    """A shipped pack by code ("cc1963") or a path to a pack file."""
    shipped = PACKS_DIR / f"{source}.yaml"
    return shipped if shipped.exists() else Path(source)


def _check_clauses(pack: Pack, source: str) -> None:
    if pack.directive is None:
        return
    known = set(
        Clause.objects.filter(directive__code=pack.directive).values_list("clause_id", flat=True)
    )
    if not known:
        raise PolicyError(
            f"{source}: the directive {pack.directive!r} it cites is not loaded; "
            f"load the scenario that holds it first."
        )
    missing = sorted(pack.clause_ids() - known)
    if missing:
        raise PolicyError(
            f"{source}: cites clauses that directive {pack.directive!r} does not "
            f"have: {', '.join(missing)}."
        )


@transaction.atomic
def policy_pack_load(*, source: str | Path, actor=None) -> PolicyPack:
    """Load one pack version; loading the same file again changes nothing.

    A different file under an existing (code, version) is refused: a policy change must be a new
    version, so that every decision keeps pointing at the text it was made under. Loading a newer
    version makes it the one new cases are opened under.
    """
    path = resolve_source(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read the policy pack {path}: {exc.strerror}.") from None
    try:
        pack = parse_pack(text, path.name)
    except DocumentError as exc:
        raise PolicyError(str(exc)) from None
    _check_clauses(pack, path.name)
    sha = pack.document["source_sha256"]
    existing = (
        PolicyPack.objects.select_for_update().filter(code=pack.code, version=pack.version).first()
    )
    if existing is not None:
        if existing.sha256 != sha:
            raise PolicyError(
                f"{path.name}: version {pack.version} of {pack.code} is already "
                f"loaded with different content; a policy change is a new version."
            )
        return existing
    stored = PolicyPack.objects.create(
        code=pack.code,
        version=pack.version,
        title_zh=pack.title["zh"],
        title_ko=pack.title.get("ko", ""),
        title_en=pack.title.get("en", ""),
        document=pack.document,
        sha256=sha,
    )
    PolicyPack.objects.filter(code=pack.code, version__lt=pack.version).update(active=False)
    audit_record(
        actor=actor,
        action="policy.pack_loaded",
        target=stored,
        payload={"code": pack.code, "version": pack.version, "sha256": sha},
    )
    return stored
