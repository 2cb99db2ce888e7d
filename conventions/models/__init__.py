from .content import Axis, Commitment, Target
from .convention import Convention, ConventionQuerySet, Party, Signatory
from .follow_up import Amendment, Attachment, Review, Statement
from .taxonomy import Audience, Theme

__all__ = [
    "Amendment",
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
    "Theme",
]
