from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from learningcity.api.views import ERRORS

from .. import selectors, services
from ..filters import NotificationFilterSet
from ..models import Notification
from .serializers import EmailPreferencesSerializer, NotificationSerializer, ReadAllSerializer

TAGS = ["Notifications"]


@extend_schema_view(
    list=extend_schema(
        summary="List the caller's notices, newest first",
        description="Only the caller's own notices; `unread=true` for the unread ones.",
    ),
)
@extend_schema(tags=TAGS)
class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    queryset = Notification.objects.none()  # for the schema; requests use the caller's own

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.notice_list(user=self.request.user)

    @extend_schema(
        summary="Mark one of the caller's notices read",
        request=None,
        responses={200: NotificationSerializer, 403: ERRORS[403], 404: ERRORS[404]},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = services.notice_mark_read(user=request.user, notice=self.get_object())
        return Response(self.get_serializer(notice).data)

    @extend_schema(
        summary="Mark all of the caller's notices read",
        request=None,
        responses={200: ReadAllSerializer, 403: ERRORS[403]},
    )
    @action(detail=False, methods=["post"], url_path="read-all", filterset_class=None)
    def read_all(self, request):
        return Response({"marked": services.notices_mark_all_read(user=request.user)})

    @extend_schema(
        methods=["GET"],
        summary="The caller's e-mail preferences",
        description="Per kind of notice, whether the caller is e-mailed too (on by default).",
        responses={200: EmailPreferencesSerializer},
    )
    @extend_schema(
        methods=["PUT"],
        summary="Set the caller's e-mail preferences",
        description=(
            "Per kind of notice, `true` to be e-mailed as well, `false` for in-app notices "
            "only. Kinds left out keep their setting. Answers every kind's setting."
        ),
        request=EmailPreferencesSerializer,
        responses={200: EmailPreferencesSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    @action(
        detail=False,
        methods=["get", "put"],
        filterset_class=None,
        pagination_class=None,
        serializer_class=EmailPreferencesSerializer,
    )
    def preferences(self, request):
        if request.method == "PUT":
            data = EmailPreferencesSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            chosen = services.email_preferences_save(
                user=request.user, enabled=dict(data.validated_data)
            )
        else:
            chosen = selectors.email_preferences(user=request.user)
        return Response(chosen)
