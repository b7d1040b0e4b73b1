"""REST serializers for the register. Validation of identifiers and events is shared with
the forms and the import (ppo/identifiers.py, ppo/events.py); writes go through services."""

from django.utils import timezone
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

    def to_representation(self, instance):
        """Withheld fields come back as null, named in `withheld` (category labels)."""
        data = super().to_representation(instance)
        access = self.context.get("access", {}).get(instance.pk)
        if access is None:
            return data
        for name in self.SHARED_FIELDS:
            if not access.shows_field(name):
                data[name] = None
        if not access.shows_status:
            data["status"] = None
        data["withheld"] = access.withheld
        return data

    def validate_date_of_birth(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("Date of birth must be in the past")
        return value


class OffenderCreateSerializer(OffenderSerializer):
    scheme = serializers.SlugField(write_only=True)


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
