"""IATI 2.03 exports of the real plans and frameworks, validated against the IATI schema."""

import datetime
import filecmp
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree

from measures.models import Plan
from outcomes.models import Framework
from reports.iati import (
    ILO,
    SCHEMA,
    InvalidIati,
    activities_file,
    framework_activity,
    framework_file,
    plan_activity,
    plan_file,
    validation_errors,
)
from tests.factories import make_plan, make_update
from tests.plan_workbooks import import_fixture
from tests.results_factories import day, make_framework, measure

AS_OF = datetime.date(2000, 8, 31)
BASE = "https://tracker.example.org"
SHARED_SCHEMA = settings.BASE_DIR.parent.parent / "shared" / "iati-2.03"


@pytest.fixture
def plans(reference_data):
    import_fixture("GB.279-TC-2.xlsx")
    import_fixture("GB.341-POL-4.xlsx")
    return Plan.objects.get(symbol="GB.279/TC/2"), Plan.objects.get(symbol="GB.341/POL/4")


def parsed(content):
    assert validation_errors(content) == []
    return etree.fromstring(content)


def texts(element, path):
    return [squeeze(e.text) for e in element.iterfind(path)]


def squeeze(text):
    return " ".join(text.split())


def test_the_schema_is_the_shared_iati_2_03_one():
    shared = Path("/work/shared/iati-2.03") if not SHARED_SCHEMA.exists() else SHARED_SCHEMA
    names = ["iati-activities-schema.xsd", "iati-common.xsd", "xml.xsd"]
    assert filecmp.cmpfiles(shared, SCHEMA.parent, names, shallow=False)[0] == names


def test_gb279_is_a_valid_activity_with_a_result_per_question_and_the_status_as_actual(plans):
    gb279, _ = plans
    root = parsed(plan_file(gb279, AS_OF, BASE))

    [activity] = root.findall("iati-activity")
    assert root.get("version") == "2.03"
    assert activity.findtext("iati-identifier") == f"{ILO}-GB.279-TC-2"
    assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    link = activity.find("document-link")
    assert link.get("url") == f"{BASE}/plans/{gb279.pk}/annex.pdf?as_of=2000-08-31"
    assert link.find("title/narrative").text.startswith("GB.279/TC/2 – Rapport d'activité")
    results = activity.findall("result")
    assert len(results) == 20  # 24 questions, of which 4 are headings over the others
    indicators = activity.findall("result/indicator")
    assert len(indicators) == 78  # one per action line
    assert {i.get("measure") for i in indicators} == {"5"}
    periods = activity.findall("result/indicator/period")
    assert {(p.find("period-end").get("iso-date")) for p in periods} == {"2000-08-31"}
    actuals = texts(activity, "result/indicator/period/actual/comment/narrative")
    assert len(actuals) > 60
    assert any(a.startswith("En cours Projet de directives internes") for a in actuals)


def test_gb341_is_valid_with_a_result_per_measure(plans):
    _, gb341 = plans
    activity = parsed(plan_file(gb341, AS_OF, BASE)).find("iati-activity")
    assert activity.findtext("iati-identifier") == f"{ILO}-GB.341-POL-4"
    assert len(activity.findall("result")) == 15
    assert len(activity.findall("result/indicator")) == 32


def test_the_tc_strategy_has_baselines_and_a_target_per_biennium(reference_data):
    framework = Framework.objects.get(code="TC 2010-15")
    activity = parsed(framework_file(framework, AS_OF, BASE)).find("iati-activity")

    results = activity.findall("result")
    assert [r.get("type") for r in results] == ["2", "2", "2"]
    indicators = activity.findall("result/indicator")
    assert len(indicators) == 7
    first = indicators[0]
    assert first.find("baseline").get("year") == "2009"
    assert texts(first, "baseline/comment/narrative") == [
        "Résultats de la coopération technique pour 2008-09"
    ]
    periods = [
        (p.find("period-start").get("iso-date"), p.find("target").get("value"))
        for p in first.findall("period")
    ]
    assert periods == [("2010-01-01", "70"), ("2012-01-01", "80"), ("2014-01-01", "90")]
    assert len(activity.findall("result/indicator/period")) == 21


def test_p_and_b_outputs_count_their_linked_lines_by_status(plans):
    pb_2024 = Framework.objects.get(code="P&B 2024-25")
    activity = parsed(framework_file(pb_2024, AS_OF, BASE)).find("iati-activity")
    assert activity.findtext("iati-identifier") == f"{ILO}-P-B-2024-25"
    assert len(activity.findall("result[@type='1']")) == 44

    pb_2020 = Framework.objects.get(code="P&B 2020-21")
    activity = parsed(framework_file(pb_2020, AS_OF, BASE)).find("iati-activity")
    actuals = texts(activity, "result/indicator/period/actual/comment/narrative")
    assert actuals and all("No status reported" in a or ":" in a for a in actuals)


def test_the_command_writes_one_valid_file_with_plans_and_frameworks(plans, tmp_path):
    output = tmp_path / "ilo.xml"
    out = io.StringIO()
    call_command(
        "export_iati",
        *["--plan", "GB.279/TC/2", "--plan", "GB.341/POL/4"],
        *["--framework", "TC 2010-15", "--framework", "P&B 2024-25"],
        *["--as-of", "2000-08-31", "-o", str(output)],
        stdout=out,
    )
    assert "4 activities, valid IATI 2.03" in out.getvalue()
    root = parsed(output.read_bytes())
    assert len(root.findall("iati-activity")) == 4


