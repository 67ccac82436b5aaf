"""Two administrators editing the same record: the second save is refused, not silently lost."""

from measures.models import ActionLine
from tests.factories import make_plan
from tests.pages import FormFields, open_form


def test_the_second_save_is_refused_and_keeps_its_text_then_goes_through_knowingly(
    client, admin_user, django_user_model
):
    line = make_plan().parts.get().questions.get().lines.get()
    url = f"/admin/measures/actionline/{line.pk}/change/"
    other = django_user_model.objects.create_superuser("other", "o@example.org", "other-pass-26")
    client.force_login(admin_user)
    mine = open_form(client, url)
    client.force_login(other)
    theirs = open_form(client, url)

    theirs["text"] = "- leur texte"
    assert client.post(url, theirs).status_code == 302

    client.force_login(admin_user)
    mine["text"] = "- mon texte"
    refused = client.post(url, mine)
    assert refused.status_code == 200
    assert "Someone else saved" in refused.content.decode()
    assert "- mon texte" in refused.content.decode()
    line.refresh_from_db()
    assert line.text == "- leur texte"

    parser = FormFields()
    parser.feed(refused.content.decode())
    assert client.post(url, parser.data).status_code == 302
    line.refresh_from_db()
    assert line.text == "- mon texte"


def test_an_unchanged_record_saves_at_once(client, admin_user):
    line = make_plan().parts.get().questions.get().lines.get()
    url = f"/admin/measures/actionline/{line.pk}/change/"
    client.force_login(admin_user)
    form = open_form(client, url)
    form["timeline"] = "D'ici décembre 2000"
    assert client.post(url, form).status_code == 302
    assert ActionLine.objects.get(pk=line.pk).timeline == "D'ici décembre 2000"
