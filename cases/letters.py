"""What the exit plan adds to selection's letters (settings.LETTER_CONTEXT): the removal
criteria agreed with the person in the induction letter, and the support that continues in
the exit letter. Only when the letter's author is shown the case record."""

from cases.selectors import exit_plan_of


def exit_plan_context(*, offender, kind: str, access) -> dict:
    plan = exit_plan_of(offender=offender)
    if plan is None or not access.shows_case_record:
        return {}
    if kind == "induction":
        return {"agreed_removal": plan.removal_criteria}
    return {"agreed_support": plan.continuing_support}
