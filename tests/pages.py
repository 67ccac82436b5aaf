"""Helpers that act as a person on the pages: fill the admin's forms, post the status form,
follow links."""

from html.parser import HTMLParser

from django.urls import reverse

from measures.models import ActionLine


class FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "checkbox", "file"):
            self.data[name] = a.get("value", "")
        elif tag == "input" and name and a.get("type") == "checkbox" and "checked" in a:
            self.data[name] = "on"
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data.setdefault(self._select, []).append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")


def open_form(client, url):
    parser = FormFields()
    parser.feed(client.get(url).content.decode())
    return parser.data


def table_lines(response):
    """The lines a measures table page shows, in its order (its rows are plain `.values()`)."""
    ids = [row.record["pk"] for row in response.context["table"].paginated_rows]
    lines = ActionLine.objects.in_bulk(ids)
    return [lines[pk] for pk in ids]


def followed(client, url):
    """The lines the measures table shows at `url` (a dashboard's link)."""
    return set(table_lines(client.get(url)))


def annex_url(plan, **query):
    url = reverse("reports:plan_annex_pdf", args=[plan.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def post(client, line, htmx=False, **fields):
    data = {"as_of": "2000-09-15", "category": "in_progress", "about": "line"} | fields
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/lines/{line.pk}/updates/", data, headers=headers)
