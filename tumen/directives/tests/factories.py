"""Directives made inside a test, beside the 1963 one that the scenario loads."""

from __future__ import annotations

import datetime

from tumen.directives.models import Addressee, Clause, Directive
from tumen.org.models import Jurisdiction


def make_directive(
    code: str, *, issued_by: str, addressed_to: list[str], clauses: int = 2
) -> Directive:
    directive = Directive.objects.create(
        code=code,
        title_zh=f"测试指示 {code}",
        title_ko=f"시험 지시 {code}",
        title_en=f"Test directive {code}",
        issued_by=Jurisdiction.objects.get(code=issued_by),
        issued_on=datetime.date(1963, 9, 1),
    )
    Clause.objects.bulk_create(
        Clause(
            directive=directive,
            number=n,
            clause_id=f"{code}.{n}",
            text_zh=f"{code} 第{n}条",
            text_ko=f"{code} 제{n}조",
            text_en=f"{code} clause {n}",
        )
        for n in range(1, clauses + 1)
    )
    Addressee.objects.bulk_create(
        Addressee(directive=directive, jurisdiction=Jurisdiction.objects.get(code=jurisdiction))
        for jurisdiction in addressed_to
    )
    return directive
