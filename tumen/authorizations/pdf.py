"""The printed travel authorization: one page per holder, A4 or A6, with its QR code.

The labels are printed in Chinese, Korean and English on every document whatever the reader's
language (the document crosses a border), so they are part of the template, not translations.
"""

from __future__ import annotations

import io
from functools import lru_cache

import segno

from tumen.authorizations.models import Authorization
from tumen.authorizations.services import identity_number
from tumen.lib.typeset import compile_pdf

PAPERS = ("a4", "a6")

TEMPLATE = """
#let paper = data.paper
#let small = paper == "a6"
#set page(paper: paper, margin: if small { 6mm } else { 18mm })
#set text(size: if small { 6.5pt } else { 10.5pt })
#let label(zh, ko, en) = text(fill: luma(90))[#zh · #ko · #en]
#for (i, doc) in data.documents.enumerate() {
  if i > 0 { pagebreak() }
  align(center)[
    #text(size: if small { 10pt } else { 18pt }, weight: "bold")[出境证明 · 출국 증명]\\
    #text(size: if small { 7pt } else { 12pt })[Travel authorization · #(doc.number)]
  ]
  v(if small { 2mm } else { 6mm })
  grid(
    columns: (1fr, if small { 40mm } else { 70mm }),
    gutter: if small { 3mm } else { 8mm },
    [
      #label("持证人", "소지자", "Holder")\\
      #text(size: if small { 11pt } else { 20pt }, weight: "bold")[#(doc.hangul)]\\
      #text(size: if small { 10pt } else { 16pt })[#(doc.hanja)]\\
      #text(size: if small { 8pt } else { 13pt })[#(doc.latin)]
      #v(2mm)
      #label("出生日期", "생년월일", "Date of birth"): #(doc.birth_date)\\
      #label("国籍", "국적", "Nationality"): #(doc.nationality)\\
      #label("证件号码", "증명서 번호", "Identity number"): #(doc.identity_number)\\
      #label("案件", "사건", "Case"): #(doc.case_number) (#(doc.case_type))
      #v(2mm)
      #label("口岸", "통상구", "Crossing point")\\
      #for p in doc.crossings [#(p) #linebreak()]
      #label("有效期", "유효기간", "Valid"): #(doc.valid_from) – #(doc.valid_until)\\
      #label("使用", "사용", "Use"): #(doc.use)\\
      #label("签发机关", "발급기관", "Issuing authority"): #(doc.authority)\\
      #text(size: 0.8em, fill: luma(110))[kid #(doc.kid)]
    ],
    [#svg(doc.qr, width: 100%)],
  )
}
"""

USE = {
    True: "一次有效 · 1회 사용 · single use",
    False: "多次有效 · 여러 번 사용 · multiple use",
}


# Choosing the mask by segno's penalty scores is 70% of a QR's cost (55 ms for a typical
# document, so a household of five missed its 300 ms); the standard allows any of the eight
# masks, and the tests decode the printed code from a rendered page with zxing-cpp.
QR_MASK = 2


def _qr(payload: str) -> segno.QRCode:
    return segno.make_qr(payload, error="m", boost_error=False, mask=QR_MASK)


@lru_cache(maxsize=256)
def qr_svg(payload: str) -> str:
    """The QR code of a `TMN1:` text (alphanumeric mode, error correction M), cached."""
    code = _qr(payload)
    out = io.BytesIO()
    code.save(out, kind="svg", border=4, xmldecl=False, svgns=True)
    return out.getvalue().decode()


def qr_facts(payload: str) -> dict:
    code = _qr(payload)
    return {"version": code.version, "error": code.error, "bytes": len(payload.encode())}


def _point_names(authz: Authorization) -> list[str]:
    return [f"{p.name_zh} · {p.name_ko} · {p.name_en}" for p in authz.crossing_points.all()]


def _entry(authz: Authorization, index: int) -> dict:
    person = authz.person
    return {
        "number": authz.number,
        "hangul": person.name_hangul,
        "hanja": person.name_hanzi,
        "latin": person.name_latin,
        "birth_date": person.date_of_birth.isoformat() if person.date_of_birth else "–",
        "nationality": person.get_nationality_display(),
        "identity_number": identity_number(person) or "–",
        "case_number": authz.case.number,
        "case_type": authz.case.case_type,
        "crossings": _point_names(authz),
        "valid_from": authz.valid_from.date().isoformat(),
        "valid_until": authz.valid_until.date().isoformat(),
        "use": USE[authz.single_use],
        "authority": authz.authority,
        "kid": authz.kid,
        "qr": f"qr{index}",
    }


def _identity(person) -> str:
    from tumen.authorizations.services import _identity_number

    return _identity_number(person) or "–"


def render(authorizations: list[Authorization], *, paper: str = "a4") -> bytes:
    """One PDF for the given documents (a household prints as one file), a page each."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    entries = [_entry(authz, index) for index, authz in enumerate(authorizations)]
    return render_entries(entries, [authz.payload for authz in authorizations], paper=paper)


def render_entries(entries: list[dict], payloads: list[str], *, paper: str = "a4") -> bytes:
    """The PDF of prepared entries (as `_entry` makes them) and their signed texts."""
    svgs = {entry["qr"]: qr_svg(payload) for entry, payload in zip(entries, payloads, strict=True)}
    return compile_pdf(TEMPLATE, data={"paper": paper, "documents": entries}, svgs=svgs)
