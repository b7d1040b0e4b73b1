"""REST serializers for the register. Validation of identifiers and events is shared with
the forms and the import (ppo/identifiers.py, ppo/events.py); writes go through services."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from ppo.codes import EventKind, Status
from ppo.events import EVENT_SPECS, EXTRA_COLUMNS
from ppo.identifiers import crn_normalise, nomis_normalise, pnc_normalise
from ppo.models import Event, Offender, OffenderManagerAssignment, ProgrammeMembership


def _normalising(normalise):
    def validate(self, value: str) -> str:
        if not value.strip():
            return ""
        try:
            return normalise(value)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None

    return validate


class ErrorSerializer(serializers.Serializer):
    """A refusal (403, 404, 405, 409...): what went wrong, in words."""

    detail = serializers.CharField()


# REST framework's 400: each field's problems (a list field's by item index), with
# `non_field_errors` for the request as a whole; `detail` alone when the body cannot be read.
_MESSAGES = {"type": "array", "items": {"type": "string"}}
VALIDATION_ERRORS = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "non_field_errors": _MESSAGES},
    "additionalProperties": {
        "oneOf": [_MESSAGES, {"type": "object", "additionalProperties": _MESSAGES}]
    },
}

ERROR_RESPONSES = {
    400: OpenApiResponse(VALIDATION_ERRORS, description="Every problem with the request"),
    403: OpenApiResponse(
        ErrorSerializer,
        description="No valid token (or a session without the second factor), or not allowed "
        "to do this to this record",
    ),
    404: OpenApiResponse(
        ErrorSerializer,
        description="No such record or page, or not one you may see (a role that does not use "
        "this API gets 404 too, never a 403 that confirms the record exists)",
    ),
    409: OpenApiResponse(ErrorSerializer, description="Someone else changed the record first"),
}


def errors(*codes: int) -> dict:
    """The refusals an operation answers with, for `extend_schema(responses=...)`."""
    return {code: ERROR_RESPONSES[code] for code in codes}


class ProgrammeMembershipSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProgrammeMembership
        fields = [
            "id", "programme", "start_date", "end_date", "strand", "referral_source",
            "exit_reason", "exit_destination",
        ]  # fmt: skip
        read_only_fields = ["id"]
        # Checked by the service, with the other membership rules, as for imports.
        validators = []


class ManagerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="manager.full_name")
    email = serializers.EmailField(source="manager.email")
    phone = serializers.CharField(source="manager.phone")
    agency = serializers.CharField(source="agency.name")

    class Meta:
        model = OffenderManagerAssignment
        fields = ["name", "email", "phone", "agency", "start_date"]


class AliasListField(serializers.ListField):
    """Aliases as a list of names: read from the related rows, written as plain strings."""

    def to_representation(self, data):
        return sorted(alias.name for alias in data.all())


class OffenderSerializer(serializers.ModelSerializer):
    """A person's details as sent to change them; answers use OffenderRecordSerializer."""

    scheme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    aliases = AliasListField(child=serializers.CharField(max_length=200), required=False)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    programmes = ProgrammeMembershipSerializer(
        source="current_programmes", many=True, read_only=True
    )
    offender_managers = ManagerSerializer(source="current_assignments", many=True, read_only=True)
    version = serializers.IntegerField(
        required=False,
        help_text="Send back the version you read when updating; a stale one is refused (409).",
    )

    class Meta:
        model = Offender
        fields = [
            "id", "scheme", "local_id", "first_name", "last_name", "date_of_birth", "gender",
            "ethnicity", "pnc_id", "cro_number", "nomis_number", "crn", "postcode", "area",
            "aliases", "status", "programmes", "offender_managers", "version",
        ]  # fmt: skip
        read_only_fields = ["id"]
        # The column is empty only on erased records, which the API never shows.
        extra_kwargs = {"date_of_birth": {"required": True, "allow_null": False}}
        # Uniqueness is the service's to check (with the scheme), as for the forms.
        validators = []

    validate_pnc_id = _normalising(pnc_normalise)
    validate_nomis_number = _normalising(nomis_normalise)
    validate_crn = _normalising(crn_normalise)

    # Personal fields that information sharing may withhold (ppo/access.py).
    SHARED_FIELDS = (
        "first_name", "last_name", "date_of_birth", "gender", "ethnicity", "pnc_id",
        "cro_number", "nomis_number", "crn", "postcode", "area", "aliases",
    )  # fmt: skip

    def validate_date_of_birth(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("Date of birth must be in the past")
        return value


class OffenderChangeSchemaExtension(OpenApiSerializerExtension):
    """Changes (PUT and PATCH) are refused without the version read (optimistic locking):
    say so in the schema, which would otherwise make every field of a PATCH optional."""

    target_class = OffenderSerializer  # exactly: the create form and answers are subclasses

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema


class OffenderCreateSerializer(OffenderSerializer):
    scheme = serializers.SlugField(write_only=True)


def _withholdable(fields: dict, names) -> dict:
    """Mark fields that information sharing may withhold as null in answers. Only for
    serializers that never read input: there, null would be accepted and then refused by the
    database."""
    for name in names:
        fields[name].allow_null = True
    return fields


class OffenderRecordSerializer(OffenderSerializer):
    """A person's record as the caller may see it (context["access"]: effective access by
    offender id, ppo/access.py). Withheld fields are null, and `withheld` names the categories
    not shown (labels), never whether any such information exists."""

    withheld = serializers.SerializerMethodField()

    class Meta(OffenderSerializer.Meta):
        fields = [*OffenderSerializer.Meta.fields, "withheld"]

    def get_fields(self):
        return _withholdable(super().get_fields(), (*self.SHARED_FIELDS, "status"))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_withheld(self, offender) -> list[str]:
        return self.context["access"][offender.pk].withheld

    def to_representation(self, instance):
        data = super().to_representation(instance)
        access = self.context["access"][instance.pk]
        for name in self.SHARED_FIELDS:
            if not access.shows_field(name):
                data[name] = None
        if not access.shows_status:
            data["status"] = None
        return data


class ProgrammeMembershipRecordSerializer(ProgrammeMembershipSerializer):
    """A membership as the caller may see it (context["access"] as for OffenderRecordSerializer):
    why the person left (long custody, MAPPA) is custody and risk information, null where
    their status is withheld."""

    STATUS_FIELDS = ("exit_reason", "exit_destination")

    def get_fields(self):
        return _withholdable(super().get_fields(), self.STATUS_FIELDS)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context["access"][instance.offender_id].shows_status:
            for name in self.STATUS_FIELDS:
                data[name] = None
        return data


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    reference = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)

    class Meta:
        model = Event
        fields = ["id", "kind", "date", "reference", *EXTRA_COLUMNS, "recorded_at"]
        read_only_fields = ["id", "recorded_at"]
        validators = []

    def to_representation(self, instance):
        data = super().to_representation(instance)
        used = set(EVENT_SPECS[instance.kind].columns)
        return {
            key: value for key, value in data.items() if key not in EXTRA_COLUMNS or key in used
        }


# Named so that the request component (split from responses) is LookupRequest.
@extend_schema_serializer(component_name="Lookup")
class LookupRequestSerializer(serializers.Serializer):
    pnc_id = serializers.CharField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, default="")
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)

    validate_pnc_id = _normalising(pnc_normalise)

    def validate(self, data):
        if data["pnc_id"]:
            return data
        missing = {
            field: "Enter this, or a PNC ID"
            for field in ("first_name", "last_name", "date_of_birth")
            if not data[field]
        }
        if missing:
            raise serializers.ValidationError(missing)
        return data


class LookupEntrySerializer(serializers.Serializer):
    programme = serializers.CharField()
    scheme = serializers.CharField()
    strand = serializers.CharField()
    manager_name = serializers.CharField()
    manager_phone = serializers.CharField()
    manager_email = serializers.CharField()


class LookupAnswerSerializer(serializers.Serializer):
    on_list = serializers.BooleanField()
    entries = LookupEntrySerializer(many=True)
