"""/health/ answers for load balancers, names the part that is down, and a database restart
costs no failed request (persistent connections are checked before reuse)."""

import os
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings


@pytest.mark.django_db
def test_healthy_site_answers_200_without_sign_in(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not used (tasks run in the web process)",
    }
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_unreachable_broker_gives_503_naming_it_and_answers_quickly(client):
    # Nothing listens on port 1.
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        started = time.monotonic()
        response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_a_configured_redis_broker_is_reported_ok(client):
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("no broker: CI's PostgreSQL pass sets CELERY_BROKER_URL")
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=broker):
        response = client.get("/health/")
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_health_refuses_writes(client):
    assert client.post("/health/").status_code == 405


def test_database_restart_costs_no_failed_request(on_postgres, transactional_db):
    # A second connection configured exactly as the web process's default one.
    web = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with web.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        web.close_if_unusable_or_obsolete()  # the end of a request: the connection is kept
        assert web.connection is not None
        # What a restart does to that persistent connection: its server process is gone.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            assert cursor.fetchone()[0] is True
        web.close_if_unusable_or_obsolete()  # the start of the next request
        with web.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        web.close()
