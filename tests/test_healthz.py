"""/healthz tells a load balancer whether this server can reach its database."""

from urllib.parse import urlsplit

from tests.servers import Client, fresh_database, gunicorn, production_env


def test_healthz_says_ok_without_signing_in_or_a_session(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


def test_healthz_answers_get_and_head_only(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_under_production_settings_healthz_is_ok_over_http_and_503_when_the_database_is_gone(
    tmp_path,
):
    """gunicorn with DEBUG off and the HTTPS redirect on, as behind a proxy: the health check
    comes over plain HTTP and is answered, not redirected; once the database is gone, 503."""
    with fresh_database() as url:
        env = production_env(url, tmp_path, SECURE_SSL_REDIRECT="true", CONN_MAX_AGE="0")
        with gunicorn(env, workers=1) as base:
            server = Client(base)
            assert (server.get("/healthz").status, server.get("/healthz").text) == (200, "ok")
            assert server.get("/accounts/login/").status == 301  # everything else: HTTPS
        gone = (
            urlsplit(url)._replace(path="/no_such_database").geturl()
            if url.startswith("postgres")
            else f"sqlite:///{tmp_path}/no/such/folder.sqlite3"
        )
        broken = production_env(gone, tmp_path)
        with gunicorn(broken, workers=1, ready_status=503) as base:
            response = Client(base).get("/healthz")
            assert (response.status, response.text) == (503, "database unavailable")
