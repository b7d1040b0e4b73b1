from ppo.models.organisations import Agency, AgencyType, Membership, Role, Scheme, User
from ppo.models.register import (
    Event,
    ImportKind,
    ImportRun,
    Offender,
    OffenderAlias,
    OffenderGroupObjectPermission,
    OffenderManagerAssignment,
    OffenderUserObjectPermission,
    ProgrammeMembership,
)

__all__ = [
    "Agency",
    "AgencyType",
    "Event",
    "ImportKind",
    "ImportRun",
    "Membership",
    "Offender",
    "OffenderAlias",
    "OffenderGroupObjectPermission",
    "OffenderManagerAssignment",
    "OffenderUserObjectPermission",
    "ProgrammeMembership",
    "Role",
    "Scheme",
    "User",
]
