from .content import Axis, Commitment, Target, TargetResult
from .convention import Convention, ConventionQuerySet, Party, Signatory
from .follow_up import Amendment, AmendmentChange, Attachment, Review, Statement
from .taxonomy import Audience, Theme

__all__ = [
    "Amendment",
    "AmendmentChange",
    "Attachment",
    "Audience",
    "Axis",
    "Commitment",
    "Convention",
    "ConventionQuerySet",
    "Party",
    "Review",
    "Signatory",
    "Statement",
    "Target",
    "TargetResult",
    "Theme",
]
