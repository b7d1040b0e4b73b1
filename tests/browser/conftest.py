"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API keeps an asyncio loop in the main thread for the whole session (its
# browser fixture is session-scoped), so Django would refuse every later ORM call in this
# process, browser test or not. Those calls are ordinary synchronous code, so the check is
# switched off for the test process; it stays on in the app.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text() if AXE.exists() else ""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run the suite with `make test`.")
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.fixture
def axe_violations():
    """Run axe-core (from the npm registry, via node_modules) on the page: WCAG 2.2 AA rules
    plus axe's best practices. Returns the violations, each with its failing elements."""

    def run(page) -> list[dict]:
        # Evaluated through the browser's debugging protocol rather than added as a script
        # element, which the service's Content Security Policy would (rightly) block.
        page.evaluate(AXE_SOURCE)
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations"""
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]],
            }
            for v in violations
        ]

    return run
