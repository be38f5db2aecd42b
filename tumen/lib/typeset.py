"""Typesetting PDFs with Typst and a CJK font that pip installs (no Django here).

One small API for every PDF Tumen prints (travel authorizations, situation reports):

    pdf = compile_pdf(TEMPLATE, data={"title": "出境证明"}, svgs={"qr": qr_svg})

The template is Typst markup. Values never go into the markup as text: `data` (anything JSON can
hold) reaches the template as `data`, and each SVG as `svg("name", width: …)`, through Typst's
`sys.inputs`, so a name such as `#eval("…")` or `]` prints as itself and cannot inject markup.

Fonts: Noto Sans CJK (SIL OFL 1.1) from the `manimgx-fonts-cjk` package, plus any directories in
TUMEN_FONT_DIRS (separated by the path separator); system fonts are ignored so that a PDF looks
the same on every machine. `FONT_FAMILIES` is the stack templates should set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import typst

# Hangul and Chinese characters both come from Noto Sans CJK; KR first so that a Korean name
# written in Chinese characters takes the Korean glyph forms, SC for Chinese labels.
FONT_FAMILIES = ("Noto Sans CJK KR", "Noto Sans CJK SC")

PRELUDE = """\
#let data = json(bytes(sys.inputs.at("tumen-data")))
#let svg(name, ..args) = image(bytes(sys.inputs.at("tumen-svg-" + name)), format: "svg", ..args)
#set text(font: ("Noto Sans CJK KR", "Noto Sans CJK SC"), lang: "zh")
"""


class TypesetError(RuntimeError):
    """A template failed to compile; the message says where (never the data)."""


def font_dirs() -> list[str]:
    """Where the fonts come from: the CJK font package, then TUMEN_FONT_DIRS."""
    import manimgx_fonts_cjk

    dirs = [str(Path(manimgx_fonts_cjk.__file__).resolve().parent)]
    extra = os.environ.get("TUMEN_FONT_DIRS", "")
    dirs += [part for part in extra.split(os.pathsep) if part]
    return dirs


@cache
def _fonts() -> typst.Fonts:
    # Reading the 33 MB collection once per process, not once per document.
    return typst.Fonts(include_system_fonts=False, font_paths=font_dirs())


def font_families() -> list[str]:
    return sorted(_fonts().families())


def _inputs(data: Any, svgs: Mapping[str, str]) -> dict[str, str]:
    inputs = {"tumen-data": json.dumps(data, ensure_ascii=False, default=str)}
    inputs.update({f"tumen-svg-{name}": text for name, text in svgs.items()})
    return inputs


def compile_pdf(template: str, *, data: Any = None, svgs: Mapping[str, str] | None = None) -> bytes:
    """The PDF of `template` (Typst markup after PRELUDE) with `data` and `svgs` available."""
    compiler = typst.Compiler(
        (PRELUDE + template).encode(),
        font_paths=_fonts(),
        ignore_system_fonts=True,
        sys_inputs=_inputs({} if data is None else data, svgs or {}),
    )
    try:
        return compiler.compile(format="pdf", timestamp=0)
    except typst.TypstError as exc:
        raise TypesetError(f"the document could not be typeset: {exc.message}") from None
