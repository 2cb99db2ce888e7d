"""The region a territory belongs to, as a database expression (counts and filters by region).

A region is a territory of kind "region", or an overseas territory (Guadeloupe, La Réunion...:
each one is its own region). A department belongs to its parent region, a local territory
(employment area, town) to its department's region: the first region found going up at most
two parents. A national territory, or one whose parents are not filled in, has no region.
"""

from django.db import models
from django.db.models import Case, F, When

from .enums import TerritoryKind

REGION_KINDS = (TerritoryKind.REGION, TerritoryKind.OVERSEAS)
# A local territory -> its department -> its region.
MAX_LEVELS_UP = 2


def region_id(path: str) -> Case:
    """The id of the region of the territory reached by `path`, or NULL.

    `path` is a lookup path to a Territory foreign key, e.g. "territory" from Partner or
    "partner__territory" from Party. The joins it adds are outer joins: rows without a
    territory stay, with a NULL region.
    """
    levels = [path + "__parent" * up for up in range(MAX_LEVELS_UP + 1)]
    return Case(
        *(When(**{f"{level}__kind__in": REGION_KINDS}, then=F(level)) for level in levels),
        default=None,
        output_field=models.IntegerField(),
    )
