"""Building a subject access export: everything held about one person, every disclosure,
and who consulted the record, as CSVs and a PDF summary in one ZIP.

Unlike pages, the export is not redacted by agency: it answers the person's own right of
access, so it holds everything, and only coordinators and data protection officers of the
person's scheme may request and download it.
"""

import csv
import io
import zipfile
from datetime import UTC

from django.core.files.base import ContentFile
from django.utils import timezone

from ppo.documents import render_pdf
from ppo.models import Event, GrantChange, LookupLog, Offender, OffenderManagerAssignment
from sharing.models import AccessLogEntry, ConsentEntry, Disclosure, SubjectAccessExport

PERSON_FIELDS = (
    "local_id", "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "pnc_id",
    "cro_number", "nomis_number", "crn", "postcode", "area", "created_at", "updated_at",
)  # fmt: skip


def _csv(rows: list[list], header: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "astimezone"):
        return value.astimezone(UTC).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return str(value)


def export_tables(offender: Offender) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table of the export: file name -> (header, rows)."""

    def table(queryset, fields):
        return list(fields), [
            [_text(row[field]) for field in fields] for row in queryset.values(*fields)
        ]

    return {
        "person.csv": table(Offender.objects.filter(pk=offender.pk), PERSON_FIELDS),
        "other_names.csv": table(offender.aliases.order_by("name"), ["name"]),
        "history.csv": table(
            Event.objects.filter(offender=offender).order_by("date", "id"),
            ["date", "kind", "reference", "offence_category", "offence_date", "case_ref",
             "tics", "disposal", "breach", "result", "substance", "establishment",
             "sentence_months", "expected_release", "licence_end", "order_type", "end_date",
             "to_area", "outcome", "recorded_at"],
        ),
        "programmes.csv": table(
            offender.memberships.order_by("start_date"),
            ["programme", "start_date", "end_date", "strand", "referral_source", "exit_reason",
             "exit_destination"],
        ),
        "offender_managers.csv": table(
            OffenderManagerAssignment.objects.filter(offender=offender).order_by("start_date"),
            ["manager__full_name", "agency__name", "start_date", "end_date"],
        ),
        "agencies_with_access.csv": table(
            GrantChange.objects.filter(offender=offender).order_by("at", "id"),
            ["at", "agency__name", "granted", "by__email"],
        ),
        "consent.csv": table(
            ConsentEntry.objects.filter(offender=offender).order_by("id"),
            ["effective_date", "kind", "agency_types", "agency_ids", "categories",
             "review_date", "recorded_by__email", "recorded_at", "note"],
        ),
        "disclosures.csv": table(
            Disclosure.objects.filter(offender=offender).order_by("recorded_at"),
            ["recorded_at", "agency__name", "categories", "gateway", "reason", "expires_on",
             "authorised_by__email"],
        ),
        "who_consulted.csv": table(
            AccessLogEntry.objects.filter(offender=offender).order_by("at", "id"),
            ["at", "user__email", "purpose", "categories", "client_address"],
        ),
        "lookups.csv": table(
            LookupLog.objects.filter(matches=offender).order_by("at"),
            ["at", "by__email", "on_list"],
        ),
    }  # fmt: skip


def _pdf(export: SubjectAccessExport, tables) -> bytes:
    return render_pdf(
        "sharing/subject_access_pdf.html",
        {
            "offender": export.offender,
            "tables": [
                (
                    name.removesuffix(".csv").replace("_", " ").capitalize(),
                    header,
                    [list(zip(header, row, strict=True)) for row in rows],
                )
                for name, (header, rows) in tables.items()
            ],
            "produced_at": timezone.localtime(),
            "reader": export.requested_by,
        },
    )


def subject_access_build(*, export_id: int) -> bool:
    """Build the export. Idempotent: claims the row (pending -> running) with a compare-and-
    set, so a redelivered task does nothing; a failure is recorded, never left half-done.
    Returns True if this call built it."""
    claimed = SubjectAccessExport.objects.filter(
        pk=export_id, state=SubjectAccessExport.State.PENDING
    ).update(state=SubjectAccessExport.State.RUNNING)
    if not claimed:
        return False
    export = SubjectAccessExport.objects.select_related("offender__scheme", "requested_by").get(
        pk=export_id
    )
    try:
        tables = export_tables(export.offender)
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("summary.pdf", _pdf(export, tables))
            for name, (header, rows) in tables.items():
                bundle.writestr(name, _csv(rows, header))
        name = export.file.storage.save(
            export.file.field.generate_filename(
                export, f"subject-access-{export.offender.local_id}-{export.pk}.zip"
            ),
            ContentFile(archive.getvalue()),
        )
    except Exception as error:  # recorded for the requester; the task does not retry
        SubjectAccessExport.objects.filter(
            pk=export_id, state=SubjectAccessExport.State.RUNNING
        ).update(
            state=SubjectAccessExport.State.FAILED, problem=str(error)[:1000],
            finished_at=timezone.now(),
        )  # fmt: skip
        raise
    # Only a build still running is finished: if the person was erased meanwhile (which
    # fails exports not yet built), the file just written must not outlive their data.
    finished = SubjectAccessExport.objects.filter(
        pk=export_id, state=SubjectAccessExport.State.RUNNING
    ).update(state=SubjectAccessExport.State.READY, file=name, finished_at=timezone.now())
    if not finished:
        export.file.storage.delete(name)
        return False
    return True
