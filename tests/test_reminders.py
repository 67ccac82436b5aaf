"""Weekly digests: what each person gets, in their language, once a week; the profile page."""

import datetime
import io
import re
import smtplib
import threading
import zoneinfo
from types import SimpleNamespace

import hypothesis
import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from measures import reminders
from measures.models import (
    Clearance,
    DeadlineKind,
    DigestSent,
    Preferences,
    Question,
    ReportingRound,
    StatusCategory,
    StatusUpdate,
)
from measures.policy import STAFF_GROUP
from tests.factories import AUG_31, TODAY, bulk_plan, make_line, make_plan, make_update, make_user
from tests.threads import at_once

DAY = datetime.timedelta(days=1)
MONDAY = datetime.date(2000, 9, 11)  # of TODAY's week (Friday 15 September 2000)
SIGNATURE = "-- "  # the usual line before a mail's signature, with its space


def publish(plan, as_of, by):
    return ReportingRound.objects.create(
        plan=plan, as_of=as_of, published_at=timezone.now(), published_by=by
    )


@pytest.fixture
def week(db, frozen_today, pardev, program_unit, manager_user):
    """Three readers in three languages and lines whose fate on TODAY is known by hand."""
    w = SimpleNamespace()
    w.alice = make_user("alice", STAFF_GROUP, [pardev])
    w.alice.first_name, w.alice.last_name = "Alice", "Martin"
    w.alice.save()
    Preferences.objects.create(user=w.alice, language="fr")
    w.bob = make_user("bob", STAFF_GROUP, [program_unit])
    Preferences.objects.create(user=w.bob, language="es")
    # Carol reads in the site's default language and clears PARDEV's updates.
    w.carol = make_user("carol", STAFF_GROUP)
    pardev.focal_points.add(w.carol)

    w.plan = make_plan(symbol="GB.279/TC/2", lines=0)
    publish(w.plan, AUG_31, manager_user)
    q = w.plan.parts.get().questions.get()

    def line(text, due, units, kind=None):
        return make_line(q, text=text, due=due, kind=kind, units=units)

    # Due in 10 days; its update since the round awaits clearance.
    w.due = line("Former les mandants", datetime.date(2000, 9, 25), [pardev])
    w.submitted = make_update(
        w.due, TODAY - DAY, narrative="Atelier prévu", author=w.alice, clearance="submitted"
    )
    # Due 5 days ago: newly overdue, and not updated since the round.
    w.new_overdue = line("Publier le guide", datetime.date(2000, 9, 10), [pardev])
    # Overdue since June: not newly; its update predates the round, a draft does not count.
    w.old_overdue = line("Réunir le comité d'experts", datetime.date(2000, 6, 30), [pardev])
    make_update(w.old_overdue, datetime.date(2000, 7, 15))
    make_update(w.old_overdue, TODAY, author=w.alice, clearance=Clearance.DRAFT)
    # Completed after its due date: never overdue, updated.
    done = line("Évaluer le projet", datetime.date(2000, 9, 12), [pardev])
    make_update(done, datetime.date(2000, 9, 13), StatusCategory.COMPLETED)
    # Due in 15 days, one past REMINDER_DUE_DAYS, and updated.
    later = line("Traduire le rapport", datetime.date(2000, 9, 30), [pardev])
    make_update(later, datetime.date(2000, 9, 1))

    # Bob's: due in exactly 14 days (updated); ongoing and never updated since the round.
    w.bob_due = line("Préparer la note", datetime.date(2000, 9, 29), [program_unit])
    make_update(w.bob_due, datetime.date(2000, 9, 2))
    w.ongoing = line("Suivre les ratifications", None, [program_unit], DeadlineKind.ONGOING)

    # A plan with no published round: nothing is "not updated since the round".
    other = make_plan(symbol="GB.341/POL/4", lines=0)
    make_line(other.parts.get().questions.get(), due=None, kind="ongoing", units=[pardev])
    return w


def run(*args):
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def mail_to(name):
    (message,) = [m for m in mail.outbox if m.to == [f"{name}@example.org"]]
    return message


