"""Clearance (issue 14): drafts, submission, clearing and returning, who may do each, and the
rules the database and the services hold (outputs: test_clearance_outputs.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from measures import policy, services
from measures.models import Clearance, ReportingRound, StatusCategory, StatusUpdate
from measures.policy import STAFF_GROUP
from tests.factories import (
    AUG_31,
    DAY,
    make_line,
    make_plan,
    make_update,
    make_user,
    status_by_the_rule,
)


@pytest.fixture
def other_focal_point(program_unit):
    user = make_user("oscar", STAFF_GROUP)
    program_unit.focal_points.add(user)
    return user


@pytest.fixture
def colleague(pardev):
    """Another staff member of PARDEV: sees submitted updates, never another's draft."""
    return make_user("carol", STAFF_GROUP, [pardev])


@pytest.fixture
def plan(pardev):
    return make_plan(units=[pardev], requires_clearance=True)


@pytest.fixture
def line(plan):
    return plan.parts.get().questions.get().lines.get()


def save(line, author, submit, narrative="Avancement", as_of=AUG_31, about_question=False):
    return services.status_update_create(
        line=line,
        author=author,
        as_of=as_of,
        category=StatusCategory.IN_PROGRESS,
        narrative=narrative,
        about_question=about_question,
        seen_update_id=StatusUpdate.objects.order_by("pk").values_list("pk", flat=True).last(),
        submit=submit,
    )


def reload(update):
    return StatusUpdate.objects.get(pk=update.pk)


# Services: each transition -------------------------------------------------------------------


def test_staff_save_a_draft_then_submit_it_then_a_focal_point_clears_it(
    frozen_today, line, staff_user, focal_point
):
    draft = save(line, staff_user, submit=False)
    assert draft.clearance == Clearance.DRAFT
    services.status_update_submit(update=draft)
    submitted = reload(draft)
    assert submitted.clearance == Clearance.SUBMITTED
    assert submitted.submitted_at is not None
    services.status_update_clear(update=submitted, reviewer=focal_point)
    cleared = reload(draft)
    assert (cleared.clearance, cleared.reviewed_by) == (Clearance.CLEARED, focal_point)
    assert cleared.reviewed_at is not None
    status = type(line).objects.with_status_as_of(AUG_31).get(pk=line.pk)
    assert status.status_update_id == cleared.pk


def test_a_returned_update_keeps_the_comment_and_never_counts(
    frozen_today, line, staff_user, focal_point
):
    update = save(line, staff_user, submit=True)
    with pytest.raises(ValidationError):
        services.status_update_return(update=update, reviewer=focal_point, comment="  ")
    services.status_update_return(update=update, reviewer=focal_point, comment="Chiffres ?")
    returned = reload(update)
    assert (returned.clearance, returned.review_comment) == (Clearance.RETURNED, "Chiffres ?")
    assert type(line).objects.with_status_as_of(AUG_31).get(pk=line.pk).status_update_id is None
    # The author submits a new one, even with the same words: it is not taken for a repeat.
    again = save(line, staff_user, submit=True)
    assert again.pk != update.pk and again.clearance == Clearance.SUBMITTED


def test_a_decided_update_cannot_be_decided_again(frozen_today, line, staff_user, focal_point):
    update = save(line, staff_user, submit=True)
    services.status_update_clear(update=update, reviewer=focal_point)
    with pytest.raises(ValidationError, match="no longer awaits"):
        services.status_update_return(update=update, reviewer=focal_point, comment="Non")
    with pytest.raises(ValidationError, match="no longer awaits"):
        services.status_updates_clear(updates=[update], reviewer=focal_point)


def test_a_batch_is_cleared_all_or_none(frozen_today, plan, pardev, staff_user, focal_point):
    lines = [make_line(plan.parts.get().questions.get(), units=[pardev]) for _ in range(3)]
    updates = [
        save(line, staff_user, submit=True, narrative=f"n{i}") for i, line in enumerate(lines)
    ]
    services.status_update_return(update=updates[0], reviewer=focal_point, comment="Non")
    with pytest.raises(ValidationError):
        services.status_updates_clear(updates=updates, reviewer=focal_point)
    assert not StatusUpdate.objects.cleared().exists()
    assert services.status_updates_clear(updates=updates[1:], reviewer=focal_point) == 2
    assert set(StatusUpdate.objects.cleared().values_list("reviewed_by", flat=True)) == {
        focal_point.pk
    }


