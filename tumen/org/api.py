"""/api/v1/jurisdictions and /api/v1/units: the organisation an official can see (read only)."""

from __future__ import annotations

from ninja import Router, Schema
from pydantic import ConfigDict

from tumen.org.access import get_for_user, scope
from tumen.org.models import Jurisdiction, WorkUnit
from tumen.tokens.protocol import COMMON, READ_ONE

router = Router(tags=["organisation"])


class JurisdictionOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "yanji",
                    "level": "county",
                    "parent": "yanbian",
                    "path": "/cn/ne/jilin/yanbian/yanji/",
                    "name_zh": "延吉",
                    "name_ko": "연길",
                    "name_en": "Yanji",
                }
            ]
        }
    )

    code: str
    level: str
    parent: str | None
    path: str
    name_zh: str
    name_ko: str
    name_en: str

    @staticmethod
    def of(row: Jurisdiction) -> JurisdictionOut:
        return JurisdictionOut(
            code=row.code,
            level=row.level,
            parent=row.parent.code if row.parent_id else None,
            path=row.path,
            name_zh=row.name_zh,
            name_ko=row.name_ko,
            name_en=row.name_en,
        )


class UnitOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "yanji-office",
                    "kind": "county_office",
                    "jurisdiction": "yanji",
                    "name_zh": "延吉县人民委员会",
                    "name_ko": "연길현 인민위원회",
                    "name_en": "Yanji county office",
                }
            ]
        }
    )

    code: str
    kind: str
    jurisdiction: str
    name_zh: str
    name_ko: str
    name_en: str

    @staticmethod
    def of(row: WorkUnit) -> UnitOut:
        return UnitOut(
            code=row.code,
            kind=row.kind,
            jurisdiction=row.jurisdiction.code,
            name_zh=row.name_zh,
            name_ko=row.name_ko,
            name_en=row.name_en,
        )


def _jurisdictions():
    return Jurisdiction.objects.select_related("parent")


def _units():
    return WorkUnit.objects.select_related("jurisdiction")


@router.get("/jurisdictions", response={200: list[JurisdictionOut], **COMMON})
def jurisdiction_list(request):
    """The jurisdictions of the caller's subtree, in tree order."""
    return [JurisdictionOut.of(row) for row in scope(_jurisdictions(), request.auth)]


@router.get("/jurisdictions/{code}", response={200: JurisdictionOut, **READ_ONE})
def jurisdiction_read(request, code: str):
    return JurisdictionOut.of(get_for_user(request.auth, _jurisdictions(), code=code))


@router.get("/units", response={200: list[UnitOut], **COMMON})
def unit_list(request):
    """The work units of the caller's subtree."""
    return [UnitOut.of(row) for row in scope(_units(), request.auth)]


@router.get("/units/{code}", response={200: UnitOut, **READ_ONE})
def unit_read(request, code: str):
    return UnitOut.of(get_for_user(request.auth, _units(), code=code))