def html_of(message):
    ((body, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    return body


def test_digests_in_three_languages(week):
    run()
    # Maria, a manager, gets what awaits clearance too (test below).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@example.org",
        "bob@example.org",
        "carol@example.org",
        "maria@example.org",
    ]
    alice, bob, carol = mail_to("alice"), mail_to("bob"), mail_to("carol")
    url = "http://127.0.0.1:8000/lines/"
    due, new, old = week.due.pk, week.new_overdue.pk, week.old_overdue.pk
    assert alice.subject == (
        "Votre semaine du 11 septembre 2000 dans le suivi de la mise en œuvre (OIT)"
    )
    assert alice.body.splitlines() == [
        "Bonjour Alice Martin,",
        "Voici ce qui demande votre attention dans le suivi de la mise en œuvre (OIT) "
        "au 15 septembre 2000.",
        "",
        "Nouvellement en retard : échues la semaine passée et toujours ouvertes (1)",
        "- GB.279/TC/2 1 a) Publier le guide",
        "  Échéance le 10 septembre 2000",
        f"  {url}{new}/",
        "",
        "Échéance dans 14 jours au plus (1)",
        "- GB.279/TC/2 1 a) Former les mandants",
        "  Échéance le 25 septembre 2000",
        f"  {url}{due}/",
        "",
        "Aucune mise à jour depuis le dernier cycle publié (2)",
        "- GB.279/TC/2 1 a) Publier le guide",
        "  Échéance le 10 septembre 2000 · dernier cycle au 31 août 2000",
        f"  {url}{new}/",
        "- GB.279/TC/2 1 a) Réunir le comité d'experts",
        "  Échéance le 30 juin 2000 · dernier cycle au 31 août 2000",
        f"  {url}{old}/",
        "",
        SIGNATURE,
        "Vous recevez ce récapitulatif le lundi lorsque quelque chose demande votre attention. "
        "Pour l'arrêter ou choisir sa langue : http://127.0.0.1:8000/profile/",
    ]
    assert bob.subject == (
        "Su semana del 11 de septiembre de 2000 en el seguimiento de la aplicación (OIT)"
    )
    assert bob.body.splitlines() == [
        "Hola, bob:",
        "Esto es lo que requiere su atención en el seguimiento de la aplicación (OIT) "
        "al 15 de septiembre de 2000.",
        "",
        "Vencen en 14 días como máximo (1)",
        "- GB.279/TC/2 1 a) Préparer la note",
        "  Vence el 29 de septiembre de 2000",
        f"  {url}{week.bob_due.pk}/",
        "",
        "Sin actualización desde la última ronda publicada (1)",
        "- GB.279/TC/2 1 a) Suivre les ratifications",
        "  Continuo · última ronda al 31 de agosto de 2000",
        f"  {url}{week.ongoing.pk}/",
        "",
        SIGNATURE,
        "Recibe este resumen los lunes cuando algo requiere su atención. "
        "Para dejar de recibirlo o elegir su idioma: http://127.0.0.1:8000/profile/",
    ]
    assert carol.subject == "Your week of Sept. 11, 2000 in the ILO implementation tracker"
    assert carol.body.splitlines() == [
        "Hello carol,",
        "Here is what needs your attention in the ILO implementation tracker "
        "as of Sept. 15, 2000.",
        "",
        "Awaiting your clearance (1): http://127.0.0.1:8000/clearance/",
        "- GB.279/TC/2 1 a) Former les mandants",
        "  Update as of Sept. 14, 2000 by Alice Martin: In progress",
        f"  {url}{due}/",
        "",
        SIGNATURE,
        "You get this digest on Mondays when something needs your attention. "
        "To stop it or choose its language: http://127.0.0.1:8000/profile/",
    ]
    assert all(m.body.endswith("/profile/\n") for m in mail.outbox)


def test_html_part_in_the_readers_language_with_absolute_links(week, settings):
    settings.SITE_URL = "https://tracker.example.org/"
    run()
    html = html_of(mail_to("alice"))
    assert '<html lang="fr">' in html
    assert "<h2" in html and "Échéance dans 14 jours au plus (1)</h2>" in html
    assert "Réunir le comité d&#x27;experts" in html  # plan text is escaped in HTML only
    links = re.findall(r'href="([^"]*)"', html)
    assert links == [
        f"https://tracker.example.org/lines/{line.pk}/"
        for line in [week.new_overdue, week.due, week.new_overdue, week.old_overdue]
    ]
    assert "https://tracker.example.org/profile/" in html
    assert "https://tracker.example.org/lines/" in mail_to("alice").body


def test_focal_points_and_managers_get_what_awaits_their_clearance(week, pardev):
    # About PROGRAM's line: Carol is not its focal point; Maria, a manager, clears everything.
    make_update(week.bob_due, TODAY, author=week.bob, clearance=Clearance.SUBMITTED)
    # About a whole question all of whose lines are PARDEV's: linked to the plan page.
    question = Question.objects.create(
        part=week.plan.parts.get(), order=2, code="2", title="Mobiliser les ressources"
    )
    make_line(question, text="Lever des fonds", due=None, kind="ongoing", units=[pardev])
    make_update(question, TODAY, StatusCategory.DELAYED, author=week.alice, clearance="submitted")
    # Neither a draft nor a returned update awaits anyone.
    make_update(week.new_overdue, TODAY, author=week.alice, clearance=Clearance.RETURNED)
    run()
    carol, maria = mail_to("carol"), mail_to("maria")
    plan_url = f"http://127.0.0.1:8000/plans/{week.plan.pk}/"
    lines = carol.body.splitlines()
    start = lines.index("Awaiting your clearance (2): http://127.0.0.1:8000/clearance/")
    assert lines[start : lines.index(SIGNATURE)] == [
        "Awaiting your clearance (2): http://127.0.0.1:8000/clearance/",
        "- GB.279/TC/2 1 a) Former les mandants",
        "  Update as of Sept. 14, 2000 by Alice Martin: In progress",
        f"  http://127.0.0.1:8000/lines/{week.due.pk}/",
        "- GB.279/TC/2 2 Mobiliser les ressources",
        "  Update as of Sept. 15, 2000 by Alice Martin: Delayed",
        f"  {plan_url}",
        "",
    ]
    assert f'href="{plan_url}"' in html_of(carol)
    assert "Awaiting your clearance (3)" in maria.body
    assert "Préparer la note" in maria.body
    assert "Préparer la note" not in carol.body


def test_nothing_is_sent_twice_in_a_week(week):
    assert "4 digests sent." in run()
    assert "0 digests sent." in run("--date", "2000-09-17")  # Sunday, same ISO week
    assert len(mail.outbox) == 4
    assert set(DigestSent.objects.values_list("week", flat=True)) == {MONDAY}
    # A new week, a new digest.
    assert "4 digests sent." in run("--date", "2000-09-18")
    assert len(mail.outbox) == 8


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_once(week, monkeypatch):
    """Both runs read the recipients before either records a sending: the unique record of
    (person, week) makes the second wait for the first, then skip."""
    both_read = threading.Barrier(2, timeout=10)
    build = reminders.build_digest
    first = threading.local()

    def build_after_both_read(user, date):
        if not getattr(first, "done", False):
            first.done = True
            both_read.wait()
        return build(user, date)

    monkeypatch.setattr(reminders, "build_digest", build_after_both_read)
    sent = at_once(lambda: len(reminders.send_digests(TODAY)))
    assert sum(sent) == 4
    assert len(mail.outbox) == 4
    assert DigestSent.objects.count() == 4


@hypothesis.settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(days=st.lists(st.integers(min_value=-30, max_value=30), min_size=1, max_size=4))
def test_one_digest_per_iso_week_whatever_the_days_it_runs(week, days):
    """Carol always has an update to clear: she gets exactly one digest per ISO week run in."""
    mail.outbox.clear()
    DigestSent.objects.all().delete()
    dates = [TODAY + d * DAY for d in days]
    for date in dates:
        reminders.send_digests(date)
    to_carol = [m for m in mail.outbox if m.to == ["carol@example.org"]]
    assert len(to_carol) == len({date.isocalendar()[:2] for date in dates})


def test_opted_out_and_addressless_people_get_nothing(week, pardev):
    Preferences.objects.filter(user=week.alice).update(digests=False)
    dave = make_user("dave", STAFF_GROUP, [pardev])
    dave.email = ""
    dave.save()
    run()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bob@example.org",
        "carol@example.org",
        "maria@example.org",
    ]
    assert not DigestSent.objects.filter(user__in=[week.alice, dave]).exists()


