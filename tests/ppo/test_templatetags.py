from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from ppo.templatetags.ppo_tags import govuk_datetime


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 22, 13, 5, tzinfo=UTC), "22 November 2026 at 1:05pm"),
        (datetime(2026, 11, 22, 0, 30, tzinfo=UTC), "22 November 2026 at 12:30am"),
        # British Summer Time: 11:00 UTC is noon in London.
        (datetime(2026, 7, 1, 11, 0, tzinfo=UTC), "1 July 2026 at 12:00pm"),
        (None, ""),
    ],
)
def test_govuk_datetime_is_uk_time_in_govuk_style(moment, expected):
    assert govuk_datetime(moment) == expected


def test_dates_render_in_govuk_style():
    rendered = Template("{{ day|date }}").render(Context({"day": date(2026, 11, 22)}))
    assert rendered == "22 November 2026"
