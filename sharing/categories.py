"""Data categories of the Information Sharing Protocol, and which part of a record belongs to
which: declared once, here. Pages, API, exports and meeting packs ask this module what a
category covers; nothing else decides it."""

from django.db import models

from ppo.codes import EventKind, Need, Pathway
from ppo.models import AgencyType


class Category(models.TextChoices):
    IDENTITY = "identity", "Identity"
    OFFENDING = "offending", "Offending"
    INTELLIGENCE = "intelligence", "Police intelligence"
    CUSTODY = "custody", "Custody"
    SUPERVISION = "supervision", "Supervision (orders and licences)"
    TREATMENT_CLINICAL = "treatment_clinical", "Treatment: clinical detail"
    TREATMENT_ENGAGEMENT = "treatment_engagement", "Treatment: attendance and engagement"
    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    FINANCE = "finance", "Finance, benefit and debt"
    HEALTH = "health", "Health"
    FAMILY = "family", "Children and families"
    RISK = "risk", "Risk of harm"


# Every event kind belongs to exactly one category.
EVENT_CATEGORIES: dict[str, Category] = {
    EventKind.ARREST: Category.OFFENDING,
    EventKind.INTELLIGENCE: Category.INTELLIGENCE,
    EventKind.CHARGE: Category.OFFENDING,
    EventKind.CONVICTION: Category.OFFENDING,
    EventKind.CASE_CLOSED: Category.OFFENDING,
    # A drug test's result is clinical information about the person's drug use.
    EventKind.DRUG_TEST: Category.TREATMENT_CLINICAL,
    EventKind.REMAND_START: Category.CUSTODY,
    EventKind.REMAND_END: Category.CUSTODY,
    EventKind.CUSTODY_START: Category.CUSTODY,
    EventKind.RELEASE: Category.CUSTODY,
    EventKind.ORDER_START: Category.SUPERVISION,
    EventKind.ORDER_END: Category.SUPERVISION,
    EventKind.MOVED_AREA: Category.ACCOMMODATION,
    EventKind.RISK_ASSESSMENT: Category.RISK,
}

# Case management (the cases app): each need, and each pathway of the action plan (with its
# actions and partner referrals), belongs to one category. Drug misuse as a need is clinical
# information; drug actions (attend, engage) are engagement. Lifestyle and associates is
# about offending; thinking, behaviour and attitudes about risk.
NEED_CATEGORIES: dict[str, Category] = {
    Need.ACCOMMODATION: Category.ACCOMMODATION,
    Need.ETE: Category.ETE,
    Need.FINANCE: Category.FINANCE,
    Need.RELATIONSHIPS: Category.FAMILY,
    Need.LIFESTYLE: Category.OFFENDING,
    Need.DRUGS: Category.TREATMENT_CLINICAL,
    Need.ALCOHOL: Category.HEALTH,
    Need.EMOTIONAL: Category.HEALTH,
    Need.THINKING: Category.RISK,
    Need.ATTITUDES: Category.RISK,
    Need.PHYSICAL_HEALTH: Category.HEALTH,
    Need.MENTAL_HEALTH: Category.HEALTH,
    Need.CHILDREN: Category.FAMILY,
}
PATHWAY_CATEGORIES: dict[str, Category] = {
    Pathway.ACCOMMODATION: Category.ACCOMMODATION,
    Pathway.ETE: Category.ETE,
    Pathway.HEALTH: Category.HEALTH,
    Pathway.DRUGS: Category.TREATMENT_ENGAGEMENT,
    Pathway.ALCOHOL: Category.HEALTH,
    Pathway.FINANCE: Category.FINANCE,
    Pathway.CHILDREN: Category.FAMILY,
    Pathway.ATTITUDES: Category.RISK,
}
# Conference minutes, the offender's comments, enforcement and the exit plan: how the
# person is being supervised.
CASE_RECORD_CATEGORY = Category.SUPERVISION
# Appointments by kind: a drug treatment appointment is treatment engagement (whether they
# came), a health one health, and so on. A note on a treatment or health appointment may
# say why they missed it, so it needs the clinical (or health) category.
APPOINTMENT_CATEGORIES: dict[str, Category] = {
    "supervision": Category.SUPERVISION,
    "home_visit": Category.SUPERVISION,
    "other": Category.SUPERVISION,
    "drug_treatment": Category.TREATMENT_ENGAGEMENT,
    "drug_test": Category.TREATMENT_ENGAGEMENT,
    "health": Category.HEALTH,
    "housing": Category.ACCOMMODATION,
    "ete": Category.ETE,
}
APPOINTMENT_NOTE_CATEGORIES: dict[str, Category] = {
    "drug_treatment": Category.TREATMENT_CLINICAL,
    "drug_test": Category.TREATMENT_CLINICAL,
}

# The person's details on the offender page and in the API, by field.
OFFENDER_FIELD_CATEGORIES: dict[str, Category] = {
    "first_name": Category.IDENTITY,
    "last_name": Category.IDENTITY,
    "date_of_birth": Category.IDENTITY,
    "gender": Category.IDENTITY,
    "ethnicity": Category.IDENTITY,
    "aliases": Category.IDENTITY,
    "pnc_id": Category.IDENTITY,
    "cro_number": Category.IDENTITY,
    "nomis_number": Category.CUSTODY,
    "crn": Category.SUPERVISION,
    "postcode": Category.ACCOMMODATION,
    "area": Category.IDENTITY,
}

# The default protocol: every agency type sees every category, except clinical treatment
# detail (only drug and treatment services) and police intelligence (criminal justice only).
# Everyone else sees treatment attendance and engagement.
_CRIMINAL_JUSTICE = {"police", "probation", "prison", "yot"}
_CLINICAL = {"cjit", "treatment"}


def default_allows(agency_type: str, category: Category) -> bool:
    if category == Category.TREATMENT_CLINICAL:
        return agency_type in _CLINICAL
    if category == Category.INTELLIGENCE:
        return agency_type in _CRIMINAL_JUSTICE
    return True


# Shared without consent by default: who the person is, with every agency the record is
# shared with (a partner cannot work with someone unnamed), and the criminal justice
# categories between the "relevant authorities" of the Crime and Disorder Act 1998 s115:
# police, probation, prisons, youth offending teams and local authorities (whose community
# safety partnerships usually employ the PPO coordinator).
_S115_AGENCIES = _CRIMINAL_JUSTICE | {"local_authority"}
_GATEWAY_CATEGORIES = {
    Category.OFFENDING, Category.INTELLIGENCE, Category.CUSTODY, Category.SUPERVISION,
    Category.RISK,
}  # fmt: skip


def default_needs_consent(agency_type: str, category: Category) -> bool:
    if category == Category.IDENTITY:
        return False
    return not (agency_type in _S115_AGENCIES and category in _GATEWAY_CATEGORIES)


def default_rules() -> dict[tuple[str, str], bool]:
    """The default protocol: (agency type, category) -> whether consent is needed."""
    return {
        (agency_type, category.value): default_needs_consent(agency_type, category)
        for agency_type in AgencyType.values
        for category in Category
        if default_allows(agency_type, category)
    }
