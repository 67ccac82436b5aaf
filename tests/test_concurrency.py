"""Many people saving statuses at once on a real multi-process server: every save the server
acknowledged is stored once, none is lost, none answers a server error.

Runs on the suite's database kind: SQLite (whose writers queue on the IMMEDIATE transaction
mode and the busy timeout, instead of answering "database is locked") and PostgreSQL (50
clients against gunicorn, as in production).
"""

import collections
import json
from concurrent.futures import ThreadPoolExecutor

from tests.servers import (
    Client,
    fresh_database,
    gunicorn,
    production_env,
    run_python,
    seed,
)

CLIENTS = 50
SAVES = 1  # per client, each sent twice as by a double click
LINES = 20  # shared by all clients, so saves on one line overtake each other
AS_OF = "2020-06-30"

SEED = """
import json
from django.contrib.auth.models import Group, User
from measures.models import ActionLine, Unit
from measures.policy import STAFF_GROUP
from tests.factories import make_plan
unit = Unit.objects.create(code="PARDEV", name="Partnerships")
plan = make_plan(parts=1, questions=2, lines={lines} // 2, units=[unit])
users = User.objects.bulk_create(User(username=f"client{{n}}") for n in range({clients}))
Group.objects.create(name=STAFF_GROUP).user_set.add(*users)
unit.members.add(*users)
lines = ActionLine.objects.filter(question__part__plan=plan)
print(json.dumps(list(lines.values_list("pk", flat=True))))
"""

ROWS = """
import json
from measures.models import StatusUpdate
print(json.dumps(list(StatusUpdate.objects.values_list("narrative", flat=True))))
"""


def save_statuses(base, cookies, client_number, lines):
    """What one person does: open a line, save; on a conflict read it and save again; the
    save is sent a second time as a double click would. Returns what the server
    acknowledged and the status codes it answered."""
    client = Client(base, cookies)
    acknowledged, statuses = [], []
    for n in range(SAVES):
        line = lines[(client_number + n) % len(lines)]
        narrative = f"client {client_number}, save {n}"
        page = client.get(f"/lines/{line}/")
        statuses.append(page.status)
        for _attempt in range(10):
            fields = client.form_fields(page) | {
                "as_of": AS_OF,
                "category": "in_progress",
                "narrative": narrative,
                "about": "line",
            }
            responses = [client.post(f"/lines/{line}/updates/", fields) for _click in (1, 2)]
            statuses += [response.status for response in responses]
            if any(response.status == 302 for response in responses):
                acknowledged.append(narrative)
                break
            # Refused as a conflict: the page shows the newer update and keeps the text.
            page = responses[-1]
    return acknowledged, statuses


def test_concurrent_status_saves_are_all_kept_once_and_none_fails(tmp_path):
    with fresh_database() as url:
        env = production_env(url, tmp_path)
        usernames = [f"client{n}" for n in range(CLIENTS)]
        printed, cookies = seed(env, SEED.format(lines=LINES, clients=CLIENTS), usernames)
        lines = json.loads(printed)
        with gunicorn(env, workers=4) as base, ThreadPoolExecutor(CLIENTS) as pool:
            results = list(
                pool.map(lambda n: save_statuses(base, cookies[n], n, lines), range(CLIENTS))
            )
        rows = collections.Counter(json.loads(run_python(env, ROWS)))

    acknowledged = [narrative for saved, _ in results for narrative in saved]
    statuses = collections.Counter(status for _, codes in results for status in codes)
    assert set(statuses) <= {200, 302}, statuses  # no 500 "database is locked", no 503
    assert len(acknowledged) == CLIENTS * SAVES  # every save went through, at worst re-sent
    assert set(rows) == set(acknowledged)  # 0 lost, none stored that was not acknowledged
    assert max(rows.values()) == 1  # 0 duplicated, double clicks included
    assert statuses[302] >= CLIENTS * SAVES
