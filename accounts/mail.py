"""Email over SMTP (the MAIL_* settings): reminders use it, and so do invitations.

An invitation tells a new hire where Relay is and gives them their set-password link
(accounts.service.set_password_token), in their own language.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from accounts.models import User
from accounts.preferences import locale_of
from accounts.service import SET_PASSWORD_DAYS

__all__ = ["Mailer", "invitation", "locale_of"]


def invitation(user: User, link: str) -> tuple[str, str]:
    """Subject and body of the email that carries a new hire's set-password link."""
    with force_locale(locale_of(user)):
        subject = _("Welcome to Relay: set your password")
        body = "\n".join([
            _("Hello %(name)s,", name=user.name), "",
            _("Relay is where you take your onboarding courses. Set your password with "
              "this link; it works once, within %(days)s days:", days=SET_PASSWORD_DAYS),
            link, "",
            _("Then sign in with %(email)s.", email=user.email)])
    return subject, body


class Mailer:
    """One SMTP connection for the run, opened on the first message."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def send(self, to: str, subject: str, body: str) -> None:
        if self.connection is None:
            self.connection = smtplib.SMTP(self.config["MAIL_SERVER"],
                                           int(self.config.get("MAIL_PORT") or 25), timeout=30)
            if self.config.get("MAIL_USE_TLS"):
                self.connection.starttls()
            if self.config.get("MAIL_USERNAME"):
                self.connection.login(self.config["MAIL_USERNAME"],
                                      self.config.get("MAIL_PASSWORD") or "")
        message = EmailMessage()
        message["From"] = self.config["MAIL_FROM"]
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        self.connection.send_message(message)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.quit()
