"""A real SMTP server on loopback (aiosmtpd), and the portal's e-mail pointed at it."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the server received; ``refuse`` makes it answer 451 (try again later) instead,
    ``unknown_recipients`` 550 (no such mailbox) to every recipient."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refuse = False
        self.unknown_recipients = False  # 550: refused for good

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.unknown_recipients:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Mail server busy, try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def only(self) -> email.message.EmailMessage:
        assert len(self.messages) == 1, [m["Subject"] for m in self.messages]
        return self.messages[0]


@pytest.fixture
def smtp(settings, db):
    """An SMTP server on a free loopback port, with EMAIL_BACKEND pointed at it."""
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.PORTAL_BASE_URL = "https://hoctap.hcm.example"
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_down(settings, db):
    """The SMTP backend pointed at a loopback port nobody listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a block and then what it queued for after the commit (the e-mail jobs, eagerly)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
