"""The measures table at scale, quickly: `make bench`'s table rows on a database kept between runs.

    DATABASE_URL=sqlite:////tmp/table.sqlite3 .venv/bin/python benchmarks/table_quick.py
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/t .venv/bin/python benchmarks/table_quick.py

The first run builds `make bench`'s data there (42 plans, about 10,000 lines and 50,000
updates: benchmarks/scale.py); later runs reuse it. Then, interleaved as in scale.py, the
table (overdue as of 2015-06-30) against its queries replayed as raw SQL and the Django admin
changelist, and the table's query count. `--profile` prints the page's cProfile instead
(`--sort tottime` for the functions' own time).
Production settings (DEBUG off).
"""

import argparse
import contextlib
import cProfile
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from tests.servers import production_env  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (pstats)")
    parser.add_argument("--url", default="/measures/?overdue=1&as_of=2015-06-30")
    args = parser.parse_args()
    media = Path(tempfile.gettempdir()) / "ilo-table-quick-media"
    url = os.environ["DATABASE_URL"]
    os.environ.update(production_env(url, media, ALLOWED_HOSTS="testserver"))
    import django
    from scale import build_scale_data, create_database, page, raw_sql, side_by_side

    if url.startswith("postgres"):
        import psycopg

        with contextlib.suppress(psycopg.errors.DuplicateDatabase):  # kept from a past run
            create_database(url)
    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    built = "auth_user" in connection.introspection.table_names()
    admin = User.objects.filter(username="bench-admin").first() if built else None
    if admin is None:
        admin = build_scale_data(10_000, 50_000)[0]
    client = Client()
    client.force_login(admin)
    if args.profile:
        page(client, args.url)()
        profile = cProfile.Profile()
        profile.runcall(page(client, args.url))
        pstats.Stats(profile).sort_stats(args.sort).print_stats(45)
        return
    queries = []
    with connection.execute_wrapper(lambda execute, *call: queries.append(call) or execute(*call)):
        page(client, args.url)()
    times = side_by_side(
        args.rounds,
        {
            "page": page(client, args.url),
            "sql": raw_sql(client, args.url),
            "admin": page(client, "/admin/measures/actionline/"),
        },
    )
    ms = {name: t["median"] * 1000 for name, t in times.items()}
    print(
        f"{connection.vendor}: table {ms['page']:.0f} ms ({len(queries)} queries), "
        f"raw SQL {ms['sql']:.0f} ms, admin {ms['admin']:.0f} ms → "
        f"{ms['page'] / ms['sql']:.2f}× SQL, {ms['page'] / ms['admin']:.2f}× admin; "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
