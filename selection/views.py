import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ppo.access import log_consultation, record_access
from ppo.codes import Programme
from ppo.documents import render_pdf
from ppo.downloads import pdf_download
from ppo.govuk import add_service_errors, posted
from ppo.models import REGISTER_ROLES, Agency, Membership, Offender, ProgrammeMembership, Scheme
from ppo.selectors import (
    can_edit_offender,
    coordinates_scheme,
    holds_role,
    offender_for,
    offenders_visible_to,
)
from ppo.status import memberships_open_on
from selection.flags import flag_rules, review_flags, thresholds_for
from selection.forms import (
    DecisionForm,
    FlagResponseForm,
    ManualScoreForm,
    MatrixForm,
    MatrixUploadForm,
    PanelMeetingForm,
    ReferralForm,
    ScoringRunForm,
    ThresholdsForm,
)
from selection.letters import letter_context
from selection.matrix import (
    breakdown_for_reader,
    criterion_in_words,
    criterion_key,
    criterion_label,
)
from selection.models import Matrix, ReviewThresholds, ScoringRun
from selection.sections import latest_responses, snoozed, visible
from selection.selectors import (
    PANEL_ROLES,
    matrix_in_force,
    matrix_versions,
    meeting_for,
    meetings_of,
    people_by_local_id,
    referrals_by,
    run_for_meeting,
    scheme_for_coordinator,
    scheme_for_panel,
    scheme_for_staff,
    scoring_runs,
    selection_schemes,
    waiting_referrals,
)
from selection.services import (
    decision_record,
    flag_respond,
    manual_score_record,
    matrix_save,
    panel_meeting_create,
    referral_create,
    review_thresholds_save,
    scoring_run_create,
)


def selection_index(request):
    schemes = list(selection_schemes(user=request.user))
    if not schemes:
        raise Http404
    if len(schemes) == 1:
        return redirect("selection-scheme", slug=schemes[0].slug)
    return render(request, "selection/index.html", {"schemes": schemes})


def _roles_in(user, scheme: Scheme) -> set[str]:
    return set(
        Membership.objects.filter(user=user, agency__scheme=scheme).values_list("role", flat=True)
    )


def transparency(request, slug: str):
    """For everyone in the scheme: how people are chosen and how they come off the list."""
    scheme = scheme_for_staff(user=request.user, slug=slug)
    matrix = matrix_in_force(scheme=scheme)
    today = timezone.localdate()
    roles = _roles_in(request.user, scheme)
    return render(
        request,
        "selection/transparency.html",
        {
            "scheme": scheme,
            "matrix": matrix,
            "criteria": [
                (criterion_label(c), criterion_in_words(c))
                for c in (matrix.criteria if matrix else [])
            ],
            "on_list": Offender.objects.filter(scheme=scheme, pk__in=_ppo_ids(today)).count(),
            "thresholds": thresholds_for(scheme),
            "today": today,
            "is_coordinator": "coordinator" in roles,
            "is_panel": bool(roles & set(PANEL_ROLES)),
        },
    )


def _ppo_ids(on):
    return ProgrammeMembership.objects.filter(
        memberships_open_on(on), programme=Programme.PPO
    ).values("offender_id")


# --- the matrix ----------------------------------------------------------------------------


def matrix_edit(request, slug: str):
    scheme = scheme_for_coordinator(user=request.user, slug=slug)
    current = matrix_in_force(scheme=scheme)
    initial = MatrixForm.initial_from(current.as_document()) if current else {}
    form = MatrixForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            matrix = matrix_save(
                scheme=scheme, document=form.document(), by=request.user,
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, f"Saved as version {matrix.version}.")
            return redirect("selection-scheme", slug=scheme.slug)
    return render(
        request,
        "selection/matrix_edit.html",
        {
            "scheme": scheme, "form": form, "upload_form": MatrixUploadForm(),
            "versions": matrix_versions(scheme=scheme), "current": current,
        },
    )  # fmt: skip


@require_POST
def matrix_upload(request, slug: str):
    scheme = scheme_for_coordinator(user=request.user, slug=slug)
    form = MatrixUploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            document = json.loads(form.cleaned_data["file"].read().decode("utf-8-sig"))
            matrix = matrix_save(
                scheme=scheme, document=document, by=request.user, note=form.cleaned_data["note"]
            )
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems = [f"The file is not valid JSON: {error}"]
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, f"Saved {matrix.name} as version {matrix.version}.")
            return redirect("selection-scheme", slug=scheme.slug)
    else:
        problems = ["Choose a matrix.json file to upload"]
    for problem in problems:
        messages.error(request, problem)
    return redirect("matrix-edit", slug=scheme.slug)


