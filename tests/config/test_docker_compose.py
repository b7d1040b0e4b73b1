"""No Docker engine runs here, so docker-compose.yml is checked for what can be checked:
its shape, health checks, configuration by environment, and that every command it runs
exists in the project."""

import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_it_runs_postgres_16_redis_7_web_worker_and_beat():
    assert SERVICES["postgres"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert {"web", "worker", "beat", "migrate"} <= set(SERVICES)


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker", "beat"])
def test_every_long_running_service_has_a_health_check(name):
    assert SERVICES[name]["healthcheck"]["test"]


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate"])
def test_app_services_use_production_settings_and_environment_secrets(name):
    env = SERVICES[name]["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]
    assert importlib.util.find_spec(env["DJANGO_SETTINGS_MODULE"]) is not None


def test_web_command_names_a_real_wsgi_application():
    command = SERVICES["web"]["command"]
    assert command[0] == "gunicorn"
    module, attribute = command[1].split(":")
    assert getattr(importlib.import_module(module), attribute)


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_commands_name_the_project_app(name):
    command = SERVICES[name]["command"]
    assert command[:3] == ["celery", "-A", "config"]
    assert importlib.import_module("config").celery_app.main == "ppo"


def test_app_entry_points_are_installed():
    bin_dir = Path(sys.executable).parent
    for program in ("gunicorn", "celery"):
        assert (bin_dir / program).exists(), program
    assert (ROOT / "manage.py").exists()
    assert (ROOT / SERVICES["web"]["healthcheck"]["test"][2]).exists()


def test_web_health_check_script_passes_against_a_live_server(live_server, settings):
    settings.ALLOWED_HOSTS = ["ppo.example"]
    env = dict(
        os.environ, HEALTHCHECK_URL=f"{live_server.url}/healthz", ALLOWED_HOSTS="ppo.example"
    )
    result = subprocess.run(
        [sys.executable, "scripts/healthcheck.py"], cwd=ROOT, env=env, timeout=30
    )
    assert result.returncode == 0


def test_health_check_script_fails_when_nothing_answers():
    env = dict(os.environ, HEALTHCHECK_URL="http://127.0.0.1:9/healthz")
    result = subprocess.run(
        [sys.executable, "scripts/healthcheck.py"], cwd=ROOT, env=env, capture_output=True
    )
    assert result.returncode == 1
