from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ppo.access import log_consultation, log_lookup, only_where_shown, record_access
from ppo.codes import EventKind, Programme, Status
from ppo.events import EXTRA_COLUMNS
from ppo.lookup import lookup_run
from ppo.models import LOOKUP_ROLES, REGISTER_ROLES
from ppo.selectors import (
    can_edit_offender,
    coordinates_scheme,
    holds_role,
    memberships_of,
    offender_for,
    offender_record,
    register_search,
    schemes_editable_by,
)
from ppo.serializers import (
    EventSerializer,
    LookupAnswerSerializer,
    LookupRequestSerializer,
    OffenderCreateSerializer,
    OffenderRecordSerializer,
    OffenderSerializer,
    ProgrammeMembershipRecordSerializer,
    ProgrammeMembershipSerializer,
    errors,
)
from ppo.services import (
    event_record,
    offender_create,
    offender_update,
    programme_membership_record,
)


class MembershipSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.name")
    agency_type = serializers.CharField(source="agency.type")
    scheme = serializers.SlugField(source="agency.scheme.slug", allow_null=True, default=None)
    role = serializers.CharField()


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)


class MeApi(APIView):
    """The signed-in user and the agencies and roles they act in."""

    @extend_schema(responses={200: MeSerializer, **errors(403)})
    def get(self, request):
        data = {
            "email": request.user.email,
            "full_name": request.user.full_name,
            "memberships": memberships_of(user=request.user),
        }
        return Response(MeSerializer(data).data)


# --- /api/v1/: the register ------------------------------------------------------------------


class RegisterRole(BasePermission):
    """Only roles that read records reach the register API; others get 404 (deny by default)."""

    def has_permission(self, request, view):
        if not holds_role(user=request.user, roles=REGISTER_ROLES):
            raise NotFound
        return True