def matrix_download(request, slug: str, version: int):
    scheme = scheme_for_panel(user=request.user, slug=slug)
    matrix = get_object_or_404(Matrix, scheme=scheme, version=version)
    response = HttpResponse(
        json.dumps(matrix.as_document(), indent=2, ensure_ascii=False) + "\n",
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-matrix-v{version}.json"'
    return response


def thresholds_edit(request, slug: str):
    scheme = scheme_for_coordinator(user=request.user, slug=slug)
    instance = ReviewThresholds.objects.filter(scheme=scheme).first() or ReviewThresholds(
        scheme=scheme
    )
    form = ThresholdsForm(posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        review_thresholds_save(scheme=scheme, by=request.user, values=form.cleaned_data)
        messages.success(request, "Review thresholds saved.")
        return redirect("selection-scheme", slug=scheme.slug)
    return render(request, "selection/thresholds.html", {"scheme": scheme, "form": form})


# --- scoring -------------------------------------------------------------------------------


def scoring(request, slug: str):
    scheme = scheme_for_panel(user=request.user, slug=slug)
    matrices = list(matrix_versions(scheme=scheme))
    form = ScoringRunForm(
        posted(request), matrices=matrices, initial={"as_at": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        matrix = next(m for m in matrices if str(m.version) == form.cleaned_data["version"])
        run = scoring_run_create(
            scheme=scheme, matrix=matrix, on=form.cleaned_data["as_at"], by=request.user
        )
        return redirect("scoring-run", slug=scheme.slug, pk=run.pk)
    return render(
        request,
        "selection/scoring.html",
        {"scheme": scheme, "form": form, "matrices": matrices, "runs": scoring_runs(scheme=scheme)},
    )


def scoring_run(request, slug: str, pk: int):
    """A run's ranking: only records the reader may open are listed, each criterion (and the
    total, when any is withheld) shown where the reader is shown what it counts."""
    scheme = scheme_for_panel(user=request.user, slug=slug)
    run = get_object_or_404(
        ScoringRun.objects.select_related("matrix", "run_by"), scheme=scheme, pk=pk
    )
    ranking = run.result["ranking"]
    people = people_by_local_id(
        user=request.user, scheme=scheme, local_ids=[row["local_id"] for row in ranking]
    )
    # What the reader may see is decided as at today, whatever date the run scored: a
    # consent withdrawn since must not come back through an old date.
    access = record_access(
        user=request.user, offenders=list(people.values()), on=timezone.localdate()
    )
    log_consultation(request=request, access=access, purpose="page_view")
    rows = []
    for row in ranking:
        person = people.get(row["local_id"])
        if person is not None:
            cells, total_shown = breakdown_for_reader(
                run.matrix.criteria, row["breakdown"], access[person.pk]
            )
            rows.append(
                {"row": row, "person": person, "access": access[person.pk],
                 "cells": [entry for _, entry in cells], "total_shown": total_shown}
            )  # fmt: skip
    return render(
        request,
        "selection/scoring_run.html",
        {
            "scheme": scheme,
            "run": run,
            "rows": rows,
            "criteria": [(criterion_key(c), criterion_label(c)) for c in run.matrix.criteria],
            "capacity": run.result["capacity"],
            "above_threshold": sum(1 for row in ranking if row["above_threshold"]),
        },
    )


# --- referrals -----------------------------------------------------------------------------


def referral_create_view(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    agencies = Agency.objects.filter(
        memberships__user=request.user, memberships__role__in=REGISTER_ROLES,
        group__offendergroupobjectpermission__content_object=offender,
    ).distinct()  # fmt: skip
    if not agencies.exists():
        raise Http404
    form = ReferralForm(posted(request), agencies=agencies, initial={"agency": agencies.first()})
    if request.method == "POST" and form.is_valid():
        try:
            referral_create(
                offender=offender, agency=form.cleaned_data["agency"], by=request.user,
                reasons=form.cleaned_data["reasons"], evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Referred to the next PPO panel. You will see the outcome under My referrals.",
            )
            return redirect("offender-detail", pk=offender.pk)
    access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
    return render(
        request,
        "selection/referral_form.html",
        {"offender": offender, "access": access[offender.pk], "form": form},
    )


def my_referrals(request):
    if not holds_role(user=request.user, roles=REGISTER_ROLES):
        raise Http404
    referrals = list(referrals_by(user=request.user))
    visible_ids = set(
        offenders_visible_to(user=request.user)
        .filter(pk__in=[r.offender_id for r in referrals])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "selection/my_referrals.html",
        {"referrals": referrals, "visible_ids": visible_ids},
    )


def referral_queue(request, slug: str):
    scheme = scheme_for_panel(user=request.user, slug=slug)
    referrals = list(waiting_referrals(scheme=scheme))
    visible_ids = set(
        offenders_visible_to(user=request.user)
        .filter(pk__in=[r.offender_id for r in referrals])
        .values_list("pk", flat=True)
    )
    referrals = [r for r in referrals if r.offender_id in visible_ids]
    access = record_access(
        user=request.user, offenders=[r.offender for r in referrals], on=timezone.localdate()
    )
    for referral in referrals:
        referral.reader = access[referral.offender_id]
    return render(
        request, "selection/referral_queue.html", {"scheme": scheme, "referrals": referrals}
    )


# --- panels --------------------------------------------------------------------------------


def panels(request, slug: str):
    scheme = scheme_for_panel(user=request.user, slug=slug)
    is_coordinator = coordinates_scheme(user=request.user, scheme=scheme)
    agencies = Agency.objects.filter(Q(scheme=scheme) | Q(scheme__isnull=True)).order_by("name")
    form = PanelMeetingForm(posted(request), agencies=agencies) if is_coordinator else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                meeting = panel_meeting_create(
                    scheme=scheme, held_on=form.cleaned_data["held_on"],
                    chair=form.cleaned_data["chair"], attendees=form.attendees(), by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Panel meeting added.")
                return redirect("panel-detail", pk=meeting.pk)
    return render(
        request,
        "selection/panels.html",
        {"scheme": scheme, "meetings": meetings_of(scheme=scheme), "form": form},
    )


AGENDA_TOP = 10


def _label(person: Offender, access) -> str:
    """The person's name where the reader is shown it, else their scheme reference."""
    if access.shows_field("first_name"):
        return f"{person.full_name} ({person.local_id})"
    return f"Record {person.local_id}"


def panel_detail(request, pk: int):
    """The agenda: new referrals, the highest scorers not on the list, current PPOs with open
    flags and two-year reviews due; with the decisions already made."""
    meeting = meeting_for(user=request.user, pk=pk)
    scheme = meeting.scheme
    on = min(meeting.held_on, timezone.localdate())
    visible_people = offenders_visible_to(user=request.user).filter(scheme=scheme)
    visible_ids = set(visible_people.values_list("pk", flat=True))
    referrals = [r for r in waiting_referrals(scheme=scheme) if r.offender_id in visible_ids]
    run = run_for_meeting(meeting=meeting)
    candidates = []
    if run:
        wanted = [r for r in run.result["ranking"] if not r["on_ppo_list"] and r["above_threshold"]]
        people = people_by_local_id(
            user=request.user, scheme=scheme, local_ids=[r["local_id"] for r in wanted]
        )
        candidates = [
            {"row": r, "person": people[r["local_id"]]} for r in wanted if r["local_id"] in people
        ][:AGENDA_TOP]
    flags = review_flags(scheme=scheme, on=on, people=visible_people)
    people = {p.pk: p for p in visible_people.filter(pk__in={f.offender_id for f in flags})}
    decisions = [
        decision
        for decision in meeting.decisions.select_related("offender").order_by("decided_at")
        if decision.offender_id in visible_ids
    ]
    listed = [
        *people.values(), *(r.offender for r in referrals), *(c["person"] for c in candidates),
        *(d.offender for d in decisions),
    ]  # fmt: skip
    # What the reader may see is decided as at today, even for a past meeting.
    access = record_access(user=request.user, offenders=listed, on=timezone.localdate())
    log_consultation(request=request, access=access, purpose="page_view")
    for person in listed:
        person.label = _label(person, access[person.pk])
        person.reader = access[person.pk]
    for candidate in candidates:
        _, candidate["total_shown"] = breakdown_for_reader(
            run.matrix.criteria, candidate["row"]["breakdown"], candidate["person"].reader
        )
    responses = latest_responses(list(people))
    flagged: dict[int, list] = {}
    for flag in flags:
        if visible(flag, access[flag.offender_id]) and not snoozed(
            responses.get((flag.offender_id, flag.code)), on
        ):
            flagged.setdefault(flag.offender_id, []).append(flag)
    reviews = [
        pk for pk, items in flagged.items() if any(f.code == "two_year_review" for f in items)
    ]
    return render(
        request,
        "selection/panel_detail.html",
        {
            "meeting": meeting,
            "scheme": scheme,
            "referrals": referrals,
            "run": run,
            "candidates": candidates,
            "flagged": [(people[pk], items) for pk, items in flagged.items()],
            "reviews": [people[pk] for pk in reviews],
            "decisions": decisions,
            "is_coordinator": coordinates_scheme(user=request.user, scheme=scheme),
            "decided": meeting.held_on <= timezone.localdate(),
        },
    )


def decision_create(request, pk: int, offender_pk: int):
    meeting = meeting_for(user=request.user, pk=pk)
    scheme = meeting.scheme
    if not coordinates_scheme(user=request.user, scheme=scheme):
        raise Http404
    offender = offender_for(user=request.user, pk=offender_pk)
    if offender.scheme_id != scheme.pk:
        raise Http404
    referral = waiting_referrals(scheme=scheme).filter(offender=offender).first()
    form = DecisionForm(
        posted(request), schemes=Scheme.objects.exclude(pk=scheme.pk).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(
                meeting=meeting, offender=offender, kind=data["kind"], rationale=data["rationale"],
                by=request.user, referral=referral, two_year_review=data["two_year_review"],
                strand=data["strand"], exit_reason=data["exit_reason"],
                exit_destination=data["exit_destination"], to_scheme=data["to_scheme"],
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Decision recorded.")
            return redirect("panel-detail", pk=meeting.pk)
    on = min(meeting.held_on, timezone.localdate())
    access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
    access = access[offender.pk]
    log_consultation(request=request, access={offender.pk: access}, purpose="page_view")
    run = run_for_meeting(meeting=meeting)
    ranking = run.result["ranking"] if run else []
    ranked = next((r for r in ranking if r["local_id"] == offender.local_id), None)
    breakdown, total_shown = (
        breakdown_for_reader(run.matrix.criteria, ranked["breakdown"], access)
        if ranked
        else ([], False)
    )
    matrix = matrix_in_force(scheme=scheme)
    manual = [c for c in (matrix.criteria if matrix else []) if c["type"] == "manual"]
    flags = review_flags(scheme=scheme, on=on, people=Offender.objects.filter(pk=offender.pk))
    return render(
        request,
        "selection/decision_form.html",
        {
            "meeting": meeting, "offender": offender, "access": access, "form": form,
            "referral": referral, "run": run, "ranked": ranked, "breakdown": breakdown,
            "total_shown": total_shown, "flags": [f for f in flags if visible(f, access)],
            "manual": manual,
        },
    )  # fmt: skip


@require_POST
def manual_score(request, pk: int, offender_pk: int, key: str):
    meeting = meeting_for(user=request.user, pk=pk)
    if not coordinates_scheme(user=request.user, scheme=meeting.scheme):
        raise Http404
    offender = offender_for(user=request.user, pk=offender_pk)
    matrix = matrix_in_force(scheme=meeting.scheme)
    form = ManualScoreForm(request.POST)
    if offender.scheme_id != meeting.scheme_id or matrix is None:
        raise Http404
    if form.is_valid():
        try:
            manual_score_record(
                offender=offender, matrix=matrix, key=key, by=request.user,
                score=form.cleaned_data["score"], evidence=form.cleaned_data["evidence"],
            )  # fmt: skip
        except ValidationError as error:
            form = None
            for problem in error.messages:
                messages.error(request, problem)
        else:
            messages.success(request, "Panel score saved. Run the matrix again to rank with it.")
    if form is not None and form.errors:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect("decision-create", pk=meeting.pk, offender_pk=offender.pk)


# --- the offender page: flags and letters --------------------------------------------------


def _may_act(user, offender) -> bool:
    return can_edit_offender(user=user, offender=offender) or coordinates_scheme(
        user=user, scheme=offender.scheme
    )


@require_POST
def flag_response(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    if not _may_act(request.user, offender):
        raise Http404
    form = FlagResponseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            flag_respond(
                offender=offender, code=data["code"], kind=data["kind"], reason=data["reason"],
                snoozed_until=data["snoozed_until"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
        else:
            label = flag_rules()[data["code"]].label
            messages.success(request, f"{label}: {form.cleaned_data['kind']}.")
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    return redirect(f"{reverse('offender-detail', args=[offender.pk])}#review-flags")


def letter(request, pk: int, kind: str):
    offender = offender_for(user=request.user, pk=pk)
    if kind not in ("induction", "exit") or not _may_act(request.user, offender):
        raise Http404
    today = timezone.localdate()
    access = record_access(user=request.user, offenders=[offender], on=today)
    context = letter_context(offender=offender, kind=kind, access=access[offender.pk])
    if context is None:
        raise Http404
    log_consultation(request=request, access=access, purpose="export")
    pdf = render_pdf(
        f"selection/letter_{kind}.html",
        {**context, "produced_at": timezone.localtime(), "reader": request.user},
    )
    return pdf_download(f"{kind}-letter-{offender.local_id}.pdf", pdf)
