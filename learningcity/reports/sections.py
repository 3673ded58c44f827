"""The contents of a report, section by section, read from every app through its selectors.

Each builder takes the report's ``Scope`` and returns a small ``Section``: paragraphs, tables
and key figures. Both writers (XLSX and DOCX) render the same ``Section``; nothing here knows
about files. A section whose app has no data (or is not built yet) says so plainly instead of
failing.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import selectors as awards
from clc import selectors as clc
from clc.choices import FundingSource, LearningTopic, Participants
from districts import selectors as districts
from districts.choices import TaskStatus
from districts.figures import programme_figures
from districts.models import AdministrativeUnit
from indicators import selectors as indicators
from indicators.choices import Status, Unit
from indicators.models import Framework
from learningcity.choices import PeriodKind
from learningcity.deadlines.choices import ObligationKind
from learningcity.deadlines.selectors import obligation_timeliness
from learningcity.models import ReportingPeriod

from . import selectors
from .choices import ReportKind

COUNT = "#,##0"
DECIMAL = "#,##0.0"
DATE = "dd/mm/yyyy"


@dataclass(frozen=True)
class Scope:
    """What a report covers: its kind, period, optional district and the span of dates."""

    kind: str
    period: ReportingPeriod
    district: AdministrativeUnit | None
    start: datetime.date
    end: datetime.date
    label: str
    years: tuple[ReportingPeriod, ...] = ()  # the year periods the span touches, in order

    @classmethod
    def of(cls, report) -> "Scope":
        return cls(
            kind=report.kind,
            period=report.period,
            district=report.district,
            start=report.start_date,
            end=report.end_date,
            label=report.span_label,
            years=tuple(selectors.years_within(first=report.first_year, last=report.period.year)),
        )

    @property
    def is_district(self) -> bool:
        return self.district is not None

    @property
    def year_period(self) -> ReportingPeriod | None:
        """The year period of the report's own year, if it exists."""
        return next((p for p in self.years if p.year == self.period.year), None)


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    formats: dict[int, str] = field(default_factory=dict)  # Excel number formats by column
    # Columns the document shows (all when None): A4 portrait holds about six.
    document_columns: list[int] | None = None
    in_document: bool = True  # False: a wide table for the workbook only


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[tuple[str, object]] = field(default_factory=list)  # (label, value), summary
    no_data: str = ""  # why there is nothing to show: the app has no data (yet)


SECTIONS: tuple[str, ...] = ("review_board", "difficulties", "indicators", "awards", "clc")
TITLES: dict[str, Promise] = {
    "review_board": gettext_lazy("Steering committees, plans, key tasks and interim reviews"),
    "difficulties": gettext_lazy("Difficulties and proposals of the districts"),
    "indicators": gettext_lazy("UNESCO indicators: status by area and district comparison"),
    "awards": gettext_lazy("Emulation awards of the period"),
    "clc": gettext_lazy("Community learning centres"),
}


def build(key: str, scope: Scope) -> Section:
    """The section ``key`` of a report covering ``scope`` (looked up at call time)."""
    return globals()[f"{key}_section"](scope)


def _rounded(value, places: str = "0.1"):
    """A figure as reports show it: to one decimal, a whole number without decimals."""
    if value is None:
        return None
    rounded = Decimal(value).quantize(Decimal(places), ROUND_HALF_UP)
    return int(rounded) if rounded == rounded.to_integral_value() else rounded


# --- I. Review board ------------------------------------------------------------------------------


