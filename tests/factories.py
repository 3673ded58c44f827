import factory
from django.contrib.auth import get_user_model

from districts.choices import Kind, Level
from districts.models import AdministrativeUnit
from learningcity.choices import Role

DEFAULT_PASSWORD = "Mat-khau-thu-nghiem-2024"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("level", "code")

    level = Level.DISTRICT
    kind = Kind.URBAN_DISTRICT
    code = factory.Sequence(lambda n: f"{900 + n:03d}")
    name = factory.Sequence(lambda n: f"Quận Thử {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    role = Role.DEPARTMENT_REVIEWER
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notice as notify() leaves it; tests of pages and the API need many of them."""

    class Meta:
        model = "notifications.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = "returned"
    title = factory.Sequence(lambda n: f"Số liệu bị trả lại {n}")
    body = "Sở đã trả lại số liệu chỉ số năm 2025."
    url = "/indicators/submissions/1/"