def test_drafts_are_edited_and_deleted_only_while_drafts(frozen_today, line, staff_user):
    draft = save(line, staff_user, submit=False)
    edited = services.status_update_edit(
        update=draft,
        line=line,
        as_of=AUG_31 - DAY,
        category=StatusCategory.DELAYED,
        narrative="Corrigé",
        about_question=False,
        seen_update_id=draft.pk,
    )
    assert (edited.pk, edited.narrative, edited.clearance) == (draft.pk, "Corrigé", "draft")
    services.status_update_delete(update=draft)
    services.status_update_delete(update=draft)  # a double click: nothing left to do
    assert not StatusUpdate.objects.exists()
    submitted = save(line, staff_user, submit=True)
    with pytest.raises(ValidationError, match="no longer a draft"):
        services.status_update_delete(update=submitted)
    with pytest.raises(ValidationError, match="no longer a draft"):
        services.status_update_edit(
            update=submitted,
            line=line,
            as_of=AUG_31,
            category=StatusCategory.DELAYED,
            narrative="Autre chose",
            about_question=False,
            seen_update_id=submitted.pk,
        )


def test_a_draft_sent_twice_is_saved_once_and_a_submission_is_not_taken_for_it(
    frozen_today, line, staff_user
):
    draft = save(line, staff_user, submit=False)
    assert save(line, staff_user, submit=False).pk == draft.pk
    submitted = save(line, staff_user, submit=True)
    assert submitted.pk != draft.pk
    assert save(line, staff_user, submit=True).pk == submitted.pk


def test_another_persons_draft_is_no_conflict_but_their_submission_is(
    frozen_today, line, staff_user, colleague
):
    save(line, colleague, submit=False, narrative="Brouillon de Carol")
    kwargs = {"line": line, "as_of": AUG_31, "category": "in_progress", "about_question": False}
    mine = services.status_update_create(
        author=staff_user, narrative="Le mien", seen_update_id=None, submit=False, **kwargs
    )
    theirs = save(line, colleague, submit=True, narrative="Soumis par Carol")
    with pytest.raises(services.StatusConflict) as conflict:
        services.status_update_edit(
            update=mine, narrative="Le mien, revu", seen_update_id=mine.pk, submit=True, **kwargs
        )
    assert [u.pk for u in conflict.value.newer] == [theirs.pk]


def test_who_may_clear_submits_and_it_is_cleared_by_them(
    frozen_today, line, manager_user, focal_point, pardev
):
    """The rule the README states: someone who may clear an update clears their own."""
    by_manager = save(line, manager_user, submit=True, narrative="Par la direction")
    assert (by_manager.clearance, by_manager.reviewed_by) == (Clearance.CLEARED, manager_user)
    pardev.members.add(focal_point)
    by_focal = save(line, focal_point, submit=True, narrative="Par le point focal")
    assert (by_focal.clearance, by_focal.reviewed_by) == (Clearance.CLEARED, focal_point)


def test_plans_without_clearance_and_imports_are_cleared_as_saved(
    frozen_today, staff_user, pardev
):
    line = make_plan(units=[pardev]).parts.get().questions.get().lines.get()
    update = save(line, staff_user, submit=False)
    assert (update.clearance, update.submitted_at, update.reviewed_by) == ("cleared", None, None)


def test_new_plans_require_clearance_by_default(db):
    from measures.models import Plan

    assert Plan.objects.create(title="Nouveau").requires_clearance


@pytest.mark.parametrize(
    "fields",
    [
        {"clearance": Clearance.RETURNED, "review_comment": ""},
        {"clearance": Clearance.SUBMITTED, "submitted_at": None},
        {"clearance": Clearance.CLEARED, "reviewed_by": None},
        {"clearance": Clearance.DRAFT, "submitted_at": "now"},
    ],
    ids=["returned without comment", "submitted undated", "reviewed by nobody", "draft sent"],
)
def test_the_database_refuses_an_impossible_clearance(line, manager_user, fields):
    now = timezone.now()
    values = {
        "submitted_at": now,
        "reviewed_by": manager_user,
        "reviewed_at": now,
        "review_comment": "Pourquoi",
    } | {key: now if value == "now" else value for key, value in fields.items()}
    if values["clearance"] in (Clearance.SUBMITTED, Clearance.DRAFT):
        values["reviewed_by"] = values["reviewed_at"] = None
    with pytest.raises(IntegrityError), transaction.atomic():
        make_update(line, AUG_31, **values)


# Policy: who may clear what -------------------------------------------------------------------


def test_a_focal_point_clears_a_whole_question_only_if_every_line_is_theirs(
    frozen_today, line, staff_user, focal_point, program_unit, manager_user
):
    update = save(line, manager_user, submit=False, about_question=True)
    assert policy.can_clear(focal_point, update)
    make_line(line.question, units=[program_unit])
    assert not policy.can_clear(focal_point, update)
    assert policy.can_clear(manager_user, update)
    assert not policy.can_clear(staff_user, update)


