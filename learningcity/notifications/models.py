from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import EmailStatus, NoticeKind


class Notification(models.Model):
    """One notice to one user: what happened, a link to the item, and its e-mail's state.

    Written by ``services.notify()`` only. A notice with a ``key`` exists at most once per
    recipient, so a job that runs twice (or a retried task) creates nothing new.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, help_text=_("A page of the portal."))
    key = models.CharField(
        _("key"),
        max_length=200,
        blank=True,
        help_text=_("Names the event: one notice per recipient and key."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"),
        max_length=16,
        choices=EmailStatus.choices,
        default=EmailStatus.NOT_WANTED,
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.TextField(_("e-mail error"), blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # While the e-mail waits: when the beat's emails-resend sends it (again) if it is still
    # waiting then: after a failure that may pass (backoff), or in case its job was lost.
    email_retry_at = models.DateTimeField(_("next e-mail try"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Key first: notify() looks its notices up by key after inserting them.
            models.UniqueConstraint(
                fields=["key", "recipient"],
                condition=~Q(key=""),
                name="one_notice_per_key_and_recipient",
            ),
        ]
        indexes = [
            # The bell: a user's unread notices.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notice_unread_idx",
            ),
            # The list: a user's notices, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notice_list_idx"),
            # emails-resend: the waiting e-mails that are due.
            models.Index(
                fields=["email_retry_at"],
                condition=Q(email_status="pending"),
                name="notice_email_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class EmailPreference(models.Model):
    """Whether ``user`` wants notices of ``kind`` by e-mail. No row: yes (e-mail is on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    enabled = models.BooleanField(_("by e-mail"), default=True)

    class Meta:
        verbose_name = _("e-mail preference")
        verbose_name_plural = _("e-mail preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_email_preference_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()}"
