"""Arguments the selection commands share."""

from django.core.management.base import CommandError

from ppo.models import Scheme
from selection.models import Matrix


def matrix_argument(scheme: Scheme, version: int | None) -> Matrix:
    """The version asked for, or the scheme's matrix in force."""
    matrices = Matrix.objects.filter(scheme=scheme).order_by("-version")
    if version is not None:
        matrices = matrices.filter(version=version)
    matrix = matrices.first()
    if matrix is not None:
        return matrix
    if version is None:
        raise CommandError(f"{scheme.slug} has no matrix yet: import_matrix saves one.")
    raise CommandError(f"{scheme.slug} has no matrix version {version}.")
