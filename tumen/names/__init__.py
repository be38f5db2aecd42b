"""Cross-script name keys for matching persons: plain Python, no Django.

`name_keys(...)` turns name cells in Hangul, Chinese characters or Latin letters into comparable
surname codes and given-name keys; `surnames` is the curated table that corrects the libraries.
"""

from tumen.names.keys import NameKeys, korean_reading, name_keys, pinyin_name, readings, script_of

__all__ = ["NameKeys", "korean_reading", "name_keys", "pinyin_name", "readings", "script_of"]