def test_an_empty_digest_is_not_sent(week):
    erin = make_user("erin", STAFF_GROUP)  # no unit, clears nothing
    run()
    assert not [m for m in mail.outbox if m.to == ["erin@example.org"]]
    assert not DigestSent.objects.filter(user=erin).exists()


def test_dry_run_sends_and_records_nothing(week):
    out = run("--dry-run")
    assert out == (
        "maria@example.org: 0 due soon, 0 newly overdue, 0 not updated, 1 to clear\n"
        "alice@example.org: 1 due soon, 1 newly overdue, 2 not updated, 0 to clear\n"
        "bob@example.org: 1 due soon, 0 newly overdue, 1 not updated, 0 to clear\n"
        "carol@example.org: 0 due soon, 0 newly overdue, 0 not updated, 1 to clear\n"
        "Dry run: 4 digests to send.\n"
    )
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


def test_a_refused_mail_is_recorded_as_unsent_and_tried_next_run(week, monkeypatch):
    send = EmailMultiAlternatives.send

    def refuse_alice(message, *args, **kwargs):
        if message.to == ["alice@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"alice@example.org": (550, b"No such user")})
        return send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse_alice)
    assert "3 digests sent." in run()
    assert not DigestSent.objects.filter(user=week.alice).exists()
    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert "1 digest sent." in run()
    assert mail_to("alice")


