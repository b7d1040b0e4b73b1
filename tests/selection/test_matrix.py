"""The matrix document: every validation problem at once, versions, import and export."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from selection.matrix import criterion_in_words, matrix_problems
from selection.models import Matrix
from selection.services import matrix_save

pytestmark = pytest.mark.django_db

STOCKTON = {
    "name": "Stockton 2009",
    "threshold": 20,
    "criteria": [
        {"type": "convictions", "window_months": 12, "points_each": 2, "cap": 20},
        {"type": "arrests", "window_months": 12, "points_each": 1, "cap": 10},
        {"type": "intelligence", "window_months": 6, "points_each": 1, "cap": 10},
        {"type": "class_a_positive", "window_months": 12, "points_each": 3, "cap": 9},
        {"type": "offence_weight", "window_months": 12,
         "weights": {"burglary_dwelling": 5, "robbery": 6}, "cap": 30},
        {"type": "release_within", "days": 90, "points": 5},
        {"type": "age_under", "years": 25, "points": 2},
        {"type": "cjit_caseload", "points": 3},
        {"type": "manual", "key": "community_impact", "label": "Impact on the community",
         "max": 10},
    ],
}  # fmt: skip


def test_the_formats_example_is_valid():
    assert matrix_problems(STOCKTON) == []


def test_every_problem_is_reported_at_once():
    document = {
        "name": " ",
        "threshold": -1,
        "colour": "red",
        "criteria": [
            {"type": "convictions", "window_months": 12, "points_each": -2, "cap": 20},
            {"type": "convictions", "window_months": 12, "points_each": 2, "cap": 20},
            {"type": "shoplifting", "points": 3},
            {"type": "arrests", "window_months": 0, "points_each": 1, "cap": -1, "colour": 1},
            {"type": "offence_weight", "window_months": 12, "weights": {"burgalry": 5}, "cap": 3},
            {"type": "age_under", "years": True, "points": 2},
            {"type": "manual", "key": "impact", "label": "Impact", "max": 5},
            {"type": "manual", "key": "impact", "label": "Again", "max": 5},
            "convictions",
        ],
    }
    assert matrix_problems(document) == [
        "Unknown key(s) colour: use name, threshold, criteria.",
        "name: give the matrix a name.",
        "threshold: must be a whole number, 0 or more.",
        "criteria 1 (convictions): points_each must be a whole number, 0 or more.",
        "criteria 2 (convictions): appears twice (each type once; manual once per key).",
        "criteria 3: unknown type 'shoplifting' (known types: convictions, arrests, "
        "intelligence, class_a_positive, offence_weight, release_within, age_under, "
        "cjit_caseload, manual).",
        "criteria 4 (arrests): unknown key(s) colour.",
        "criteria 4 (arrests): window_months must be a whole number, 1 or more.",
        "criteria 4 (arrests): cap must be a whole number, 0 or more.",
        "criteria 5 (offence_weight): unknown offence category 'burgalry' in weights.",
        "criteria 6 (age_under): years must be a whole number, 1 or more.",
        "criteria 8 (manual): appears twice (each type once; manual once per key).",
        "criteria 9: must be an object with a type.",
    ]


def test_saving_makes_a_new_version_and_bad_documents_write_nothing(scheme, coordinator):
    first = matrix_save(scheme=scheme, document=STOCKTON, by=coordinator)
    second = matrix_save(scheme=scheme, document={**STOCKTON, "threshold": 18}, by=coordinator)
    assert (first.version, second.version) == (1, 2)
    with pytest.raises(ValidationError) as refused:
        matrix_save(scheme=scheme, document={**STOCKTON, "criteria": []}, by=coordinator)
    assert refused.value.messages == ["criteria: list at least one criterion."]
    assert Matrix.objects.count() == 2
    first.refresh_from_db()
    assert first.threshold == 20


def test_import_and_export_commands_round_trip(scheme, tmp_path, capsys):
    source = tmp_path / "matrix.json"
    source.write_text(json.dumps(STOCKTON), encoding="utf-8")
    call_command("import_matrix", "--scheme", scheme.slug, str(source))
    assert f"Saved Stockton 2009 as version 1 for {scheme.slug}." in capsys.readouterr().out
    call_command("export_matrix", "--scheme", scheme.slug)
    assert json.loads(capsys.readouterr().out) == STOCKTON


def test_import_reports_every_problem_and_exits_non_zero(scheme, tmp_path, capsys):
    source = tmp_path / "matrix.json"
    bad = {**STOCKTON, "threshold": -5, "criteria": [{"type": "nope"}]}
    source.write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_matrix", "--scheme", scheme.slug, str(source))
    err = capsys.readouterr().err
    assert "threshold: must be a whole number" in err
    assert "unknown type 'nope'" in err
    source.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_matrix", "--scheme", scheme.slug, str(source))
    with pytest.raises(CommandError, match="Unknown scheme 'nowhere'"):
        call_command("import_matrix", "--scheme", "nowhere", str(source))
    assert not Matrix.objects.exists()


def test_export_of_a_missing_version_is_an_error(scheme):
    with pytest.raises(CommandError, match="has no matrix yet"):
        call_command("export_matrix", "--scheme", scheme.slug)
    matrix_save(scheme=scheme, document=STOCKTON, by=None)
    with pytest.raises(CommandError, match="has no matrix version 7"):
        call_command("export_matrix", "--scheme", scheme.slug, "--matrix-version", "7")


def test_criteria_in_plain_english():
    words = [criterion_in_words(criterion) for criterion in STOCKTON["criteria"]]
    assert words[0] == "2 points for each conviction in the last 12 months (at most 20)"
    assert words[4] == (
        "points for each charge in the last 12 months, by offence: robbery 6, "
        "burglary (dwelling) 5 (at most 30)"
    )
    assert words[8] == (
        "up to 10 points the panel gives for impact on the community, with the evidence recorded"
    )


def test_types_and_keys_that_are_not_plain_text_are_reported_not_crashed_on():
    document = {**STOCKTON, "criteria": [
        {"type": []},
        {"type": "manual", "key": "café", "label": "Impact", "max": 3},
    ]}  # fmt: skip
    assert matrix_problems(document) == [
        "criteria 1: unknown type [] (known types: convictions, arrests, intelligence, "
        "class_a_positive, offence_weight, release_within, age_under, cjit_caseload, manual).",
        "criteria 2 (manual): key must be a short code of letters a-z, digits and _ (at most 40).",
    ]


def test_the_editor_keeps_every_assessment_and_zero_weights():
    from selection.forms import MatrixForm

    document = {**STOCKTON, "criteria": [
        {"type": "offence_weight", "window_months": 12,
         "weights": {"robbery": 6, "theft_shop": 0}, "cap": 30},
        *({"type": "manual", "key": f"k{n}", "label": f"Assessment {n}", "max": n}
          for n in range(4)),
    ]}  # fmt: skip
    initial = MatrixForm.initial_from(document)
    data = {key: "on" if value is True else value for key, value in initial.items()}
    form = MatrixForm(data, initial=initial)
    assert form.is_valid(), form.errors
    assert form.document() == document