def test_pending_updates_are_seen_by_those_allowed(
    frozen_today, line, staff_user, colleague, other_staff_user, focal_point, other_focal_point
):
    draft = save(line, staff_user, submit=False, narrative="Brouillon")
    submitted = save(line, staff_user, submit=True, narrative="Soumis")
    seen = {
        user.username: set(
            policy.updates_seen_on_line(user, line, StatusUpdate.objects.all()).values_list(
                "pk", flat=True
            )
        )
        for user in (staff_user, colleague, other_staff_user, focal_point, other_focal_point)
    }
    assert seen == {
        "alice": {draft.pk, submitted.pk},
        "carol": {submitted.pk},
        "bob": set(),
        "fiona": {submitted.pk},
        "oscar": set(),
    }


# Publishing ---------------------------------------------------------------------------------


def test_a_round_is_not_published_while_updates_dated_in_it_await_clearance(
    frozen_today, client, line, plan, staff_user, manager_user, focal_point
):
    earlier = ReportingRound.objects.create(plan=plan, as_of=AUG_31 - 20 * DAY)
    services.round_publish(round_=earlier, user=manager_user)
    waiting = save(line, staff_user, submit=True, as_of=AUG_31 - 10 * DAY, narrative="Dedans")
    late = save(line, staff_user, submit=True, as_of=AUG_31 + DAY, narrative="Après")
    round_ = ReportingRound.objects.create(plan=plan, as_of=AUG_31)
    assert list(round_.awaiting_clearance()) == [waiting]
    client.force_login(manager_user)
    page = client.post(f"/rounds/{round_.pk}/publish/", {"confirm": "1"})
    assert page.status_code == 409
    text = page.content.decode()
    assert "1 status update dated in this round awaits clearance" in text
    assert f'href="/lines/{line.pk}/"' in text
    assert not ReportingRound.objects.get(pk=round_.pk).is_published
    services.status_update_clear(update=waiting, reviewer=focal_point)
    # The update dated after the round does not hold it back.
    assert reload(late).clearance == Clearance.SUBMITTED
    assert client.post(f"/rounds/{round_.pk}/publish/", {"confirm": "1"}).status_code == 302
    assert ReportingRound.objects.get(pk=round_.pk).is_published


def test_a_draft_dated_in_a_published_round_cannot_be_submitted(
    frozen_today, line, plan, staff_user, manager_user
):
    draft = save(line, staff_user, submit=False, as_of=AUG_31 - DAY)
    services.round_publish(
        round_=ReportingRound.objects.create(plan=plan, as_of=AUG_31), user=manager_user
    )
    with pytest.raises(ValidationError, match="has been published"):
        services.status_update_submit(update=draft)
    assert reload(draft).clearance == Clearance.DRAFT


def test_the_api_submits_on_a_clearance_plan_and_clears_for_who_may(
    frozen_today, client, line, staff_user, manager_user
):
    url = f"/api/v1/lines/{line.pk}/updates"
    body = {"as_of": AUG_31.isoformat(), "category": "in_progress", "narrative": "Par l'API"}
    client.force_login(staff_user)
    sent = client.post(url, body, content_type="application/json")
    assert (sent.status_code, sent.json()["clearance"]) == (201, "submitted")
    client.force_login(manager_user)
    body |= {"narrative": "Par la direction", "seen_update": sent.json()["id"]}
    by_manager = client.post(url, body, content_type="application/json")
    assert (by_manager.status_code, by_manager.json()["clearance"]) == (201, "cleared")


def in_state(target, as_of, clearance, author, reviewer):
    """An update in `clearance`, with the fields the database requires of that state."""
    now = timezone.now()
    sent = {"submitted_at": now} if clearance != Clearance.DRAFT else {}
    decided = clearance in (Clearance.RETURNED, Clearance.CLEARED)
    review = {"reviewed_by": reviewer, "reviewed_at": now, "review_comment": "Vu"}
    return make_update(
        target, as_of, author=author, clearance=clearance, **sent, **(review if decided else {})
    )


@given(
    updates=st.lists(
        st.tuples(st.booleans(), st.integers(0, 10), st.sampled_from(Clearance.values)),
        max_size=8,
    ),
)
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_status_is_the_newest_cleared_update_whatever_else_waits(
    line, staff_user, manager_user, updates
):
    """Against a plain reading of the rule, with updates in every state mixed in any order."""
    made = [
        in_state(
            line.question if whole else line,
            AUG_31 - offset * DAY,
            state,
            staff_user,
            manager_user,
        )
        for whole, offset, state in updates
    ]
    newest = status_by_the_rule(made, line, AUG_31)
    status = type(line).objects.with_status_as_of(AUG_31).get(pk=line.pk)
    assert status.status_update_id == (newest.pk if newest else None)
    StatusUpdate.objects.filter(pk__in=[u.pk for u in made]).delete()
