import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "down"}
    assert "broker_transport" in body


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["status"] == "down"


@pytest.mark.django_db
def test_healthz_reports_a_broker_that_is_down(client, settings):
    from liaison.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        body = client.get("/healthz").json()
    finally:
        app.conf.broker_url = original
    assert body["broker"] == "down"
    assert body["status"] == "degraded"
