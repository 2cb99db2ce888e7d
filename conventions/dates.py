"""Month arithmetic shared by Python properties and database annotations.

Both sides clamp to the last day of the month (31 March minus one month is 29 February in a leap
year), so a status or deadline computed in SQL is the one computed in Python.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Func


def add_months(day: datetime.date, months: int) -> datetime.date:
    return day + relativedelta(months=months)


def end_of_term(start: datetime.date, months: int) -> datetime.date:
    """Last day in force of a term of `months` months starting on `start`."""
    return add_months(start, months) - datetime.timedelta(days=1)


class SubtractMonths(Func):
    """`date - n months` as a database expression (NULL when either side is NULL)."""

    arity = 2
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        raise NotImplementedError(f"SubtractMonths is not available on {connection.vendor}.")

    def _compile(self, compiler):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        return date_sql, tuple(date_params), months_sql, tuple(months_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        d, dp, m, mp = self._compile(compiler)
        return f"CAST(({d}) - make_interval(months => ({m})::integer) AS date)", dp + mp

    def as_sqlite(self, compiler, connection, **extra_context):
        d, dp, m, mp = self._compile(compiler)
        target_month = f"date({d}, 'start of month', '-' || ({m}) || ' months'"
        same_day = f"{target_month}, '+' || (CAST(strftime('%%d', {d}) AS integer) - 1) || ' days')"
        last_day = f"{target_month}, '+1 month', '-1 day')"
        return f"MIN({same_day}, {last_day})", dp + mp + dp + dp + mp
