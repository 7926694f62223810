"""errorkit's catalogs: every message marked for translation has its French
and German text, and the compiled catalogs are those of the sources."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "errorkit" / "locale"


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_message_is_translated_and_compiled(language):
    source = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(source) > 150
    assert source.percent_translated() == 100, [
        e.msgid for e in source.untranslated_entries()
    ]
    assert not source.fuzzy_entries()
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    for entry in source:
        if entry.msgid_plural:
            assert (
                catalog.ngettext(entry.msgid, entry.msgid_plural, 1)
                == entry.msgstr_plural[0]
            )
        else:
            assert catalog.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_checks_speak_the_active_language():
    from django.test import override_settings
    from django.utils import translation

    from errorkit.checks import check_middleware

    with override_settings(MIDDLEWARE=[]), translation.override("de"):
        (message,) = check_middleware()
    assert message.msg.startswith("errorkit.middleware.ErrorkitMiddleware ist nicht")
    assert message.hint.startswith("Fügen Sie")
