"""The programme's city-wide figures with the labels that say what each counts: the review
board's page, its export and the reports' review-board section show this same list."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from learningcity.choices import PeriodKind
from learningcity.models import ReportingPeriod

from .selectors import as_of_period


def programme_figures(totals: dict[str, int], period: ReportingPeriod) -> list[tuple[str, int]]:
    """(label, value) for ``totals`` (selectors.programme_totals) of ``period``."""
    day = date_format(as_of_period(period), "d/m/Y")
    figures = [
        (_("Districts"), totals["districts"]),
        (
            _("Districts with a steering committee by %(date)s") % {"date": day},
            totals["with_committee"],
        ),
        (
            _("Districts with an implementation plan by %(date)s") % {"date": day},
            totals["with_plan"],
        ),
    ]
    if period.kind == PeriodKind.YEAR:
        figures += [
            (
                _("Interim reviews sent for the two half-years of %(year)s")
                % {"year": period.year},
                totals["reviews_sent"],
            ),
            (
                _("Districts that sent an interim review for either half of %(year)s")
                % {"year": period.year},
                totals["districts_reviewed"],
            ),
        ]
    else:
        figures.append(
            (
                _("Interim reviews sent for %(period)s") % {"period": period},
                totals["reviews_sent"],
            )
        )
    figures += [
        (_("of which awaiting the Department's reading"), totals["reviews_awaiting"]),
        (_("of which acknowledged by the Department"), totals["reviews_acknowledged"]),
        (_("of which returned to the district for changes"), totals["reviews_returned"]),
    ]
    return figures