def review_board_section(scope: Scope) -> Section:
    section = Section(key="review_board", title=str(TITLES["review_board"]))
    period = scope.period
    totals = districts.programme_totals(period=period)
    key_tasks = list(districts.key_tasks_for(period=period))
    if not totals["districts"]:
        section.no_data = _("No districts are loaded yet.")
        return section
    facts = {
        "committees": totals["with_committee"],
        "districts": totals["districts"],
        "plans": totals["with_plan"],
        "date": date_format(districts.as_of_period(period), "d/m/Y"),
        "period": period,
        "year": period.year,
        "reviews": totals["reviews_sent"],
        "reviewed": totals["districts_reviewed"],
        "awaiting": totals["reviews_awaiting"],
        "acknowledged": totals["reviews_acknowledged"],
        "returned": totals["reviews_returned"],
    }
    section.paragraphs.append(
        _(
            "By %(date)s, %(committees)s of %(districts)s districts had set up a steering "
            "committee and %(plans)s had issued an implementation plan."
        )
        % facts
    )
    if period.kind == PeriodKind.YEAR:
        reviews = _(
            "Interim reviews are filed per half-year. For the two half-years of %(year)s, "
            "%(reviews)s interim reviews were sent to the Department by %(reviewed)s districts."
        )
    else:
        reviews = _("For %(period)s, %(reviews)s interim reviews were sent to the Department.")
    section.paragraphs.append(
        f"{reviews % facts} "
        + _(
            "Of these, %(awaiting)s await the Department's reading, %(acknowledged)s have been "
            "acknowledged and %(returned)s were returned to the district for changes."
        )
        % facts
    )
    section.figures += [
        *programme_figures(totals, period),
        (_("Key tasks of the period"), len(key_tasks)),
    ]
    board = districts.review_board(period=period)
    rows = list(board.filter(pk=scope.district.pk) if scope.is_district else board)
    sent = districts.board_reviews(rows, period=period)
    section.tables.append(
        Table(
            title=_("Review board %(period)s") % {"period": period},
            headers=[
                _("GSO code"),
                _("District"),
                _("Committee decision"),
                _("Decision date"),
                _("Members"),
                _("Plan number"),
                _("Plan date"),
                _("Key tasks done"),
                _("Key tasks"),
                _("Interim reviews sent"),
                _("Interim review"),
            ],
            rows=[
                [
                    row.code,
                    row.name,
                    row.committee_number or _("Missing"),
                    row.committee_issued_on,
                    row.member_count,
                    row.plan_number or _("Missing"),
                    row.plan_issued_on,
                    row.tasks_done,
                    len(key_tasks),
                    row.reviews_sent,
                    "; ".join(
                        f"{review.period}: {review.get_status_display()}"
                        for review in sent.get(row.pk, [])
                    )
                    or _("Not sent"),
                ]
                for row in rows
            ],
            formats={3: DATE, 4: COUNT, 6: DATE, 7: COUNT, 8: COUNT, 9: COUNT},
            document_columns=[1, 2, 4, 5, 7, 10],
        )
    )
    if scope.is_district:
        statuses = dict(TaskStatus.choices)
        progress = districts.progress_for(district=scope.district, period=period)
        section.tables.append(
            Table(
                title=_("Key-task progress %(period)s") % {"period": period},
                headers=[_("Code"), _("Key task"), _("Status"), _("What was done")],
                rows=[
                    [
                        task.code,
                        task.display_title,
                        str(statuses[entry.status]) if entry else _("Not started"),
                        entry.account if entry else "",
                    ]
                    for task, entry in progress
                ],
            )
        )
    elif key_tasks:
        section.tables.append(
            Table(
                title=_("Key tasks %(year)s") % {"year": period.year},
                headers=[_("Code"), _("Key task")],
                rows=[[task.code, task.display_title] for task in key_tasks],
            )
        )
    return section


# --- II. Difficulties and proposals ---------------------------------------------------------------


