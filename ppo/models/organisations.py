"""Schemes, agencies and staff: who works in which partnership, for which agency, in which role."""

from django.contrib.auth.models import AbstractBaseUser, Group, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower

from ppo.managers import UserManager


class Scheme(models.Model):
    """A PPO scheme: one Community Safety Partnership's list and the agencies working it."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    capacity_min = models.PositiveIntegerField(
        help_text="The fewest PPOs the partnership aims to manage at once."
    )
    capacity_max = models.PositiveIntegerField(
        help_text="The most PPOs the partnership can manage intensively at once."
    )
    retention_years = models.PositiveSmallIntegerField(
        default=6,
        help_text="Years after someone leaves their last programme before their record is "
        "reviewed for erasure (1 to 20).",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_min__lte=models.F("capacity_max")),
                name="scheme_capacity_min_not_above_max",
                violation_error_message="The lowest capacity cannot be above the highest.",
            ),
            models.CheckConstraint(
                condition=models.Q(retention_years__gte=1, retention_years__lte=20),
                name="scheme_retention_years_1_to_20",
                violation_error_message="The retention period is from 1 to 20 years.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    YOT = "yot", "Youth offending team"
    CJIT = "cjit", "Criminal justice integrated team (drugs)"
    TREATMENT = "treatment", "Treatment provider"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HOUSING = "housing", "Housing"
    ETE = "ete", "Education, training and employment"
    VOLUNTARY = "voluntary", "Voluntary sector"


class Agency(models.Model):
    """An organisation whose staff use the service.

    An agency belongs to one scheme, or to none when it serves several (a prison, a regional
    treatment provider); shared agencies take part in a scheme through its grants.
    """

    name = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=AgencyType.choices)
    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, null=True, blank=True, related_name="agencies"
    )
    # Object permissions (grants on offenders) are held by this group; its members are
    # exactly the users with a membership of the agency (kept so by ppo.services).
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name"],
                name="agency_name_unique_in_scheme",
                nulls_distinct=False,
                violation_error_message="An agency with this name already exists in the scheme.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.scheme_id is None


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Signs in with an email address; belongs to agencies by Membership."""

    email = models.EmailField(max_length=254, unique=True)
    full_name = models.CharField(max_length=200)
    phone = models.CharField(
        max_length=40, blank=True, help_text="Work telephone, shown to partners as a contact."
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Can use the administration pages to set up staff."
    )
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            # Sign-in ignores case, so addresses are stored in lower case and the plain
            # unique index serves both the constraint and the sign-in lookup.
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="user_email_lower_case",
                violation_error_message="Email addresses are stored in lower case.",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    OFFENDER_MANAGER = "offender_manager", "Offender manager"
    COORDINATOR = "coordinator", "PPO coordinator"
    PANEL_MEMBER = "panel_member", "Panel member"
    AUTHORISER = "authoriser", "Authoriser (information sharing)"
    STEERING_VIEWER = "steering_viewer", "Steering group member"
    CUSTODY_OFFICER = "custody_officer", "Custody or prison reception officer"
    ADMIN = "admin", "Service administrator"
    DATA_PROTECTION = "data_protection", "Data protection officer"


# Roles that read offender records in their agency's grants. Custody officers only use the
# "is this a PPO?" lookup; steering group members see figures, never names.
REGISTER_ROLES = frozenset(
    {Role.OFFENDER_MANAGER, Role.COORDINATOR, Role.PANEL_MEMBER, Role.AUTHORISER}
)
# Roles that add people, edit them and record events.
EDIT_ROLES = frozenset({Role.OFFENDER_MANAGER, Role.COORDINATOR})
LOOKUP_ROLES = REGISTER_ROLES | {Role.CUSTODY_OFFICER}


class Membership(models.Model):
    """A user works for an agency in a role. One user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                name="membership_unique_role_per_agency",
                violation_error_message="This person already has this role in this agency.",
            ),
        ]
        indexes = [models.Index(fields=["agency", "role"])]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()}, {self.agency}"
