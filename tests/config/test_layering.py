"""The apps depend one way: ppo <- sharing <- selection <- cases <- reporting (design.md)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LAYERS = ["ppo", "sharing", "selection", "cases", "reporting"]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(LAYERS)


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_only_apps_below_it(app):
    allowed = set(LAYERS[: LAYERS.index(app) + 1])
    root = Path(settings.BASE_DIR) / app
    offenders = {
        str(path.relative_to(root.parent)): sorted(_imported_apps(path) - allowed)
        for path in root.rglob("*.py")
        if _imported_apps(path) - allowed
    }
    assert offenders == {}
