"""The shared typesetting module: CJK text survives into the PDF, data cannot inject markup."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tumen.lib.typeset import TypesetError, compile_pdf, font_families

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


def _text(pdf: bytes) -> str:
    result = subprocess.run(  # noqa: S603  (a fixed command, our own PDF on stdin)
        [shutil.which("pdftotext"), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode()


def test_the_cjk_font_comes_from_the_installed_package():
    assert {"Noto Sans CJK KR", "Noto Sans CJK SC"} <= set(font_families())


@needs_poppler
def test_hangul_chinese_and_latin_names_read_back_from_the_pdf():
    pdf = compile_pdf("#data.name", data={"name": "김영철 / 金永哲 / KIM YONG CHOL"})
    assert pdf.startswith(b"%PDF")
    assert "김영철 / 金永哲 / KIM YONG CHOL" in _text(pdf)


@needs_poppler
def test_data_is_printed_as_text_and_never_evaluated_as_markup():
    pdf = compile_pdf("#data.name", data={"name": '#eval("6 * 7") ] *bold*'})
    text = _text(pdf)
    assert '#eval("6 * 7") ] *bold*' in text
    assert "42" not in text


def test_an_svg_is_embedded_by_name():
    square = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    pdf = compile_pdf('#svg("box", width: 1cm)', svgs={"box": square})
    assert pdf.startswith(b"%PDF")


def test_a_broken_template_raises_a_typeset_error():
    with pytest.raises(TypesetError, match="could not be typeset"):
        compile_pdf("#data.missing.deeper")