def test_the_command_names_what_it_cannot_find(db, tmp_path):
    with pytest.raises(CommandError, match="No plan with symbol or id 'GB.999/X/1'"):
        call_command("export_iati", "--plan", "GB.999/X/1", "-o", str(tmp_path / "x.xml"))


def test_an_invalid_file_is_refused_with_the_schema_errors(plans):
    gb279, _ = plans
    activity = plan_activity(gb279, AS_OF, BASE)
    activity.remove(activity.find("reporting-org"))
    with pytest.raises(InvalidIati) as refused:
        activities_file([activity])
    assert "reporting-org" in refused.value.errors[0]


def test_control_characters_in_texts_do_not_break_the_file(plans):
    gb279, _ = plans
    gb279.title = "Plan\x0b with a vertical tab\uffff"
    activity = plan_activity(gb279, AS_OF, BASE)
    content = activities_file(
        [activity, framework_activity(Framework.objects.first(), AS_OF, BASE)]
    )
    # As every export cleans text: Word's line break is one, what XML refuses is dropped.
    assert b"Plan\n with a vertical tab<" in content


def test_downloads_from_the_plan_and_framework_pages(client, plans, staff_user):
    gb279, _ = plans
    framework = Framework.objects.get(code="TC 2010-15")
    client.force_login(staff_user)
    assert (
        f'href="/plans/{gb279.pk}/iati.xml"' in client.get(f"/plans/{gb279.pk}/").content.decode()
    )

    response = client.get(f"/plans/{gb279.pk}/iati.xml?as_of=2000-08-31")

    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert 'filename="gb279-tc-2-iati-2000-08-31.xml"' in response["Content-Disposition"]
    link = parsed(response.content).find("iati-activity/document-link")
    assert link.get("url") == f"http://testserver/plans/{gb279.pk}/annex.pdf?as_of=2000-08-31"
    framework_file = client.get(f"/frameworks/{framework.pk}/iati.xml")
    assert (
        parsed(framework_file.content)
        .findtext("iati-activity/iati-identifier")
        .endswith("TC-2010-15")
    )


def test_the_framework_page_links_its_iati_file(client, reference_data, staff_user):
    # Without the seed plans: on a fresh PostgreSQL test database (no planner statistics) the
    # dashboard's query of lines linked through questions takes minutes with them.
    framework = Framework.objects.get(code="TC 2010-15")
    client.force_login(staff_user)
    page = client.get(f"/frameworks/{framework.pk}/").content.decode()
    assert f'href="/frameworks/{framework.pk}/iati.xml"' in page


def test_a_question_reported_on_as_a_whole_without_lines_is_its_own_indicator(db):
    plan = make_plan(lines=0)
    question = plan.parts.get().questions.get()
    question.timeline = "Fin 2000"
    question.save()
    make_update(question, datetime.date(2000, 8, 1), "completed", narrative="Terminé en août")

    indicator = parsed(plan_file(plan, AS_OF, BASE)).find("iati-activity/result/indicator")

    assert indicator.findtext("title/narrative") == question.title
    assert indicator.findtext("period/target/comment/narrative") == "Fin 2000"
    assert indicator.findtext("period/actual/comment/narrative") == "Achevé\nTerminé en août"


def test_scripts_get_the_same_files_from_the_api(client, plans, staff_user):
    from api.tokens import token_create

    gb279, _ = plans
    framework = Framework.objects.get(code="TC 2010-15")
    secret = token_create(user=staff_user, name="iati", scope="read")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    plan_xml = client.get(f"/api/v1/plans/{gb279.pk}/iati?as_of=2000-08-31", **headers)
    framework_xml = client.get(f"/api/v1/frameworks/{framework.pk}/iati", **headers)

    assert (
        plan_xml["Content-Type"]
        == framework_xml["Content-Type"]
        == "application/xml; charset=utf-8"
    )
    assert len(parsed(plan_xml.content).findall("iati-activity/result/indicator")) == 78
    assert len(parsed(framework_xml.content).findall("iati-activity/result")) == 3
    assert client.get(f"/api/v1/plans/{gb279.pk}/iati").status_code == 401


def test_measurements_are_the_actuals_as_known_on_the_date(db):
    """The newest measurement of a milestone's period is its actual (a correction replaces
    it); a measured year no milestone covers is a period of its own; later ones are unknown."""
    framework = make_framework()
    indicator = framework.outcomes.get().indicators.get()
    measure(indicator, "2010-11", Decimal(65), as_of=day("2012-01-10"))
    measure(indicator, "2010-11", Decimal(71), as_of=day("2012-02-01"), text="corrigé")
    measure(indicator, "2015", Decimal(88), as_of=day("2016-01-15"), source="IRIS")

    def periods(as_of):
        activity = parsed(framework_file(framework, as_of, BASE)).find("iati-activity")
        return [
            (
                p.find("period-start").get("iso-date"),
                [a.get("value") for a in p.findall("actual")],
                texts(p, "actual/comment/narrative"),
            )
            for p in activity.findall("result/indicator/period")
        ]

    assert periods(day("2016-06-30")) == [
        ("2010-01-01", ["71"], ["corrigé"]),
        ("2012-01-01", [], []),
        ("2015-01-01", ["88"], ["IRIS"]),
    ]
    assert periods(day("2012-01-31")) == [("2010-01-01", ["65"], []), ("2012-01-01", [], [])]
