"""The fixed code lists of the interchange contract (shared/formats.md). Import files, forms
and the API all accept exactly these codes."""

from django.db import models


class Gender(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    OTHER = "X", "Other"
    NOT_KNOWN = "U", "Not known"


class Ethnicity(models.TextChoices):
    """ONS 2011 ethnic group codes, plus NS (not stated). Empty means not recorded."""

    W1 = "W1", "White: English, Welsh, Scottish, Northern Irish or British"
    W2 = "W2", "White: Irish"
    W3 = "W3", "White: Gypsy or Irish Traveller"
    W4 = "W4", "White: any other White background"
    M1 = "M1", "Mixed: White and Black Caribbean"
    M2 = "M2", "Mixed: White and Black African"
    M3 = "M3", "Mixed: White and Asian"
    M4 = "M4", "Mixed: any other mixed or multiple ethnic background"
    A1 = "A1", "Asian or Asian British: Indian"
    A2 = "A2", "Asian or Asian British: Pakistani"
    A3 = "A3", "Asian or Asian British: Bangladeshi"
    A4 = "A4", "Asian or Asian British: Chinese"
    A5 = "A5", "Asian or Asian British: any other Asian background"
    B1 = "B1", "Black or Black British: African"
    B2 = "B2", "Black or Black British: Caribbean"
    B3 = "B3", "Black or Black British: any other Black background"
    O1 = "O1", "Other ethnic group: Arab"
    O2 = "O2", "Other ethnic group: any other ethnic group"
    NS = "NS", "Not stated"


class Programme(models.TextChoices):
    PPO = "PPO", "Prolific and other Priority Offender"
    IOM = "IOM", "Integrated Offender Management"
    CJIT = "CJIT", "CJIT / Drug Interventions Programme caseload"
    DYO = "DYO", "Deter Young Offenders"


class Strand(models.TextChoices):
    CATCH_CONVICT = "catch_convict", "Catch and convict"
    REHABILITATE_RESETTLE = "rehabilitate_resettle", "Rehabilitate and resettle"
    PREVENT_DETER = "prevent_deter", "Prevent and deter"


class ReferralSource(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    YOT = "yot", "Youth offending team"
    CJIT = "cjit", "CJIT"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class ExitReason(models.TextChoices):
    STOPPED_OFFENDING = "stopped_offending", "Stopped offending"
    MOVED_AREA = "moved_area", "Moved to another area"
    LONG_CUSTODY = "long_custody", "Long custodial sentence"
    TWO_YEAR_REVIEW = "two_year_review", "Two-year review"
    HIGH_RISK_MAPPA = "high_risk_mappa", "High risk of harm: referred to MAPPA"
    OTHER = "other", "Other"


class ExitDestination(models.TextChoices):
    IOM = "iom", "Integrated Offender Management"
    CJIT = "cjit", "CJIT case management"
    MAINSTREAM = "mainstream", "Mainstream services"
    NONE = "none", "None"


class EventKind(models.TextChoices):
    ARREST = "arrest", "Arrest"
    INTELLIGENCE = "intelligence", "Intelligence report"
    CHARGE = "charge", "Charge"
    CONVICTION = "conviction", "Conviction"
    CASE_CLOSED = "case_closed", "Court case ended without conviction"
    DRUG_TEST = "drug_test", "Drug test"
    REMAND_START = "remand_start", "Remanded in custody"
    REMAND_END = "remand_end", "Released from remand"
    CUSTODY_START = "custody_start", "Custodial sentence began"
    RELEASE = "release", "Released from custody"
    ORDER_START = "order_start", "Order began"
    ORDER_END = "order_end", "Order ended early"
    MOVED_AREA = "moved_area", "Moved out of the area"
    RISK_ASSESSMENT = "risk_assessment", "Multi-agency risk assessment"


class OffenceCategory(models.TextChoices):
    HOMICIDE = "homicide", "Homicide"
    SERIOUS_WOUNDING = "serious_wounding", "Serious wounding"
    OTHER_WOUNDING = "other_wounding", "Other wounding"
    SEXUAL = "sexual", "Sexual offence"
    COMMON_ASSAULT = "common_assault", "Common assault"
    ROBBERY = "robbery", "Robbery"
    BURGLARY_DWELLING = "burglary_dwelling", "Burglary (dwelling)"
    BURGLARY_OTHER = "burglary_other", "Burglary (other)"
    THEFT_OF_VEHICLE = "theft_of_vehicle", "Theft of a vehicle"
    THEFT_FROM_VEHICLE = "theft_from_vehicle", "Theft from a vehicle"
    ATTEMPTED_VEHICLE_THEFT = "attempted_vehicle_theft", "Attempted vehicle theft"
    THEFT_SHOP = "theft_shop", "Shoplifting"
    THEFT_OTHER = "theft_other", "Other theft"
    CRIMINAL_DAMAGE = "criminal_damage", "Criminal damage"
    DRUGS = "drugs", "Drugs offence"
    FRAUD = "fraud", "Fraud"
    PUBLIC_ORDER = "public_order", "Public order"
    MOTORING = "motoring", "Motoring"
    OTHER = "other", "Other"


class Disposal(models.TextChoices):
    CUSTODY = "custody", "Custody"
    COMMUNITY = "community", "Community sentence"
    FINE = "fine", "Fine"
    DISCHARGE = "discharge", "Discharge"
    OTHER = "other", "Other"


class DrugTestResult(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    REFUSED = "refused", "Refused"


class Substance(models.TextChoices):
    OPIATES = "opiates", "Opiates"
    COCAINE = "cocaine", "Cocaine"
    BOTH = "both", "Opiates and cocaine"
    OTHER = "other", "Other"


CLASS_A_SUBSTANCES = (Substance.OPIATES, Substance.COCAINE, Substance.BOTH)


class OrderType(models.TextChoices):
    COMMUNITY_ORDER = "community_order", "Community order"
    SUSPENDED_SENTENCE = "suspended_sentence", "Suspended sentence order"
    DRR = "drr", "Drug rehabilitation requirement"
    YOUTH_REHABILITATION = "youth_rehabilitation", "Youth rehabilitation order"
    LICENCE = "licence", "Licence"


class RiskOutcome(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Status(models.TextChoices):
    """Status at a date (formats.md), in precedence order: the first that applies wins."""

    CUSTODY_REMAND = "custody_remand", "In custody on remand"
    CUSTODY_SENTENCED = "custody_sentenced", "Serving a custodial sentence"
    IN_COURT_PROCESS = "in_court_process", "Going through the courts"
    COMMUNITY_STATUTORY = "community_statutory", "In the community, under supervision"
    COMMUNITY_NON_STATUTORY = "community_non_statutory", "In the community, no supervision"


# --- managing a PPO (the cases app) --------------------------------------------------------
# Declared here, with the register's other codes, so the sharing rules (sharing/categories.py)
# can say which category each belongs to without importing the cases app.


class Need(models.TextChoices):
    """Needs assessed at each case conference (OASys-style, Wakefield §8.2)."""

    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    FINANCE = "finance", "Finance"
    RELATIONSHIPS = "relationships", "Relationships"
    LIFESTYLE = "lifestyle", "Lifestyle and associates"
    DRUGS = "drugs", "Drug misuse"
    ALCOHOL = "alcohol", "Alcohol misuse"
    EMOTIONAL = "emotional", "Emotional well-being"
    THINKING = "thinking", "Thinking and behaviour"
    ATTITUDES = "attitudes", "Attitudes"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    CHILDREN = "children", "Children and families"


class NeedLevel(models.TextChoices):
    NONE = "none", "No need"
    SOME = "some", "Some need"
    SIGNIFICANT = "significant", "Significant need"


class Pathway(models.TextChoices):
    """The resettlement pathways an action plan is organised by."""

    ACCOMMODATION = "accommodation", "Accommodation"
    ETE = "ete", "Education, training and employment"
    HEALTH = "health", "Health"
    DRUGS = "drugs", "Drugs"
    ALCOHOL = "alcohol", "Alcohol"
    FINANCE = "finance", "Finance, benefit and debt"
    CHILDREN = "children", "Children and families"
    ATTITUDES = "attitudes", "Attitudes, thinking and behaviour"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"
