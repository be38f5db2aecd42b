"""Pick the field variant (`<field>_zh`, `_ko`, `_en`) for the active language."""

from __future__ import annotations

from django.utils.translation import get_language

_SUFFIX_ORDER = {
    "ko": ("ko", "zh", "en"),
    "en": ("en", "zh", "ko"),
    "zh": ("zh", "en", "ko"),
}


def localized(obj: object, field: str) -> str:
    """The variant for the active language, falling back to Chinese, then the others."""
    language = (get_language() or "zh-hans").lower()[:2]
    for suffix in _SUFFIX_ORDER.get(language, _SUFFIX_ORDER["zh"]):
        value = getattr(obj, f"{field}_{suffix}", "")
        if value:
            return value
    return ""
