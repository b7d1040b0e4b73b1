"""The load scenario (benchmarks/locustfile.py) uses only URLs that exist, so it cannot rot
silently while the load run itself stays out of the test command."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import resolve

LOCUSTFILE = Path(settings.BASE_DIR) / "benchmarks" / "locustfile.py"
EXAMPLE = {"pk": 1, "slug": "national-001", "month": "2026-10"}


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    # Imported in its own process: importing Locust monkey-patches the standard library
    # for gevent, which the rest of the suite must not inherit.
    program = (
        "import json, runpy, sys\n"
        "scope = runpy.run_path(sys.argv[1])\n"
        "users = [name for name, value in scope.items() if getattr(value, 'tasks', None)\n"
        "         and not value.__dict__.get('abstract')]\n"
        "print(json.dumps({'pages': scope['PAGES'], 'users': users}))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", program, str(LOCUSTFILE)],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    loaded = json.loads(found.stdout.strip().splitlines()[-1])
    assert sorted(loaded["users"]) == ["Coordinator", "CustodyOfficer", "OffenderManager"]
    return loaded["pages"]


def test_every_page_of_the_scenario_resolves_to_its_url_name(pages):
    resolved = {name: resolve(path.format(**EXAMPLE)).view_name for name, path in pages.items()}
    assert resolved == {name: name for name in pages}


def test_the_scenario_requests_only_pages_it_lists(pages):
    """Tasks name pages by URL name (self.fetch("offender-detail", ...), PAGES["v1:lookup"]);
    no path is written anywhere else in the file."""
    tree = ast.parse(LOCUSTFILE.read_text())
    named, paths = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "fetch":
            named.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and getattr(node.value, "id", "") == "PAGES":
            if isinstance(node.slice, ast.Constant):
                named.add(node.slice.value)
        elif isinstance(node, ast.Constant) and str(node.value).startswith("/"):
            paths.add(node.value)
    assert named
    assert named <= set(pages)
    assert paths == set(pages.values())
