"""Keep computed values of open submissions in step with the data they come from."""

from django.db.models.signals import post_delete, post_save

from awards.models import Dossier
from clc.models import ActivityReport, Centre
from districts.models import ImplementationPlan, InterimReview, SteeringCommittee
from learningcity.signals import bulk_changed

from .models import Submission
from .services import computed_refresh

# Each source model, with how to find the district a row belongs to.
SOURCES = {
    SteeringCommittee: lambda row: row.district_id,
    ImplementationPlan: lambda row: row.district_id,
    InterimReview: lambda row: row.district_id,
    Centre: lambda row: row.ward.parent_id,
    ActivityReport: lambda row: row.centre.ward.parent_id,
    Dossier: lambda row: row.district_id,
}


def refresh_open_submissions(sender, instance, **kwargs) -> None:
    refresh_districts(sender, unit_ids=[SOURCES[sender](instance)])


def refresh_districts(sender, *, unit_ids, **kwargs) -> None:
    for submission in Submission.objects.filter(
        district_id__in=unit_ids, status__in=Submission.EDITABLE
    ):
        computed_refresh(submission=submission)


def connect() -> None:
    bulk_changed.connect(refresh_districts, dispatch_uid="indicators-bulk-changed")
    for model in SOURCES:
        for signal in (post_save, post_delete):
            signal.connect(
                refresh_open_submissions,
                sender=model,
                dispatch_uid=f"indicators-{signal is post_save}-{model.__name__}",
            )
