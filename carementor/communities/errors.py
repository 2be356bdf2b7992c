"""The communities app's domain error, and the one that carries patient-identifier findings."""

from carementor.lib import safeguards
from carementor.lib.errors import DomainError


class CommunityError(DomainError):
    pass


class IdentifiersFound(CommunityError, safeguards.IdentifiersFound):
    """The shared safeguard's refusal (422 ``patient_identifiers``), caught with the
    community's other refusals."""
