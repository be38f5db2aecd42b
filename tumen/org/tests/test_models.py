from __future__ import annotations

from django.utils import translation

from tumen.org.models import Jurisdiction


def test_path_follows_the_tree(db):
    yanji = Jurisdiction.objects.get(code="yanji")
    assert yanji.path == "/cn/ne/jilin/yanbian/yanji/"
    assert yanji.ancestor_paths[0] == "/cn/"
    assert yanji.ancestor_paths[-1] == yanji.path
    assert Jurisdiction.objects.get(code="jilin").contains(yanji)
    assert not yanji.contains(Jurisdiction.objects.get(code="jilin"))


def test_names_follow_the_active_language(db):
    yanji = Jurisdiction.objects.get(code="yanji")
    with translation.override("ko"):
        assert yanji.name == "연길"
    with translation.override("en"):
        assert yanji.name == "Yanji"
    with translation.override("zh-hans"):
        assert yanji.name.startswith("延吉")
