"""When a convention's next follow-up review is expected, and whether it is overdue.

The Python side of `ConventionQuerySet.reviews_due()` (the dashboard, the list filter and the
reminder e-mails): computed from the convention's reviews as already loaded (prefetched by
`for_detail()`), so the convention page costs no query. The two are tested against each other
on the boundary days (tests/test_follow_up_reviews.py).
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..dates import add_months
from ..enums import Status

if TYPE_CHECKING:
    from .convention import Convention
    from .follow_up import Review

ONE_DAY = datetime.timedelta(days=1)


def first_day_period_elapsed(reference: datetime.date, months: int) -> datetime.date:
    """The first day on which `months` months have elapsed since `reference`, as the database
    counts it: `reference <= day - months` (both sides clamp to the end of a shorter month, so
    31 January plus one month is not elapsed on 28 February but on 1 March)."""
    day = add_months(reference, months)
    while add_months(day, -months) < reference:
        day += ONE_DAY
    return day


@dataclass(frozen=True)
class ReviewSchedule:
    """A convention's follow-up reviews as seen on `day`."""

    day: datetime.date
    every_months: int | None
    # The latest review (by date, then by creation), whatever its date.
    last_review: "Review | None"
    # The convention's status on `day`: only one in force has a review due (as in reviews_due()).
    status: Status
    # What the period runs from: the latest review, else the convention's effective date.
    reference: datetime.date | None

    @property
    def in_force(self) -> bool:
        # A convention without end date has its reviews too (RUNNING_STATUSES).
        return self.status in (Status.IN_FORCE, Status.IN_FORCE_OPEN_ENDED)

    @property
    def is_followed(self) -> bool:
        """Signed and not over yet: the next review is worth announcing."""
        return self.status in (Status.SIGNED, Status.IN_FORCE, Status.IN_FORCE_OPEN_ENDED)

    @property
    def planned_on(self) -> datetime.date | None:
        """The next review the latest one planned."""
        return self.last_review.next_review_on if self.last_review else None

    @property
    def period_due_on(self) -> datetime.date | None:
        """The day the review period runs out: from then on a review is due."""
        if self.every_months is None or self.reference is None:
            return None
        return first_day_period_elapsed(self.reference, self.every_months)

    @property
    def expected_on(self) -> datetime.date | None:
        """When the next review is expected: the date planned or the end of the period,
        whichever comes first."""
        dates = [d for d in (self.planned_on, self.period_due_on) if d is not None]
        return min(dates, default=None)

    @property
    def overdue_since(self) -> datetime.date | None:
        """The first day the review has been overdue, if it is on `day`: the day the period ran
        out, or the day after the planned date."""
        if not self.in_force:
            return None
        since = []
        if self.period_due_on is not None and self.period_due_on <= self.day:
            since.append(self.period_due_on)
        if self.planned_on is not None and self.planned_on < self.day:
            since.append(self.planned_on + ONE_DAY)
        return min(since, default=None)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_since is not None


def review_schedule(convention: "Convention", day: datetime.date) -> ReviewSchedule:
    reviews = list(convention.reviews.all())
    last_review = max(reviews, key=lambda review: (review.held_on, review.pk), default=None)
    return ReviewSchedule(
        day=day,
        every_months=convention.review_every_months,
        last_review=last_review,
        status=convention.status_on(day),
        reference=last_review.held_on if last_review else convention.effective_on,
    )
