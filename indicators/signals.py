"""Keep computed values of open submissions in step with the data they come from."""

from django.db.models.signals import post_save

from districts.models import ImplementationPlan, InterimReview, SteeringCommittee

from .models import Submission
from .services import computed_refresh

SOURCE_MODELS = (SteeringCommittee, ImplementationPlan, InterimReview)


def refresh_open_submissions(sender, instance, **kwargs) -> None:
    for submission in Submission.objects.filter(
        district_id=instance.district_id, status__in=Submission.EDITABLE
    ):
        computed_refresh(submission=submission)


def connect() -> None:
    for model in SOURCE_MODELS:
        post_save.connect(
            refresh_open_submissions, sender=model, dispatch_uid=f"indicators-{model.__name__}"
        )
