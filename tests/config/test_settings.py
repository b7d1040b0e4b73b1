"""Production settings fail fast, in one line, when a required variable is missing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

REQUIRED = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "postgres://user:pw@db.example:5432/ppo",
    "REDIS_URL": "redis://redis.example:6379/0",
}


def _check_with(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update(REQUIRED, DJANGO_SETTINGS_MODULE="config.settings.production")
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_stops_with_one_line_naming_the_missing_variable(missing):
    result = _check_with({missing: None})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"Configuration error: the environment variable {missing} is not set."
    ]


def test_production_reads_a_secret_from_a_file(tmp_path):
    secret = tmp_path / "secret_key"
    secret.write_text("y" * 50 + "\n")
    result = _check_with({"SECRET_KEY": None, "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.test"])
def test_development_settings_resolve_static_files_without_collectstatic(module):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=module)
    code = (
        "import django; django.setup(); "
        "from django.templatetags.static import static; print(static('application.css'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/static/application.css"


def test_production_with_everything_set_passes_its_checks():
    result = _check_with({})
    assert result.returncode == 0, result.stderr


def test_gunicorn_stops_at_start_up_when_a_variable_is_missing():
    env = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    env.update(REQUIRED, DJANGO_SETTINGS_MODULE="config.settings.production")
    del env["SECRET_KEY"]
    result = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
         "--bind", "127.0.0.1:0"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Configuration error: the environment variable SECRET_KEY is not set." in result.stderr
