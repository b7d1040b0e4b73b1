from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from cases.caseload import caseload_rows, sort_rows
from cases.forms import (
    ActionForm,
    ActionUpdateForm,
    AppointmentForm,
    AppointmentOutcomeForm,
    CaseSettingsForm,
    ConferenceRecordForm,
    ConferenceScheduleForm,
    ExitPlanForm,
    FollowUpForm,
    PartnerReferralForm,
    PartnerReferralStepForm,
)
from cases.models import Action, Appointment, Conference, EnforcementFlag, PartnerReferral
from cases.pack import conference_pack
from cases.selectors import (
    appointments_of,
    carried_forward,
    case_settings_for,
    conferences_of,
    contact_target_of,
    exit_plan_of,
    open_enforcement,
    partner_referrals_of,
    plan_actions,
)
from cases.services import (
    NEXT_STATES,
    STALE,
    action_create,
    action_update,
    appointment_outcome,
    appointment_plan,
    case_settings_save,
    conference_record,
    conference_schedule,
    enforcement_follow_up,
    exit_plan_save,
    partner_referral_advance,
    partner_referral_send,
)
from ppo.access import log_consultation, record_access
from ppo.codes import Need, Pathway, Programme, Status
from ppo.context_processors import request_memberships
from ppo.documents import render_pdf
from ppo.downloads import pdf_download
from ppo.govuk import add_service_errors, posted
from ppo.models import EDIT_ROLES, Agency, Membership, Offender, Role
from ppo.selectors import (
    can_edit_offender,
    coordinated_scheme,
    coordinates_scheme,
    memberships_of,
    offender_for,
    register_filter_options,
    register_search,
)
from selection.letters import letter_context
from selection.sections import register_flags

TREND_CONFERENCES = 4


def _access(request, offender: Offender, purpose: str = "page_view"):
    access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
    log_consultation(request=request, access=access, purpose=purpose)
    return access[offender.pk]


def _stale(error: ValidationError) -> bool:
    """Whether a save was refused because someone else saved first (see services.STALE)."""
    return STALE in error.messages


def _may_manage(user, offender: Offender) -> bool:
    """Offender managers and coordinators whose agency holds the record run the plan."""
    return can_edit_offender(user=user, offender=offender) or coordinates_scheme(
        user=user, scheme=offender.scheme
    )


def _scheme_agencies(offender: Offender):
    return Agency.objects.filter(Q(scheme=offender.scheme) | Q(scheme__isnull=True)).order_by(
        "name"
    )


def _plan_context(offender: Offender, access, on: date) -> dict:
    """Everything the plan page and the plan PDF show, redacted for the reader."""
    conferences = list(conferences_of(offender=offender))
    held = [c for c in conferences if c.held_on and c.kind == Conference.Kind.CONFERENCE]
    trend_from = sorted(held, key=lambda c: c.held_on)[-TREND_CONFERENCES:]
    levels = {(a.conference_id, a.need): a for c in trend_from for a in c.needs.all()}
    trend = [
        (Need(need).label, [levels.get((c.pk, need)) for c in trend_from])
        for need in Need.values
        if access.shows_need(need)
    ]
    actions = [a for a in plan_actions(offender=offender) if access.shows_pathway(a.pathway)]
    by_pathway = [
        (Pathway(code).label, [a for a in actions if a.pathway == code])
        for code in Pathway.values
        if access.shows_pathway(code)
    ]
    # Newest first, so the soonest booked meeting is the last of those still to come.
    upcoming = [c for c in conferences if c.held_on is None and c.scheduled_for >= on]
    flags = register_flags(
        user=None, offenders=[offender], access={offender.pk: access}, on=on
    ).get(offender.pk, [])
    why = letter_context(offender=offender, kind="induction", access=access)
    record = access.shows_case_record
    appointments = [
        a for a in appointments_of(offender=offender) if access.shows_appointment(a.kind)
    ]
    now = timezone.now()
    week_ago = now - timedelta(days=7)
    return {
        "referrals": [
            r for r in partner_referrals_of(offender=offender) if access.shows_pathway(r.pathway)
        ],
        "withheld_appointments": any(
            not access.shows_appointment(kind) for kind in Appointment.Kind.values
        ),
        "appointments_next": [a for a in appointments if a.at >= now][:5],
        "appointments_past": [a for a in appointments if a.at < now][-5:][::-1],
        "contacts_this_week": sum(
            1
            for a in appointments
            if week_ago <= a.at < now and a.outcome == Appointment.Outcome.ATTENDED
        ),
        "contact_target": contact_target_of(offender=offender),
        "enforcement": list(open_enforcement(offender=offender)) if record else [],
        "exit_plan": exit_plan_of(offender=offender) if record else None,
        "offender": offender,
        "access": access,
        "today": on,
        "conferences": conferences,
        "trend_conferences": trend_from,
        "trend": trend,
        "withheld_needs": len(trend) < len(Need.values),
        "by_pathway": by_pathway,
        "withheld_pathways": len(by_pathway) < len(Pathway.values),
        "next_conference": upcoming[-1] if upcoming else None,
        "flags": flags,
        "why": why,
    }