def difficulties_section(scope: Scope) -> Section:
    section = Section(key="difficulties", title=str(TITLES["difficulties"]))
    # The interim reviews sent for the periods inside the report's span (a year: both halves),
    # the same reviews the review board counts.
    digest = districts.review_digest(start=scope.start, end=scope.end)
    if scope.is_district:
        digest = digest.filter(district=scope.district)
    reviews = list(digest)
    if not reviews:
        section.paragraphs.append(
            _("No interim review of %(span)s has been sent to the Department yet.")
            % {"span": scope.label}
        )
        section.figures.append((_("Interim reviews sent"), 0))
        return section
    reviewed = len({review.district_id for review in reviews})
    section.paragraphs.append(
        _(
            "%(count)s interim reviews of %(span)s were sent to the Department by %(districts)s "
            "districts. The difficulties and proposals they report are listed below as the "
            "districts wrote them."
        )
        % {"count": len(reviews), "span": scope.label, "districts": reviewed}
    )
    section.figures += [
        (_("Interim reviews sent"), len(reviews)),
        (_("Districts that sent an interim review"), reviewed),
    ]
    section.tables.append(
        Table(
            title=_("Difficulties and proposals"),
            headers=[
                _("District"),
                _("Period"),
                _("Date held"),
                _("Status"),
                _("Difficulties and obstacles"),
                _("Proposals"),
            ],
            rows=[
                [
                    review.district.name,
                    str(review.period),
                    review.held_on,
                    str(review.get_status_display()),
                    review.difficulties,
                    review.proposals,
                ]
                for review in reviews
            ],
            formats={2: DATE},
            document_columns=[0, 1, 4, 5],
        )
    )
    return section


# --- III. Indicators ------------------------------------------------------------------------------


def _indicator_period(scope: Scope, district_ids: list[int]) -> ReportingPeriod:
    """The report's period, or its year when districts report indicators by year only."""
    year = scope.year_period
    if scope.period.kind == "year" or year is None:
        return scope.period
    if indicators.completeness(period=scope.period, district_ids=district_ids)["started"]:
        return scope.period
    return year


