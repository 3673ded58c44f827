import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from districts.selectors import portal_districts
from learningcity.forms import LongSelect, PortalForm

from .choices import DossierStatus, NomineeKind
from .models import Dossier, FieldOfActivity, Round
from .selectors import dossier_search, latest_round


class CodeChoiceField(ModelChoiceField):
    def to_python(self, value):
        # A NUL character names nothing, and PostgreSQL refuses to even compare it.
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CodeChoiceField


class DossierFilterSet(django_filters.FilterSet):
    """Shared by the dossier list page, its export and the API.

    Without a ``round`` parameter the list is the latest round's (a country holds ten years of
    dossiers); ``round=`` (empty, "All rounds" in the page's form) lists every round.
    """

    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Search"),
        help_text=_("Dossier code or nominee, ignoring case and diacritics."),
    )
    round = django_filters.ModelChoiceFilter(
        queryset=Round.objects.order_by("-year"),
        label=_("Round"),
        empty_label=_("All rounds"),
        help_text=_("Id of the round; the latest round when not given, every round when empty."),
    )
    status = django_filters.ChoiceFilter(
        choices=DossierStatus.choices, label=_("Status"), empty_label=_("All statuses")
    )
    kind = django_filters.ChoiceFilter(
        field_name="nominee_kind",
        choices=NomineeKind.choices,
        label=_("Nominee kind"),
        empty_label=_("All kinds"),
    )
    district = CodeChoiceFilter(
        queryset=portal_districts(),
        widget=LongSelect,
        to_field_name="code",
        label=_("District"),
        empty_label=_("All districts"),
        help_text=_("GSO code of the district."),
    )
    field = CodeChoiceFilter(
        queryset=FieldOfActivity.objects.order_by("order", "code"),
        to_field_name="code",
        label=_("Field of activity"),
        empty_label=_("All fields"),
        help_text=_("Code of the field of activity."),
    )

    class Meta:
        model = Dossier
        fields = ["q", "round", "status", "kind", "district", "field"]
        form = PortalForm

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "round" not in data:
            latest = latest_round()
            if latest is not None:
                data = data.copy()
                data["round"] = str(latest.pk)
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.form.cleaned_data.get("round") and not queryset.query.order_by:
            # Within one round its year orders nothing: by number alone, the (round, number)
            # index gives the first page without sorting the round.
            queryset = queryset.order_by("number")
        return queryset

    def filter_q(self, queryset, name, value):
        return dossier_search(queryset, value)
