"""Reads for selection pages and commands."""

from django.db.models import QuerySet

from ppo.models import Scheme
from selection.models import Matrix, ScoringRun


def matrix_in_force(*, scheme: Scheme) -> Matrix | None:
    """The scheme's latest matrix version, or None before the first is saved."""
    return Matrix.objects.filter(scheme=scheme).order_by("-version").first()


def matrix_versions(*, scheme: Scheme) -> QuerySet[Matrix]:
    return Matrix.objects.filter(scheme=scheme).select_related("created_by").order_by("-version")


def scoring_runs(*, scheme: Scheme) -> QuerySet[ScoringRun]:
    return (
        ScoringRun.objects.filter(scheme=scheme)
        .select_related("matrix", "run_by")
        .defer("result")
        .order_by("-run_at")
    )
