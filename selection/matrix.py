"""The selection matrix's criteria catalogue (formats.md "The selection matrix") and the
validation of a matrix document: every problem reported at once, as sentences a coordinator
can act on, each naming where it is."""

import re
from dataclasses import dataclass

from ppo.codes import OffenceCategory


@dataclass(frozen=True)
class CriterionType:
    label: str
    # Keys a criterion of this type must have, and the smallest whole number each accepts.
    numbers: dict[str, int]
    describe: str  # plain English for the transparency page and letters, filled from the keys
    # The information sharing category of what it counts: a reader not shown the category
    # sees the criterion (and so the total) withheld. None: the panel's own assessment.
    category: str | None


CATALOGUE: dict[str, CriterionType] = {
    "convictions": CriterionType(
        "Convictions", {"window_months": 1, "points_each": 0, "cap": 0},
        "{points_each} for each conviction in the last {window_months} months "
        "(at most {cap})",
        "offending",
    ),
    "arrests": CriterionType(
        "Arrests", {"window_months": 1, "points_each": 0, "cap": 0},
        "{points_each} for each arrest in the last {window_months} months "
        "(at most {cap})",
        "offending",
    ),
    "intelligence": CriterionType(
        "Police intelligence", {"window_months": 1, "points_each": 0, "cap": 0},
        "{points_each} for each police intelligence report in the last "
        "{window_months} months (at most {cap})",
        "intelligence",
    ),
    "class_a_positive": CriterionType(
        "Class A drug tests", {"window_months": 1, "points_each": 0, "cap": 0},
        "{points_each} for each drug test positive for opiates or cocaine in the last "
        "{window_months} months (at most {cap})",
        "treatment_clinical",
    ),
    "offence_weight": CriterionType(
        "Seriousness of offences charged", {"window_months": 1, "cap": 0},
        "points for each charge in the last {window_months} months, by offence: {weights} "
        "(at most {cap})",
        "offending",
    ),
    "release_within": CriterionType(
        "Release from custody soon", {"days": 0, "points": 0},
        "{points} if serving a prison sentence with release expected within {days} days",
        "custody",
    ),
    "age_under": CriterionType(
        "Age", {"years": 1, "points": 0}, "{points} if under {years} years old",
        "identity",
    ),
    "cjit_caseload": CriterionType(
        "Drug treatment caseload", {"points": 0},
        "{points} if on the drug intervention (CJIT) caseload",
        "treatment_engagement",
    ),
    "manual": CriterionType(
        "Panel assessment", {"max": 0},
        "up to {max} the panel gives for {label_lower}, with the evidence recorded",
        None,
    ),
}  # fmt: skip

OTHER_KEYS = {"offence_weight": {"weights"}, "manual": {"key", "label"}}
# A manual key appears in URLs and keeps the panel's scores across versions.
MANUAL_KEY = re.compile(r"[A-Za-z0-9_]{1,40}")


def criterion_key(criterion: dict) -> str:
    """How a criterion is named in a breakdown: its type, or manual:<key>."""
    if criterion["type"] == "manual":
        return f"manual:{criterion['key']}"
    return criterion["type"]


def criterion_label(criterion: dict) -> str:
    if criterion["type"] == "manual":
        return criterion["label"]
    return CATALOGUE[criterion["type"]].label


def breakdown_for_reader(criteria: list[dict], breakdown: dict, access) -> tuple[list, bool]:
    """(label, entry) per criterion, the entry None where the reader is not shown what it
    counts; and whether every criterion is shown, so that the total may be (a total beside
    withheld criteria would give their points away)."""
    rows = []
    for criterion in criteria:
        category = CATALOGUE[criterion["type"]].category
        shown = category is None or access.shows(category)
        entry = breakdown.get(criterion_key(criterion), {})
        rows.append((criterion_label(criterion), entry if shown else None))
    return rows, all(entry is not None for _, entry in rows)


def criterion_in_words(criterion: dict) -> str:
    """The rule in plain English, e.g. "2 points for each conviction in the last 12 months
    (at most 20)"."""
    values = dict(criterion)
    if "weights" in criterion:
        values["weights"] = ", ".join(
            f"{OffenceCategory(code).label.lower()} {points}"
            for code, points in sorted(criterion["weights"].items(), key=lambda item: -item[1])
        )
    if "label" in criterion:
        values["label_lower"] = criterion["label"][:1].lower() + criterion["label"][1:]
    for key in ("points_each", "points", "max"):
        if key in values:
            values[key] = _points(values[key])
    return CATALOGUE[criterion["type"]].describe.format(**values)


def _points(number: int) -> str:
    return f"{number} point" if number == 1 else f"{number} points"


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def matrix_problems(document) -> list[str]:
    """Every problem with a matrix document (parsed JSON), or [] when it is valid."""
    if not isinstance(document, dict):
        return ["The matrix must be a JSON object with name, threshold and criteria."]
    problems = []
    unknown = sorted(set(document) - {"name", "threshold", "criteria"})
    if unknown:
        problems.append(f"Unknown key(s) {', '.join(unknown)}: use name, threshold, criteria.")
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("name: give the matrix a name.")
    threshold = document.get("threshold")
    if not _whole(threshold) or threshold < 0:
        problems.append("threshold: must be a whole number, 0 or more.")
    criteria = document.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        problems.append("criteria: list at least one criterion.")
        return problems
    seen: set[str] = set()
    for number, criterion in enumerate(criteria, start=1):
        problems += _criterion_problems(number, criterion, seen)
    return problems


def _criterion_problems(number: int, criterion, seen: set[str]) -> list[str]:
    where = f"criteria {number}"
    if not isinstance(criterion, dict):
        return [f"{where}: must be an object with a type."]
    kind = criterion.get("type")
    if not isinstance(kind, str) or kind not in CATALOGUE:
        known = ", ".join(CATALOGUE)
        return [f"{where}: unknown type {kind!r} (known types: {known})."]
    where = f"criteria {number} ({kind})"
    spec = CATALOGUE[kind]
    problems = []
    allowed = {"type", *spec.numbers, *OTHER_KEYS.get(kind, ())}
    unknown = sorted(set(criterion) - allowed)
    if unknown:
        problems.append(f"{where}: unknown key(s) {', '.join(unknown)}.")
    for key, smallest in spec.numbers.items():
        value = criterion.get(key)
        if value is None:
            problems.append(f"{where}: {key} is required.")
        elif not _whole(value) or value < smallest:
            problems.append(f"{where}: {key} must be a whole number, {smallest} or more.")
    if kind == "offence_weight":
        problems += _weight_problems(where, criterion.get("weights"))
    if kind == "manual":
        key, label = criterion.get("key"), criterion.get("label")
        if not isinstance(key, str) or not MANUAL_KEY.fullmatch(key):
            problems.append(
                f"{where}: key must be a short code of letters a-z, digits and _ (at most 40)."
            )
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: label is required.")
        name = f"manual:{key}"
    else:
        name = kind
    if name in seen:
        problems.append(f"{where}: appears twice (each type once; manual once per key).")
    seen.add(name)
    return problems


def _weight_problems(where: str, weights) -> list[str]:
    if not isinstance(weights, dict) or not weights:
        return [f"{where}: weights must list offence categories and their points."]
    problems = []
    for code, points in weights.items():
        if code not in OffenceCategory.values:
            problems.append(f"{where}: unknown offence category {code!r} in weights.")
        elif not _whole(points) or points < 0:
            problems.append(f"{where}: weight of {code} must be a whole number, 0 or more.")
    return problems