def _service_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as a 400 listing every problem by field."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class OffenderFilter(serializers.Serializer):
    """The register's filters; each left empty (as the register page's form sends it) or out
    means any."""

    q = serializers.CharField(required=False, default="", allow_blank=True)
    programme = serializers.ChoiceField(
        Programme.choices, required=False, default="", allow_blank=True
    )
    status = serializers.ChoiceField(Status.choices, required=False, default="", allow_blank=True)
    area = serializers.CharField(required=False, default="", allow_blank=True)
    manager_id = serializers.IntegerField(
        required=False, default=None, help_text="Only people this user is offender manager for"
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[OffenderFilter],
        responses={200: OffenderRecordSerializer(many=True), **errors(400, 403, 404)},
    ),
    retrieve=extend_schema(responses={200: OffenderRecordSerializer, **errors(403, 404)}),
    create=extend_schema(
        request=OffenderCreateSerializer,
        responses={201: OffenderRecordSerializer, **errors(400, 403, 404)},
    ),
    update=extend_schema(
        request=OffenderSerializer,
        responses={200: OffenderRecordSerializer, **errors(400, 403, 404, 409)},
    ),
    partial_update=extend_schema(
        request=OffenderSerializer,
        responses={200: OffenderRecordSerializer, **errors(400, 403, 404, 409)},
    ),
)
class OffenderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """People on the register that your agency may see. Records you may not see are 404."""

    serializer_class = OffenderRecordSerializer
    permission_classes = [IsAuthenticated, RegisterRole]
    filter_backends = []
    lookup_value_converter = "int"

    def get_queryset(self):
        today = timezone.localdate()
        filters = OffenderFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        people = register_search(user=self.request.user, on=today, **filters.validated_data)
        people, self.known_access = only_where_shown(
            people, user=self.request.user, on=today, criteria=filters.validated_data
        )
        return people.prefetch_related("aliases").order_by("last_name", "first_name", "pk")

    def get_object(self):
        return offender_record(
            user=self.request.user, pk=self.kwargs["pk"], on=timezone.localdate()
        )

    def get_serializer(self, *args, **kwargs):
        """Adds each record's effective access to the context, for the rows being shown."""
        if args and "data" not in kwargs:
            rows = args[0] if isinstance(args[0], list | tuple) else [args[0]]
            kwargs.setdefault("context", self.get_serializer_context())
            access = record_access(
                user=self.request.user, offenders=list(rows), on=timezone.localdate(),
                known=getattr(self, "known_access", None),
            )  # fmt: skip
            log_consultation(request=self.request, access=access, purpose="api_read")
            kwargs["context"]["access"] = access
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        serializer = OffenderCreateSerializer(data=request.data)
        valid = serializer.is_valid()
        # The scheme is checked even when other fields are wrong, to list every problem; a
        # body that is not an object has no scheme (the serializer says what is wrong).
        slug = request.data.get("scheme", "") if isinstance(request.data, dict) else ""
        scheme = schemes_editable_by(user=request.user).filter(slug=str(slug)).first()
        errors = dict(serializer.errors)
        if scheme is None:
            errors.setdefault("scheme", []).append("You cannot add people to this scheme")
        if errors or not valid:
            raise ValidationError(errors)
        data = dict(serializer.validated_data)
        data.pop("scheme")
        aliases = data.pop("aliases", [])
        data.pop("version", None)
        try:
            offender = offender_create(scheme=scheme, by=request.user, fields=data, aliases=aliases)
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(self._represent(offender.pk), status=201)

    def update(self, request, *args, **kwargs):
        offender = self.get_object()
        if not can_edit_offender(user=request.user, offender=offender):
            raise PermissionDenied("Your role cannot change this record.")
        access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
        if not access[offender.pk].shows_all_personal_fields:
            raise PermissionDenied("Some of this person's details are not shared with you.")
        partial = kwargs.pop("partial", False)
        serializer = OffenderSerializer(offender, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            raise ValidationError({"version": ["Send the version of the record you read"]})
        version = data.pop("version")
        aliases = data.pop("aliases", None)
        if aliases is None:
            aliases = [alias.name for alias in offender.aliases.all()]
        data.pop("local_id", None)
        try:
            offender_update(
                offender=offender, version=version, by=request.user, fields=data, aliases=aliases
            )
        except DjangoValidationError as error:
            if error.code == "conflict":
                return Response({"detail": error.message}, status=409)
            raise _service_errors(error) from error
        return Response(self._represent(offender.pk))

    def _represent(self, pk: int) -> dict:
        """The record as the caller may see it now (withheld fields null), after a write."""
        offender = offender_record(user=self.request.user, pk=pk, on=timezone.localdate())
        return self.get_serializer(offender).data

    @extend_schema(
        methods=["GET"],
        responses={200: ProgrammeMembershipRecordSerializer(many=True), **errors(403, 404)},
    )
    @extend_schema(
        methods=["POST"],
        request=ProgrammeMembershipSerializer,
        responses={201: ProgrammeMembershipSerializer, **errors(400, 403, 404)},
        description="Coordinators of the person's scheme record a membership, checked as "
        "programmes.csv is.",
    )
    # All of one person's memberships, unpaginated: a handful at most.
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def memberships(self, request, pk=None):
        offender = self.get_object()
        if request.method == "GET":
            access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
            log_consultation(request=request, access=access, purpose="api_read")
            rows = ProgrammeMembershipRecordSerializer(
                offender.memberships.all(), many=True, context={"access": access}
            )
            return Response(rows.data)
        if not coordinates_scheme(user=request.user, scheme=offender.scheme):
            raise PermissionDenied("Only the scheme's coordinators record memberships.")
        serializer = ProgrammeMembershipSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            membership = programme_membership_record(
                offender=offender,
                by=request.user,
                programme=data.pop("programme"),
                start_date=data.pop("start_date"),
                values=data,
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(ProgrammeMembershipSerializer(membership).data, status=201)


@extend_schema_view(
    get=extend_schema(responses={200: EventSerializer(many=True), **errors(403, 404)}),
    post=extend_schema(responses={201: EventSerializer, **errors(400, 403, 404)}),
)
class OffenderEventsApi(generics.ListCreateAPIView):
    """One person's history, newest first; POST records an event (checked as imports are)."""

    serializer_class = EventSerializer
    permission_classes = [IsAuthenticated, RegisterRole]
    filter_backends = []

    def offender(self):
        return offender_for(user=self.request.user, pk=self.kwargs["pk"])

    def get_queryset(self):
        offender = self.offender()
        access = record_access(
            user=self.request.user, offenders=[offender], on=timezone.localdate()
        )
        if self.request.method == "GET":
            log_consultation(request=self.request, access=access, purpose="api_read")
        shown = [kind for kind in EventKind.values if access[offender.pk].shows_event(kind)]
        return offender.events.filter(kind__in=shown).order_by("-date", "-id")

    def create(self, request, *args, **kwargs):
        offender = self.offender()
        if not can_edit_offender(user=request.user, offender=offender):
            raise PermissionDenied("Your role cannot record events for this person.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        access = record_access(user=request.user, offenders=[offender], on=timezone.localdate())
        if not access[offender.pk].shows_event(data["kind"]):
            # Refused before any check on existing events, which would reveal them.
            raise PermissionDenied("This kind of event is not shared with your agency.")
        try:
            event = event_record(
                offender=offender,
                by=request.user,
                kind=data.pop("kind"),
                date=data.pop("date"),
                reference=data.pop("reference", ""),
                values={column: data.get(column) for column in EXTRA_COLUMNS if column in data},
            )
        except DjangoValidationError as error:
            raise _service_errors(error) from error
        return Response(EventSerializer(event).data, status=201)


class LookupApi(APIView):
    """Is this person on a PPO or IOM list? The same answer shape for no match as for a match
    on no list. Every call is logged."""

    @extend_schema(
        request=LookupRequestSerializer,
        responses={200: LookupAnswerSerializer, **errors(400, 403, 404)},
    )
    def post(self, request):
        if not holds_role(user=request.user, roles=LOOKUP_ROLES):
            raise NotFound
        query = LookupRequestSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        answer = lookup_run(by=request.user, on=timezone.localdate(), **query.validated_data)
        log_lookup(request=request, matched_ids=answer.matched_ids)
        return Response(
            LookupAnswerSerializer({"on_list": answer.on_list, "entries": answer.entries}).data
        )
