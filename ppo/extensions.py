"""Parts of the register's pages that apps above ppo contribute (review flags, referrals and
letters from selection; later the plan from cases). ppo may not import those apps, so they
are named in settings and looked up here, as the sharing policy is (ppo/access.py).

- settings.RECORD_SECTIONS: callables (request, offender, access, on) -> HTML or "", shown
  in order on the offender page.
- settings.REGISTER_FLAGS: callables (user, offenders, access, on) -> {offender id: [flags]},
  each flag with a `label` and a `reason`, shown on the register list.
"""

from datetime import date

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe


def record_sections(*, request, offender, access, on: date) -> list[str]:
    sections = []
    for path in settings.RECORD_SECTIONS:
        html = import_string(path)(request=request, offender=offender, access=access, on=on)
        if html:
            sections.append(mark_safe(html))  # noqa: S308 - rendered by a template, escaped there
    return sections


def register_flags(*, user, offenders: list, access: dict, on: date) -> dict[int, list]:
    flags: dict[int, list] = {}
    for path in settings.REGISTER_FLAGS:
        found = import_string(path)(user=user, offenders=offenders, access=access, on=on)
        for pk, items in found.items():
            flags.setdefault(pk, []).extend(items)
    return flags
