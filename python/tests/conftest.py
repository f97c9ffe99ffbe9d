"""Shared fixtures of the Python tests."""

import os
import urllib.parse
import uuid

import pytest


@pytest.fixture
def pg_url():
    """A fresh, empty database on the server of scripts/with-postgres (TOCSIN_TEST_PG_URL), dropped after the
    test; skips with the reason when there is no such server or no psycopg2 (Debian python3-psycopg2)."""
    base = os.environ.get("TOCSIN_TEST_PG_URL")
    if not base or not os.environ.get("TOCSIN_TEST_PG"):
        pytest.skip("TOCSIN_TEST_PG_URL is not set: run under scripts/with-postgres (PostgreSQL 15) for the "
                    "PostgreSQL cases")
    psycopg2 = pytest.importorskip("psycopg2", reason="python3-psycopg2 is not installed")
    name = "tocsin_py_" + uuid.uuid4().hex[:10]
    admin = psycopg2.connect(os.environ["TOCSIN_TEST_PG"])
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield urllib.parse.urlunsplit(urllib.parse.urlsplit(base)._replace(path="/" + name))
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()