def indicators_section(scope: Scope) -> Section:
    section = Section(key="indicators", title=str(TITLES["indicators"]))
    try:
        framework = indicators.current_framework()
    except Framework.DoesNotExist:
        section.no_data = _("No indicator framework is loaded yet.")
        return section
    district_list = list(districts.portal_district_list())
    district_ids = [d.pk for d in district_list]
    period = _indicator_period(scope, district_ids)
    if period != scope.period:
        section.paragraphs.append(
            _("Districts report indicators by year: the figures are those of %(period)s.")
            % {"period": period}
        )
    indicator_list = list(indicators.framework_indicators(framework=framework))
    by_id = {indicator.pk: indicator for indicator in indicator_list}
    figures = indicators.city_rollup(framework=framework, period=period, indicators=indicator_list)
    done = indicators.completeness(period=period, district_ids=district_ids)
    previous = scope.years[0] if len(scope.years) > 1 and scope.years[0] != period else None
    trend = (
        indicators.city_trend(framework=framework, periods=[previous], indicators=indicator_list)
        if previous
        else {}
    )
    table = indicators.district_table(framework=framework, period=period)
    if scope.is_district:
        table = {key: value for key, value in table.items() if key[0] == scope.district.pk}

    statuses = Counter(f.status for f in figures)
    section.paragraphs.append(
        _(
            "Framework %(framework)s, %(period)s: %(approved)s of %(districts)s districts have "
            "had their values approved (%(submitted)s sent). Of %(indicators)s indicators, "
            "%(on_track)s are on track, %(at_risk)s at risk, %(off_track)s off track, "
            "%(not_enough)s have approved values from too few districts to be judged and "
            "%(no_data)s have no value yet. Computed indicators are read from the portal's "
            "registers as at the end of the period, for every district."
        )
        % {
            "framework": framework,
            "period": period,
            "approved": done["approved"],
            "districts": len(district_ids),
            "submitted": done["submitted"],
            "indicators": len(figures),
            "on_track": statuses[Status.ON_TRACK],
            "at_risk": statuses[Status.AT_RISK],
            "off_track": statuses[Status.OFF_TRACK],
            "not_enough": statuses[Status.NOT_ENOUGH_DATA],
            "no_data": statuses[Status.NO_DATA],
        }
    )
    section.paragraphs.append(indicators.status_rule(framework))
    section.figures += [
        (_("Districts with approved indicator values"), done["approved"]),
        (_("Indicators on track"), statuses[Status.ON_TRACK]),
        (_("Indicators at risk"), statuses[Status.AT_RISK]),
        (_("Indicators off track"), statuses[Status.OFF_TRACK]),
        (_("Indicators with not enough data"), statuses[Status.NOT_ENOUGH_DATA]),
        (_("Indicators without data"), statuses[Status.NO_DATA]),
    ]

    # Status by area of focus.
    areas: dict[int, tuple[object, Counter]] = {}
    for figure in figures:
        area = figure.indicator.area
        areas.setdefault(area.pk, (area, Counter()))[1][figure.status] += 1
    counted = (
        Status.ON_TRACK,
        Status.AT_RISK,
        Status.OFF_TRACK,
        Status.NOT_ENOUGH_DATA,
        Status.NO_TARGET,
        Status.NO_DATA,
    )
    section.tables.append(
        Table(
            title=_("Status by area of focus"),
            headers=[
                _("Area of focus"),
                _("Indicators"),
                *(str(status.label) for status in counted),
            ],
            rows=[
                [str(area), sum(counts.values()), *(counts[status] for status in counted)]
                for area, counts in areas.values()
            ],
            formats=dict.fromkeys(range(1, 2 + len(counted)), COUNT),
        )
    )

    # City roll-up, indicator by indicator.
    def unit_of(indicator) -> str:
        if indicator.unit == Unit.YES_NO:
            return _("Share of districts answering yes (%)")
        return str(indicator.get_unit_display())

    def places(indicator) -> str:
        return "1" if indicator.unit == Unit.VND else "0.1"

    headers = [_("Code"), _("Indicator"), _("Unit")]
    if previous:
        headers.append(_("City %(period)s") % {"period": previous})
    headers += [
        _("City %(period)s") % {"period": period},
        _("Target %(year)s") % {"year": period.year},
        _("Status"),
        _("Coverage"),
    ]
    if scope.is_district:
        headers += [scope.district.name, _("District status")]
    rows = []
    for figure in figures:
        indicator = figure.indicator
        row = [indicator.code, indicator.display_name, unit_of(indicator)]
        if previous:
            row.append(_rounded(trend.get(indicator.pk, [None])[0], places(indicator)))
        row += [
            _rounded(figure.value, places(indicator)),
            _rounded(figure.target, places(indicator)),
            str(figure.status.label),
            figure.coverage_text,
        ]
        if scope.is_district:
            own_value = table.get((scope.district.pk, indicator.pk))
            row += [
                _rounded(own_value, places(indicator)),
                str(indicators.district_status_of(indicator, own_value, period.year).label),
            ]
        rows.append(row)
    first_figure = 4 if previous else 3
    value_columns = range(3, first_figure + 2)
    formats = dict.fromkeys(value_columns, DECIMAL)
    if scope.is_district:
        formats[first_figure + 4] = DECIMAL
    shown = [0, 1, 2, *value_columns, first_figure + 2, first_figure + 3]
    if scope.is_district:
        shown = [0, 1, 2, first_figure, first_figure + 4, first_figure + 5]
    section.tables.append(
        Table(
            title=_("City values %(period)s") % {"period": period},
            headers=headers,
            rows=rows,
            formats=formats,
            document_columns=shown,
        )
    )
    if scope.is_district:
        return section

    # District comparison: a status count per district for the document, every value for Excel.
    compare_rows, matrix_rows = [], []
    for district in district_list:
        counts = Counter()
        values = []
        for indicator in indicator_list:
            number = table.get((district.pk, indicator.pk))
            values.append(_rounded(number, places(indicator)))
            if (district.pk, indicator.pk) in table:
                counts[indicators.district_status_of(by_id[indicator.pk], number, period.year)] += 1
        compare_rows.append(
            [
                district.name,
                sum(counts.values()),
                counts[Status.ON_TRACK],
                counts[Status.AT_RISK],
                counts[Status.OFF_TRACK],
            ]
        )
        matrix_rows.append([district.code, district.name, *values])
    section.tables.append(
        Table(
            title=_("District comparison"),
            headers=[
                _("District"),
                _("Values (approved or computed)"),
                str(Status.ON_TRACK.label),
                str(Status.AT_RISK.label),
                str(Status.OFF_TRACK.label),
            ],
            rows=compare_rows,
            formats={1: COUNT, 2: COUNT, 3: COUNT, 4: COUNT},
        )
    )
    section.tables.append(
        Table(
            title=_("District values"),
            headers=[_("GSO code"), _("District"), *(i.code for i in indicator_list)],
            rows=matrix_rows,
            formats=dict.fromkeys(range(2, 2 + len(indicator_list)), DECIMAL),
            in_document=False,
        )
    )
    return section


