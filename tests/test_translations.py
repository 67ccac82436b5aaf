"""The UI in French and Spanish: the pages people use speak the reader's language, the switcher
changes it, and neither catalogue has a missing, fuzzy or uncompiled entry."""

import datetime
import html
import subprocess

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from measures.models import ActionLine
from tests.factories import make_plan

LANGUAGES = ["fr", "es"]

# What a reader sees on each page, taken from the catalogues.
SIGN_IN = {
    "fr": ["Se connecter", "Mot de passe oublié?", "Nom d’utilisateur"],
    "es": ["Iniciar sesión", "¿Olvidó su contraseña?", "Nombre de usuario"],
}
HOME = {
    "fr": ["Mes mesures", "Les lignes d'action de vos unités", "en retard", "sans état"],
    "es": ["Mis medidas", "Las líneas de acción de sus unidades", "atrasadas", "sin estado"],
}
PLAN = {
    "fr": ["Annexe en PDF", "Cycles de rapport", "Tableau des mesures", "Ligne d'action"],
    "es": ["Anexo en PDF", "Rondas de informes", "Cuadro de medidas", "Línea de acción"],
}
TABLE = {
    "fr": ["Filtres", "Unité responsable", "Date d'échéance", "Télécharger en CSV"],
    "es": ["Filtros", "Unidad responsable", "Fecha límite", "Descargar en CSV"],
}
STATUS_FORM = {
    "fr": [
        "Mettre à jour l'état",
        "Enregistrer l'état",
        "Cette mise à jour concerne",
        "Historique",
    ],
    "es": ["Actualizar el estado", "Guardar el estado", "Esta actualización se refiere a"],
}
ENGLISH = ["Sign in", "My measures", "Reporting rounds", "Save the status", "Filters"]


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2000, 9, 15, 10, 0, tzinfo=datetime.UTC)):
        yield


@pytest.fixture
def line(pardev):
    """A PARDEV line of a French plan, overdue since 31 August 2000."""
    plan = make_plan(units=[pardev])
    line = ActionLine.objects.get(question__part__plan=plan)
    line.due_date = datetime.date(2000, 8, 31)
    line.save(update_fields=["due_date"])
    return line


def text_of(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def assert_shows(page, expected, language):
    assert f'<html lang="{language}">' in page
    missing = [text for text in expected if text not in page]
    assert not missing, f"not shown in {language}: {missing}"
    assert not [text for text in ENGLISH if f">{text}<" in page]


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_page_follows_the_browsers_language(client, language):
    page = text_of(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=language))
    assert_shows(page, SIGN_IN[language], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_pages_and_status_form_follow_the_language_cookie(
    client, staff_user, line, language
):
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    plan_id = line.question.part.plan_id
    pages = {
        "/": HOME,
        f"/plans/{plan_id}/": PLAN,
        "/measures/": TABLE,
        f"/lines/{line.pk}/": STATUS_FORM,
    }
    for url, expected in pages.items():
        assert_shows(text_of(client.get(url)), expected[language], language)


def test_invalid_status_form_explains_the_error_in_the_readers_language(client, staff_user, line):
    client.force_login(staff_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(f"/lines/{line.pk}/updates/", {"as_of": "no es una fecha"})
    assert "Introduzca una fecha válida." in html.unescape(response.content.decode())


def test_language_switcher_switches_the_whole_ui_and_back_to_english(client, staff_user, line):
    client.force_login(staff_user)
    for language, heading in [("es", "Mis medidas"), ("fr", "Mes mesures"), ("en", "My measures")]:
        response = client.post("/i18n/setlang/", {"language": language, "next": "/measures/"})
        assert response.status_code == 302 and response.url == "/measures/"
        page = text_of(client.get("/"))
        assert f'<html lang="{language}">' in page
        assert f"<h1>{heading}</h1>" in page
        assert f'<option value="{language}" selected' in page


@pytest.mark.one_database
@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete_checked_and_compiled(language, tmp_path):
    po = settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    # The options `manage.py compilemessages` gives msgfmt, plus placeholder and header checks.
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr
    installed = po.with_suffix(".mo")
    assert installed.exists(), f"{installed} is missing: run `make messages`"
    assert installed.read_bytes() == compiled.read_bytes(), (
        f"{installed} does not match {po.name}: run `make messages`"
    )


@pytest.mark.one_database
@pytest.mark.parametrize(
    ("language", "plural_one", "plural_many"),
    [
        ("fr", "1 ligne d'action au", "2 lignes d'action au"),
        ("es", "1 línea de acción al", "2 líneas de acción al"),
    ],
)
def test_plural_forms_follow_the_language(language, plural_one, plural_many):
    with translation.override(language):
        for count, expected in [(1, plural_one), (2, plural_many)]:
            text = translation.ngettext(
                "%(counter)s action line as of %(date)s",
                "%(counter)s action lines as of %(date)s",
                count,
            ) % {"counter": count, "date": "31/08/2000"}
            assert text.startswith(expected)