def test_a_date_that_is_not_one_is_refused(db):
    with pytest.raises(CommandError, match="“15/09/2000” is not a date"):
        run("--date", "15/09/2000")


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_sends_then_queues_next_monday(week):
    assert "queued on the task worker" in run("--schedule")
    assert "already queued" in run("--schedule")
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert len(mail.outbox) == 4
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    queued = DBTaskResult.objects.get(status="READY")
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    assert queued.run_after == datetime.datetime(2000, 9, 18, 7, 0, tzinfo=zurich)


@pytest.mark.parametrize("count", [10, 200])
def test_building_a_digest_takes_four_queries_whatever_the_lines(
    db, frozen_today, pardev, manager_user, count, django_assert_num_queries
):
    plan, _framework = bulk_plan(count, [pardev])
    publish(plan, AUG_31, manager_user)
    reader = make_user("fiona", STAFF_GROUP, [pardev])
    pardev.focal_points.add(reader)
    every_other = StatusUpdate.objects.values_list("pk", flat=True)[::2]
    StatusUpdate.objects.filter(pk__in=every_other).update(
        clearance=Clearance.SUBMITTED, submitted_at=F("entered_at")
    )
    reader = reminders.recipients(MONDAY).get(pk=reader.pk)  # as the sending loads them
    # Due soon, newly overdue, not updated, awaiting clearance (whether a manager within it).
    with django_assert_num_queries(4):
        digest = reminders.build_digest(reader, TODAY)
        reminders.digest_message(digest)
    assert len(digest.not_updated) > count // 2
    assert len(digest.awaiting_clearance) > count // 10


def test_profile_needs_a_signed_in_user(client):
    response = client.get("/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_saves_ones_own_preferences(alice, staff_user, other_staff_user):
    page = alice.get("/profile/").content.decode()
    assert '<label for="id_digests">' in page
    assert '<label for="id_language">' in page
    assert 'href="/profile/tokens/"' in page
    assert '<a href="/profile/">Profile</a>' in page  # the navigation entry
    response = alice.post("/profile/", {"language": "es"}, follow=True)  # digests unticked
    assert "Your preferences are saved." in response.content.decode()
    assert Preferences.objects.get(user=staff_user).language == "es"
    assert Preferences.objects.get(user=staff_user).digests is False
    assert not Preferences.objects.filter(user=other_staff_user).exists()


def test_profile_refuses_an_unknown_language_at_its_field(alice, staff_user):
    response = alice.post("/profile/", {"digests": "on", "language": "xx"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_language_error"' in page
    assert re.search(r'<select[^>]*aria-describedby="id_language_error"', page)
    assert not Preferences.objects.filter(user=staff_user).exists()
