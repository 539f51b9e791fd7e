from pathlib import Path

import polib
import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ["zh_Hans", "en"]


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete_and_compiled(locale):
    po_path = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
    mo_path = po_path.with_suffix(".mo")
    po = polib.pofile(str(po_path))
    if locale == "zh_Hans":
        assert po.untranslated_entries() == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = polib.mofile(str(mo_path))
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo
    }
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"{locale}: '{entry.msgid}' is not compiled: run make messages"
        assert compiled[key] == (entry.msgstr, tuple(sorted(entry.msgstr_plural.items())))


@pytest.mark.django_db
def test_chinese_is_the_default_and_english_is_one_switch_away(client, people):
    client.force_login(people.office)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "企业" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/enterprises/"})
    html = client.get(reverse("enterprises:list")).content.decode()
    assert '<html lang="en">' in html
    assert "Enterprises" in html


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, people):
    client.force_login(people.office)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html


@pytest.mark.parametrize(
    ("model", "field", "chinese"),
    [
        # One English word, two Chinese senses: each needs its own msgid or context.
        ("issues.Ticket", "source", "来源"),  # a quota policy's is its basis
        ("issues.Ticket", "category", "诉求类别"),  # not the enterprise's 企业类别
        ("issues.DeadlineRule", "category", "诉求类别"),
        ("assignments.QuotaPolicy", "source", "依据"),  # the document a quota rests on
        ("notifications.Delivery", "target", "发送至"),  # not a transition's 新状态
        ("issues.TicketEvent", "to_state", "新状态"),
    ],
)
def test_field_labels_keep_their_own_sense_in_chinese(model, field, chinese):
    from django.apps import apps
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(apps.get_model(model)._meta.get_field(field).verbose_name) == chinese