# --- IV. Awards -----------------------------------------------------------------------------------


def _kind_sentence(rows, attribute: str) -> str:
    return ", ".join(
        f"{getattr(row, attribute)} {row.label.lower()}" for row in rows if getattr(row, attribute)
    )


def awards_section(scope: Scope) -> Section:
    section = Section(key="awards", title=str(TITLES["awards"]))
    first_year = scope.years[0].year if scope.years else scope.period.year
    rounds = list(awards.rounds().filter(year__gte=first_year, year__lte=scope.period.year))
    if not rounds:
        section.no_data = _("There is no award round for %(span)s yet.") % {"span": scope.label}
        return section
    for award_round in sorted(rounds, key=lambda r: r.year):
        stats = awards.round_stats(round=award_round)
        name = str(award_round)
        facts = {
            "round": name,
            "received": stats.received,
            "received_kinds": _kind_sentence(stats.by_kind, "received") or "0",
            "awarded": stats.awarded,
            "awarded_kinds": _kind_sentence(stats.by_kind, "awarded"),
        }
        section.paragraphs.append(
            _(
                "%(round)s: the Department received %(received)s dossiers (%(received_kinds)s); "
                "%(awarded)s were awarded (%(awarded_kinds)s)."
            )
            % facts
            if stats.awarded
            else _(
                "%(round)s: the Department received %(received)s dossiers (%(received_kinds)s); "
                "none has been awarded yet."
            )
            % facts
        )
        section.figures += [
            (_("%(round)s: dossiers received") % {"round": name}, stats.received),
            (_("%(round)s: dossiers awarded") % {"round": name}, stats.awarded),
        ]
        by_district = stats.by_district
        if scope.is_district:
            by_district = [row for row in by_district if row.key == scope.district.code]
            own = by_district[0] if by_district else None
            section.paragraphs.append(
                _("%(district)s sent %(received)s of them; %(awarded)s were awarded.")
                % {
                    "district": scope.district.name,
                    "received": own.received if own else 0,
                    "awarded": own.awarded if own else 0,
                }
            )
        headers = [_("Received"), _("Awarded")]
        counts = {1: COUNT, 2: COUNT}
        if not scope.is_district:
            section.tables.append(
                Table(
                    title=_("Awards %(year)s by nominee kind") % {"year": award_round.year},
                    headers=[_("Nominee kind"), *headers],
                    rows=[[row.label, row.received, row.awarded] for row in stats.by_kind]
                    + [[_("Total"), stats.received, stats.awarded]],
                    formats=counts,
                )
            )
        section.tables.append(
            Table(
                title=_("Awards %(year)s by district") % {"year": award_round.year},
                headers=[_("District"), *headers],
                rows=[[row.label, row.received, row.awarded] for row in by_district],
                formats=counts,
            )
        )
        if not scope.is_district:
            section.tables.append(
                Table(
                    title=_("Awards %(year)s by field") % {"year": award_round.year},
                    headers=[_("Field of activity"), *headers],
                    rows=[[row.label, row.received, row.awarded] for row in stats.by_field],
                    formats=counts,
                )
            )
    return section