def case_plan(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    today = timezone.localdate()
    access = _access(request, offender)
    context = _plan_context(offender, access, today)
    context["may_manage"] = _may_manage(request.user, offender)
    return render(request, "cases/plan.html", context)


def plan_pdf(request, pk: int):
    """The PPO plan on paper: the one document every agency reads, redacted for this one."""
    offender = offender_for(user=request.user, pk=pk)
    today = timezone.localdate()
    access = _access(request, offender, purpose="export")
    agencies = sorted({m.agency.name for m in memberships_of(user=request.user)})
    context = _plan_context(offender, access, today)
    context.update(
        produced_at=timezone.localtime(), reader=request.user, reader_agency=", ".join(agencies)
    )
    pdf = render_pdf("cases/plan_pdf.html", context)
    return pdf_download(f"ppo-plan-{offender.local_id}-{today.isoformat()}.pdf", pdf)


def conference_create(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    if not _may_manage(request.user, offender):
        raise Http404
    form = ConferenceScheduleForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            conference = conference_schedule(
                offender=offender, kind=form.cleaned_data["kind"],
                scheduled_for=form.cleaned_data["scheduled_for"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{conference.get_kind_display()} booked.")
            return redirect("conference-detail", pk=conference.pk)
    access = _access(request, offender)
    return render(
        request, "cases/conference_new.html", {"offender": offender, "access": access, "form": form}
    )


def _conference_for(user, pk: int) -> Conference:
    conference = Conference.objects.select_related("offender__scheme").filter(pk=pk).first()
    if conference is None:
        raise Http404
    offender_for(user=user, pk=conference.offender_id)  # 404 unless the record is visible
    return conference


def conference_detail(request, pk: int):
    """Record what happened at a conference. Those who run the plan and are shown the case
    record may record it, assessing the needs they are shown; others read what they are
    shown."""
    conference = _conference_for(request.user, pk)
    offender = conference.offender
    access = _access(request, offender)
    may_record = _may_manage(request.user, offender) and access.shows_case_record
    needs = [need for need in Need.values if access.shows_need(need)]
    initial = ConferenceRecordForm.initial_from(conference)
    form = ConferenceRecordForm(
        posted(request) if may_record else None, initial=initial,
        agencies=_scheme_agencies(offender), needs=needs,
    )  # fmt: skip
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                conference_record(
                    conference=conference, version=data["version"], held_on=data["held_on"],
                    attendees=form.attendees(),
                    offender_attended={"yes": True, "no": False}.get(data["offender_attended"]),
                    offender_comments=data["offender_comments"], minutes=data["minutes"],
                    needs=form.needs(), assessable=needs, by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                if _stale(error):
                    # Show what is there now; the next save knowingly replaces it.
                    conference.refresh_from_db()
                    form = ConferenceRecordForm(
                        initial=ConferenceRecordForm.initial_from(conference),
                        agencies=_scheme_agencies(offender), needs=needs,
                    )  # fmt: skip
                    messages.error(request, STALE)
                else:
                    add_service_errors(form, error)
            else:
                messages.success(request, "Conference recorded.")
                return redirect("conference-detail", pk=conference.pk)
    actions = [
        a for a in conference.actions.select_related("lead_agency").order_by("pathway", "due_date")
        if access.shows_pathway(a.pathway)
    ]  # fmt: skip
    return render(
        request,
        "cases/conference.html",
        {
            "conference": conference, "offender": offender, "access": access, "form": form,
            "may_record": may_record, "may_manage": _may_manage(request.user, offender),
            "carried": [a for a in carried_forward(conference=conference)
                        if access.shows_pathway(a.pathway)],
            "actions": actions,
        },
    )  # fmt: skip


def action_new(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    if not _may_manage(request.user, offender):
        raise Http404
    access = _access(request, offender)
    conference = None
    if request.GET.get("conference", "").isdigit():
        conference = Conference.objects.filter(
            pk=int(request.GET["conference"]), offender=offender
        ).first()
    pathways = [code for code in Pathway.values if access.shows_pathway(code)]
    form = ActionForm(posted(request), agencies=_scheme_agencies(offender), pathways=pathways)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_create(
                offender=offender, conference=conference, pathway=data["pathway"],
                description=data["description"], lead_agency=data["lead_agency"],
                lead_officer=data["lead_officer"], due_date=data["due_date"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action added to the plan.")
            if conference:
                return redirect("conference-detail", pk=conference.pk)
            return redirect("case-plan", pk=offender.pk)
    return render(
        request,
        "cases/action_new.html",
        {"offender": offender, "access": access, "form": form, "conference": conference},
    )


def _may_update(user, action: Action) -> bool:
    """Those who run the plan, and the staff of the action's lead agency."""
    leads = Membership.objects.filter(
        user=user, agency_id=action.lead_agency_id, role__in=EDIT_ROLES
    ).exists()
    return leads or _may_manage(user, action.offender)


def action_edit(request, pk: int):
    actions = Action.objects.select_related("offender__scheme", "conference", "lead_agency")
    action = actions.filter(pk=pk).first()
    if action is None:
        raise Http404
    offender = offender_for(user=request.user, pk=action.offender_id)
    access = _access(request, offender)
    if not access.shows_pathway(action.pathway) or not _may_update(request.user, action):
        raise Http404

    def current(data=None):
        return ActionUpdateForm(
            data, agencies=_scheme_agencies(offender),
            initial={"status": action.status, "outcome": action.outcome,
                     "version": action.version, "lead_agency": action.lead_agency_id,
                     "lead_officer": action.lead_officer, "due_date": action.due_date},
        )  # fmt: skip

    form = current(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action_update(
                action=action, version=data["version"], status=data["status"],
                outcome=data["outcome"], due_date=data["due_date"],
                lead_agency=data["lead_agency"], lead_officer=data["lead_officer"],
                by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            if _stale(error):
                # Show what is there now; the next save knowingly replaces it.
                action.refresh_from_db()
                form = current()
                messages.error(request, STALE)
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, "Action updated.")
            return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/action_edit.html",
        {"action": action, "offender": offender, "access": access, "form": form},
    )  # fmt: skip


# --- partner referrals, appointments, enforcement, the exit plan ---------------------------


def partner_referral_new(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    if not _may_manage(request.user, offender):
        raise Http404
    access = _access(request, offender)
    pathways = [code for code in Pathway.values if access.shows_pathway(code)]
    form = PartnerReferralForm(
        posted(request), agencies=_scheme_agencies(offender), pathways=pathways,
        initial={"sent_on": timezone.localdate()},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner_referral_send(
                offender=offender, pathway=data["pathway"], service=data["service"],
                agency=data["agency"], sent_on=data["sent_on"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Referral recorded.")
            return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/form_page.html",
        {"offender": offender, "access": access, "form": form,
         "heading": "Refer to a partner service", "button": "Record referral"},
    )  # fmt: skip


def partner_referral_detail(request, pk: int):
    referral = PartnerReferral.objects.select_related("agency").filter(pk=pk).first()
    if referral is None:
        raise Http404
    offender = offender_for(user=request.user, pk=referral.offender_id)
    access = _access(request, offender)
    if not access.shows_pathway(referral.pathway):
        raise Http404
    partner = Membership.objects.filter(
        user=request.user, agency_id=referral.agency_id, role__in=EDIT_ROLES
    ).exists()
    may_update = partner or _may_manage(request.user, offender)
    steps = list(NEXT_STATES.get(referral.state, {}))
    initial = {"version": referral.version, "on": timezone.localdate()}
    form = PartnerReferralStepForm(
        posted(request) if may_update else None, steps=steps, initial=initial
    )
    stale = request.method == "POST" and request.POST.get("version") != str(referral.version)
    if request.method == "POST":
        if not may_update:
            raise Http404
        if stale:
            # Someone moved the referral on since the page was opened: show where it is now.
            form = PartnerReferralStepForm(steps=steps, initial=initial)
            messages.error(request, STALE)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                partner_referral_advance(
                    referral=referral, version=data["version"], to=data["to"], on=data["on"],
                    reason=data["reason"], detail=data["detail"], note=data["note"],
                    by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Referral updated.")
                return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/partner_referral.html",
        {"referral": referral, "offender": offender, "access": access,
         "form": form if may_update and (steps or stale) else None,
         "may_update": may_update and bool(steps),
         "heading": f"Referral to {referral.service}", "button": "Save"},
    )  # fmt: skip


def appointment_new(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    access = _access(request, offender)
    kinds = [(k, label) for k, label in Appointment.Kind.choices if access.shows_appointment(k)]
    if not _may_manage(request.user, offender) or not kinds:
        raise Http404
    form = AppointmentForm(posted(request), agencies=_scheme_agencies(offender), kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        at = timezone.make_aware(datetime.combine(data["day"], data["time"]))
        try:
            appointment_plan(offender=offender, agency=data["agency"], kind=data["kind"], at=at,
                             by=request.user)  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Appointment added.")
            return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/form_page.html",
        {"offender": offender, "access": access, "form": form, "heading": "Add an appointment",
         "button": "Add appointment"},
    )  # fmt: skip


def appointment_detail(request, pk: int):
    appointment = Appointment.objects.select_related("agency").filter(pk=pk).first()
    if appointment is None:
        raise Http404
    offender = offender_for(user=request.user, pk=appointment.offender_id)
    access = _access(request, offender)
    staff = Membership.objects.filter(
        user=request.user, agency_id=appointment.agency_id, role__in=EDIT_ROLES
    ).exists()
    if not access.shows_appointment(appointment.kind):
        raise Http404
    may_record = staff or _may_manage(request.user, offender)
    form = AppointmentOutcomeForm(posted(request) if may_record else None)
    if request.method == "POST":
        if not may_record:
            raise Http404
        if form.is_valid():
            try:
                flag = appointment_outcome(
                    appointment=appointment, outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"], by=request.user,
                )  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Outcome recorded. Two missed appointments within 28 days: consider breach "
                    "or recall."
                    if flag
                    else "Outcome recorded.",
                )
                return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/appointment.html",
        {"appointment": appointment, "offender": offender, "access": access,
         "note_shown": access.shows_appointment_note(appointment.kind),
         "form": form if may_record and not appointment.outcome else None,
         "heading": "Appointment", "button": "Record outcome"},
    )  # fmt: skip


def enforcement_detail(request, pk: int):
    flag = EnforcementFlag.objects.select_related(
        "first_absence__agency", "second_absence__agency"
    ).filter(pk=pk).first()  # fmt: skip
    if flag is None:
        raise Http404
    offender = offender_for(user=request.user, pk=flag.offender_id)
    access = _access(request, offender)
    if not access.shows_case_record:
        raise Http404
    may_act = _may_manage(request.user, offender) and not flag.followed_up_on
    form = FollowUpForm(posted(request) if may_act else None)
    if request.method == "POST":
        if not may_act:
            raise Http404
        if form.is_valid():
            try:
                enforcement_follow_up(flag=flag, follow_up=form.cleaned_data["follow_up"],
                                      by=request.user)  # fmt: skip
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Follow-up recorded.")
                return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/enforcement.html",
        {"flag": flag, "offender": offender, "access": access,
         "form": form if may_act else None, "heading": "Consider breach or recall",
         "button": "Record follow-up"},
    )  # fmt: skip


def exit_plan_edit(request, pk: int):
    offender = offender_for(user=request.user, pk=pk)
    access = _access(request, offender)
    if not _may_manage(request.user, offender) or not access.shows_case_record:
        raise Http404
    form = ExitPlanForm(
        posted(request), initial=_exit_plan_initial(exit_plan_of(offender=offender))
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exit_plan_save(
                offender=offender, version=data["version"],
                removal_criteria=data["removal_criteria"],
                continuing_support=data["continuing_support"], destination=data["destination"],
                agreed_with_offender_on=data["agreed_with_offender_on"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            if _stale(error):
                # Show what is there now; the next save knowingly replaces it.
                form = ExitPlanForm(initial=_exit_plan_initial(exit_plan_of(offender=offender)))
                messages.error(request, STALE)
            else:
                add_service_errors(form, error)
        else:
            messages.success(request, "Exit plan saved.")
            return redirect("case-plan", pk=offender.pk)
    return render(
        request, "cases/form_page.html",
        {"offender": offender, "access": access, "form": form, "heading": "Exit plan",
         "button": "Save exit plan"},
    )  # fmt: skip


# --- caseloads -------------------------------------------------------------------------------


def _caseload_page(request, people, *, title: str, scheme=None, managers=None):
    today = timezone.localdate()
    rows = caseload_rows(user=request.user, people=people, on=today)
    status = request.GET.get("status", "")
    if status:
        rows = [row for row in rows if row.status_label == status]
    if request.GET.get("overdue"):
        rows = [row for row in rows if row.overdue]
    if request.GET.get("flagged"):
        rows = [row for row in rows if row.flags]
    sort = request.GET.get("sort", "name")
    descending = request.GET.get("dir") == "desc"
    rows = sort_rows(rows, sort, descending)
    query = request.GET.copy()
    for key in ("sort", "dir"):
        query.pop(key, None)
    return render(
        request,
        "cases/caseload.html",
        {
            "title": title, "rows": rows, "today": today, "scheme": scheme,
            "managers": managers, "sort": sort, "descending": descending,
            "query": query.urlencode(), "statuses": Status.choices,
            "filters": request.GET,
        },
    )  # fmt: skip


def my_caseload(request):
    """The offender manager's own caseload."""
    # The memberships the page header reads anyway: no query of its own for the role check.
    if Role.OFFENDER_MANAGER not in {m.role for m in request_memberships(request)}:
        raise Http404
    people = register_search(user=request.user, on=timezone.localdate(), manager_id=request.user.pk)
    return _caseload_page(request, people, title="My caseload")


def team_caseload(request, slug: str):
    """A coordinator's view of every current PPO in the scheme, by offender manager."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    today = timezone.localdate()
    manager = request.GET.get("manager")
    people = register_search(
        user=request.user, on=today, programme=Programme.PPO,
        manager_id=int(manager) if manager and manager.isdigit() else None,
    ).filter(scheme=scheme)  # fmt: skip
    managers = register_filter_options(user=request.user, on=today, scheme=scheme)["managers"]
    return _caseload_page(request, people, title="Team caseload", scheme=scheme, managers=managers)


def conference_pack_view(request, slug: str):
    """The conference pack for a day: the page lists who is in it, ?format=pdf prints it."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    today = timezone.localdate()
    try:
        on = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        on = today
    # A conference day within a year either way; anything else is a typing slip.
    on = min(max(on, today - timedelta(days=366)), today + timedelta(days=366))
    entries = conference_pack(user=request.user, scheme=scheme, on=on)
    log_consultation(
        request=request, access={entry.person.pk: entry.access for entry in entries},
        purpose="export" if request.GET.get("format") == "pdf" else "page_view",
    )  # fmt: skip
    context = {"scheme": scheme, "on": on, "entries": entries}
    if request.GET.get("format") != "pdf":
        return render(request, "cases/pack.html", context)
    agencies = sorted({m.agency.name for m in memberships_of(user=request.user)})
    context.update(
        produced_at=timezone.localtime(), reader=request.user, reader_agency=", ".join(agencies)
    )
    pdf = render_pdf("cases/pack_pdf.html", context)
    return pdf_download(f"conference-pack-{scheme.slug}-{on.isoformat()}.pdf", pdf)


def _exit_plan_initial(plan) -> dict:
    if plan is None:
        return {}
    return {
        "removal_criteria": plan.removal_criteria, "continuing_support": plan.continuing_support,
        "destination": plan.destination, "version": plan.version,
        "agreed_with_offender_on": plan.agreed_with_offender_on,
    }  # fmt: skip


def case_settings_edit(request, slug: str):
    """A coordinator sets the scheme's conference interval (3 to 6 months) and contact
    target."""
    scheme = coordinated_scheme(user=request.user, slug=slug)
    form = CaseSettingsForm(posted(request), instance=case_settings_for(scheme))
    if request.method == "POST" and form.is_valid():
        case_settings_save(scheme=scheme, **form.cleaned_data)
        messages.success(request, "Case management settings saved.")
        return redirect("team-caseload", slug=scheme.slug)
    return render(request, "cases/settings.html", {"scheme": scheme, "form": form})
