from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notices are created by the workflows and the schedule. The administrator sees
    each e-mail's state and error, and can queue failed e-mails again."""

    list_display = ["created_at", "recipient", "title", "email_status", "email_attempts"]
    list_filter = ["email_status", "kind"]
    search_fields = ["title", "recipient__username", "recipient__full_name", "email_error", "key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["retry_sending"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Retry sending the e-mail"))
    def retry_sending(self, request, queryset):
        with transaction.atomic():
            count = services.notice_emails_retry(notices=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s e-mail was queued again.",
                "%(count)s e-mails were queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