# --- V. Community learning centres ----------------------------------------------------------------


def _clc_deadlines(scope: Scope, years: list[int]) -> dict:
    """{year: where the districts of the report stand on the centres' yearly reports of
    ``year``}, for the years that have the obligation (the timeliness page's figures)."""
    units = [scope.district] if scope.is_district else list(districts.portal_districts())
    standings = {}
    for year in years:
        standing = obligation_timeliness(ObligationKind.CLC_REPORT, districts=units, year=year)
        if standing is not None and standing.tally.due:
            standings[year] = standing
    return standings


def clc_section(scope: Scope) -> Section:
    section = Section(key="clc", title=str(TITLES["clc"]))
    first_year = scope.years[0].year if scope.years else scope.period.year
    rollups = [
        clc.clc_rollup(year=year, district=scope.district)
        for year in range(first_year, scope.period.year + 1)
    ]
    if not any(rollup.total.centres for rollup in rollups):
        section.no_data = _("No community learning centre is registered yet.")
        return section
    where = scope.district.name if scope.is_district else _("the city")
    deadlines = _clc_deadlines(scope, [rollup.year for rollup in rollups])
    for rollup in rollups:
        total = rollup.total
        section.paragraphs.append(
            _(
                "%(year)s, %(where)s: %(centres)s community learning centres registered "
                "(%(active)s active, %(model)s model centres); %(reports_in)s yearly reports in "
                "(submitted or accepted; %(share)s%% of centres registered), %(accepted)s "
                "accepted; %(it)s%% of centres use IT (national target 70%% by 2025); "
                "%(participants)s participants in %(classes)s classes."
            )
            % {
                "year": rollup.year,
                "where": where,
                "centres": total.centres,
                "active": total.active_centres,
                "model": total.model_centres,
                "reports_in": total.reports_in,
                "share": _percent_text(total.share_reporting),
                "accepted": total.reports_accepted,
                "it": _percent_text(total.it_share),
                "participants": _count_text(total.participants.get(Participants.TOTAL, 0)),
                "classes": _count_text(total.classes_total),
            }
        )
        standing = deadlines.get(rollup.year)
        if standing is not None:
            section.paragraphs.append(_clc_deadline_sentence(rollup.year, standing))
    latest = rollups[-1]
    total = latest.total
    section.figures += [
        (_("Community learning centres registered"), total.centres),
        (_("Model centres"), total.model_centres),
        (_("Yearly reports in (%(year)s)") % {"year": latest.year}, total.reports_in),
        (_("Centres using IT (%)"), _rounded(total.it_share)),
        (_("Participants (%(year)s)") % {"year": latest.year}, total.participants.get("total", 0)),
    ]
    year_headers = [str(rollup.year) for rollup in rollups]
    figure_rows = [
        [_("Centres registered"), *(r.total.centres for r in rollups)],
        [_("Active centres"), *(r.total.active_centres for r in rollups)],
        [_("Model centres"), *(r.total.model_centres for r in rollups)],
        [_("Yearly reports in (submitted or accepted)"), *(r.total.reports_in for r in rollups)],
        [_("Yearly reports accepted"), *(r.total.reports_accepted for r in rollups)],
        [_("Centres using IT"), *(r.total.using_it for r in rollups)],
        [_("Centres evaluated"), *(r.total.evaluated for r in rollups)],
    ]
    if deadlines:

        def by_year(read):
            return [read(deadlines[r.year]) if r.year in deadlines else None for r in rollups]

        figure_rows += [
            [
                _("Districts with every centre's report in on time"),
                *by_year(lambda d: d.tally.on_time),
            ],
            [
                _("On-time rate of the centres' reports, by district (%)"),
                *by_year(lambda d: _rounded(d.tally.on_time_rate)),
            ],
            [_("Centres' reports in on time"), *by_year(lambda d: d.parts.on_time)],
        ]
    figure_rows += [
        [str(p.label), *(r.total.participants.get(p.value, 0) for r in rollups)]
        for p in Participants
    ]
    figure_rows += [
        [
            _("Classes: %(topic)s") % {"topic": t.label},
            *(r.total.classes.get(t.value, 0) for r in rollups),
        ]
        for t in LearningTopic
    ]
    figure_rows += [
        [
            _("Funding (VND): %(source)s") % {"source": f.label},
            *(r.total.funding.get(f.value, 0) for r in rollups),
        ]
        for f in FundingSource
    ]
    figure_rows += [
        [
            _("Rated “%(level)s”") % {"level": band.display_name},
            *(r.total.ratings.get(band.code, 0) for r in rollups),
        ]
        for band in latest.bands
    ]
    section.tables.append(
        Table(
            title=_("Figures of %(where)s") % {"where": where},
            headers=[_("Figure"), *year_headers],
            rows=figure_rows,
            formats=dict.fromkeys(range(1, 1 + len(rollups)), COUNT),
        )
    )
    if not scope.is_district:
        section.tables.append(
            Table(
                title=_("Centres by district, %(year)s") % {"year": latest.year},
                headers=[
                    _("District"),
                    _("Centres registered"),
                    _("Model centres"),
                    _("Reports sent in"),
                    _("Share reporting (%)"),
                    _("Share using IT (%)"),
                    _("Participants"),
                    _("Classes"),
                    _("Funding (VND)"),
                ],
                rows=[
                    [
                        district.name,
                        figures.centres,
                        figures.model_centres,
                        figures.reports_in,
                        _rounded(figures.share_reporting),
                        _rounded(figures.it_share),
                        figures.participants.get("total", 0),
                        figures.classes_total,
                        figures.funding_total,
                    ]
                    for district, figures in latest.districts
                ],
                formats={
                    1: COUNT,
                    2: COUNT,
                    3: COUNT,
                    4: DECIMAL,
                    5: DECIMAL,
                    6: COUNT,
                    7: COUNT,
                    8: COUNT,
                },
                document_columns=[0, 1, 2, 3, 4, 5],
            )
        )
    return section


