from .content import Axis, Commitment, Target, TargetResult
from .convention import Convention, ConventionQuerySet, Party, Signatory
from .follow_up import Amendment, AmendmentChange, Attachment, Review, Statement
from .taxonomy import Audience, Theme

# The rows hanging off a convention by a convention_id of their own. A target's results and an
# amendment's changes hang off those rows. Its version (versioning.py) and its change history
# (history.py) follow them all.
CONVENTION_ROWS = (
    Party,
    Signatory,
    Axis,
    Commitment,
    Target,
    Amendment,
    Review,
    Attachment,
    Statement,
)

__all__ = [
    "CONVENTION_ROWS",
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
