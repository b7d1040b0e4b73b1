"""Load scenario: a working day's mix of requests on national-scale demo data.

- Offender managers (weight 6) open their caseload, the pages of people on it and the
  register (its first page, or a search by name).
- Custody suite and prison reception officers (weight 3) ask "is this person a PPO?": the
  lookup page (open it, then post a PNC ID or a name and date of birth) and, as a custody
  system would, the lookup API with a token.
- PPO coordinators (weight 1) open their scheme's list of monthly returns and a month's
  return, which is computed from the history on every view.

Run it through benchmarks/load.py, which builds the data, starts gunicorn, prepares one
signed-in session per simulated user (sign-in itself is deliberately slow, Argon2id, and is
not what is measured) and hands everything over in the JSON file named by LOAD_SCENARIO.

Every response is checked for its expected status (redirects are not followed: a redirect to
the sign-in page is a failure) and for a marker of the page it should be; anything else
counts as a failure. Requests go over plain HTTP on loopback with X-Forwarded-Proto: https,
as a TLS-terminating proxy sends them to production.
"""

import itertools
import json
import os
import random
from functools import cache
from urllib.parse import urlsplit

from locust import FastHttpUser, between, task

# Every URL the scenario uses, by URL name; tests/benchmarks/test_locustfile.py checks that
# each resolves to that name, so the scenario cannot silently drift from config/urls.py.
PAGES = {
    "my-caseload": "/caseload/",
    "offender-list": "/offenders/",
    "offender-detail": "/offenders/{pk}/",
    "lookup": "/lookup/",
    "v1:lookup": "/api/v1/lookup/",
    "returns": "/schemes/{slug}/returns/",
    "return-detail": "/schemes/{slug}/returns/{month}/",
}


@cache
def scenario() -> dict:
    """The sessions, caseloads, lookups and months benchmarks/load.py prepared."""
    path = os.environ.get("LOAD_SCENARIO")
    if not path:
        raise RuntimeError("Set LOAD_SCENARIO to the JSON file benchmarks/load.py writes.")
    with open(path) as file:
        return json.load(file)


class Staff(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""  # the key of this role's accounts in the scenario file
    _taken = itertools.count()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._taken = itertools.count()  # each role hands out its own sessions in turn

    def on_start(self) -> None:
        accounts = scenario()[self.role]
        # One prepared session per simulated user (the file has one per user it may start).
        self.account = accounts[next(self._taken) % len(accounts)]
        cookies = scenario()["cookies"]
        self.cookie = "; ".join(
            f"{cookies[name]}={value}" for name, value in self.account["cookies"].items()
        )
        self.origin = "https://" + urlsplit(self.host).netloc

    def fetch(
        self,
        page: str,
        *,
        method: str = "GET",
        expect: int = 200,
        marker: str,
        params: str = "",
        form: dict | None = None,
        **arguments,
    ) -> None:
        """Request one of PAGES; a failure unless the status is `expect` and `marker` is in
        the body. Stats are grouped by the URL's pattern, not per person."""
        pattern = PAGES[page]
        path = pattern.format(**arguments)
        sent = {"Cookie": self.cookie, "X-Forwarded-Proto": "https"}
        if method == "POST":
            # Django's CSRF check on a secure request wants a same-origin Referer.
            sent["Referer"] = self.origin + path
            sent["X-CSRFToken"] = self.account["cookies"]["csrf"]
        with self.client.request(
            method,
            path + (f"?{params}" if params else ""),
            name=pattern,
            headers=sent,
            data=form,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                location = response.headers.get("Location", "")
                response.failure(f"{response.status_code} {location}".strip())
            elif marker not in (response.text or ""):
                response.failure(f"{response.status_code} without {marker!r}")


class OffenderManager(Staff):
    weight = 6
    role = "offender_managers"

    @task(2)
    def my_caseload(self) -> None:
        self.fetch("my-caseload", marker="My caseload</h1>")

    @task(5)
    def offender_page(self) -> None:
        person = random.choice(self.account["caseload"])
        self.fetch("offender-detail", pk=person["pk"], marker="govuk-summary-list")

    @task(1)
    def register(self) -> None:
        self.fetch("offender-list", marker="Register</h1>")

    @task(1)
    def register_search(self) -> None:
        person = random.choice(self.account["caseload"])
        self.fetch("offender-list", params=f"q={person['last_name']}", marker="Register</h1>")


class CustodyOfficer(Staff):
    weight = 3
    role = "custody_officers"

    @task(3)
    def lookup_page(self) -> None:
        self.fetch("lookup", marker="Is this person a PPO?")
        query = random.choice(scenario()["lookups"])
        form = {"csrfmiddlewaretoken": self.account["cookies"]["csrf"]}
        if "pnc_id" in query:
            form["pnc_id"] = query["pnc_id"]
        else:
            year, month, day = query["date_of_birth"].split("-")
            form |= {
                "first_name": query["first_name"],
                "last_name": query["last_name"],
                "date_of_birth_day": day,
                "date_of_birth_month": month,
                "date_of_birth_year": year,
            }
        # The answer panel shows only for a valid question; errors would be a 200 too.
        self.fetch("lookup", method="POST", form=form, marker='data-testid="lookup-answer"')

    @task(1)
    def lookup_api(self) -> None:
        query = random.choice(scenario()["lookups"])
        with self.client.post(
            PAGES["v1:lookup"],
            json=query,
            headers={
                "Authorization": f"Token {scenario()['custody_token']}",
                "X-Forwarded-Proto": "https",
            },
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200 or '"on_list"' not in (response.text or ""):
                response.failure(f"{response.status_code} {(response.text or '')[:80]}")


class Coordinator(Staff):
    weight = 1
    role = "coordinators"

    @task(1)
    def returns(self) -> None:
        self.fetch("returns", slug=self.account["scheme"], marker="Monthly returns</h1>")

    @task(3)
    def monthly_return(self) -> None:
        # Mostly last month's, sometimes one of the two before it.
        months = scenario()["months"]
        month = random.choices(months, weights=[4, 1, 1][: len(months)])[0]
        self.fetch("return-detail", slug=self.account["scheme"], month=month, marker="Return for ")