def _clc_deadline_sentence(year: int, standing) -> str:
    tally, parts = standing.tally, standing.parts
    return _(
        "Yearly reports of %(year)s, due %(date)s: %(on_time)s/%(due)s districts had every "
        "active centre's report in by the due date (on-time rate %(rate)s%%), %(late)s "
        "later, %(partial)s in part, %(missing)s none; by centre, %(sent)s/%(centres)s reports "
        "in, %(parts_on_time)s on time and %(parts_late)s late."
    ) % {
        "year": year,
        "date": standing.obligation.due_date.strftime("%d/%m/%Y"),
        "on_time": tally.on_time,
        "due": tally.due,
        "rate": _percent_text(tally.on_time_rate),
        "late": tally.late,
        "partial": tally.partial,
        "missing": tally.missing,
        "sent": parts.sent,
        "centres": parts.due,
        "parts_on_time": parts.on_time,
        "parts_late": parts.late,
    }


def _count_text(value: int) -> str:
    """A count in a sentence, grouped as the tables show it (219.404)."""
    return number_format(value, force_grouping=True)


def _percent_text(value) -> str:
    if value is None:
        return "\u2013"  # en dash: no value
    return number_format(value, decimal_pos=1)


def report_title(scope: Scope) -> str:
    """The subject line of the report."""
    if scope.is_district:
        return _("Results of building a learning city in %(district)s, %(span)s") % {
            "district": scope.district.name,
            "span": scope.label,
        }
    if scope.kind == ReportKind.UNESCO:
        return _("Progress of Ho Chi Minh City as a UNESCO Global Learning City, %(span)s") % {
            "span": scope.label
        }
    return _(
        "Results of building Ho Chi Minh City into a UNESCO Global Learning City, %(span)s"
    ) % {"span": scope.label}
