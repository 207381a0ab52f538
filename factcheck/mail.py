"""Email: the messages factcheck writes (one notification, a daily digest), in plain text and
HTML, and sending one through the SMTP server the MAIL_* settings name."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import Markup

SETTINGS_PATH = "/notifications/settings"


def _url(path: str) -> str:
    return current_app.config["APP_URL"].rstrip("/") + path


def _footer_text() -> str:
    return (
        "\n\n-- \n"
        f"You get this email from factcheck at {current_app.config['NEWSROOM_NAME']}.\n"
        f"Choose which emails you get, and when: {_url(SETTINGS_PATH)}\n"
    )


def _footer_html() -> Markup:
    return Markup(
        '<hr><p style="color:#555;font-size:13px">You get this email from factcheck at {}. '
        '<a href="{}">Choose which emails you get, and when</a>.</p>'
    ).format(current_app.config["NEWSROOM_NAME"], _url(SETTINGS_PATH))


def _page(title: str, body: Markup) -> str:
    return str(Markup(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{}</title></head>'
        '<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;'
        'font-size:15px;line-height:1.5;color:#1a1a1a;max-width:640px">{}{}</body></html>'
    ).format(title, body, _footer_html()))


def _subject(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 150 else text[:149] + "…"


def notification_email(recipient, notification) -> dict:
    """The email for one notification, as the outbox keeps it: {to, subject, text, html}."""
    link = _url(f"/claims/{notification.claim_id}") if notification.claim_id else _url("/notifications")
    text = notification.text + "\n"
    if notification.detail:
        text += "\n" + "\n".join("> " + line for line in notification.detail.splitlines()) + "\n"
    text += f"\nOpen the claim: {link}" + _footer_text()
    html = Markup("<p>{}</p>").format(notification.text)
    if notification.detail:
        html += Markup('<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:12px">{}</blockquote>').format(
            notification.detail
        )
    html += Markup('<p><a href="{}">Open the claim</a></p>').format(link)
    return {
        "to": recipient.email,
        "to_name": recipient.name,
        "subject": _subject(notification.text),
        "text": text,
        "html": _page(notification.text, html),
    }


def digest_email(recipient, day_label: str, notifications: list, due_soon: list, overdue: list) -> dict:
    """Once a day: what happened since the last digest, what is due tomorrow and what is late."""
    sections: list[tuple[str, list[tuple[str, str | None, str]]]] = []
    if overdue:
        sections.append(("Overdue", [(f"Claim #{c.id}: {c.wording[:140]} (due {due})", None, _url(f"/claims/{c.id}")) for c, due in overdue]))
    if due_soon:
        sections.append(("Due tomorrow", [(f"Claim #{c.id}: {c.wording[:140]} (due {due})", None, _url(f"/claims/{c.id}")) for c, due in due_soon]))
    if notifications:
        sections.append(("Since your last digest", [
            (n.text, n.detail, _url(f"/claims/{n.claim_id}") if n.claim_id else _url("/notifications")) for n in notifications
        ]))
    counts = []
    if overdue:
        counts.append(f"{len(overdue)} overdue")
    if due_soon:
        counts.append(f"{len(due_soon)} due tomorrow")
    if notifications:
        counts.append(f"{len(notifications)} update{'s' if len(notifications) != 1 else ''}")
    subject = f"Your factcheck digest for {day_label}: " + ", ".join(counts)
    text = subject + "\n"
    html = Markup("<h1 style=\"font-size:20px\">{}</h1>").format(f"Your factcheck digest for {day_label}")
    for heading, items in sections:
        text += f"\n{heading}\n{'=' * len(heading)}\n"
        html += Markup('<h2 style="font-size:16px">{}</h2><ul>').format(heading)
        for line, detail, link in items:
            text += f"- {line}\n  {link}\n"
            if detail:
                text += "".join(f"  > {part}\n" for part in detail.splitlines())
            html += Markup('<li><a href="{}">{}</a>').format(link, line)
            if detail:
                html += Markup("<br><span style=\"color:#555\">{}</span>").format(detail)
            html += Markup("</li>")
        html += Markup("</ul>")
    text += _footer_text()
    return {"to": recipient.email, "to_name": recipient.name, "subject": subject, "text": text, "html": _page(subject, html)}


def message_id(outbox_id: int) -> str:
    """The same Message-ID on every attempt of one outbox message, so a mail server or client
    that sees a message twice (after a worker crashed between sending and recording it) can
    tell it is one message."""
    domain = urlsplit(current_app.config["APP_URL"]).hostname or "factcheck.invalid"
    return f"<outbox-{outbox_id}@{domain}>"


def build_message(payload: dict, outbox_id: int) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = payload["subject"]
    message["From"] = config.get("MAIL_DEFAULT_SENDER") or "factcheck@localhost"
    message["To"] = formataddr((payload.get("to_name") or "", payload["to"]))
    message["Message-ID"] = message_id(outbox_id)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    message["List-Unsubscribe"] = f"<{_url(SETTINGS_PATH)}>"
    message.set_content(payload["text"])
    message.add_alternative(payload["html"], subtype="html")
    return message


class MailNotConfigured(RuntimeError):
    pass


class Connection:
    """One SMTP session for a batch of messages, opened at the first message and reopened once
    if the server dropped it; `with Connection() as smtp: smtp.send(message)`."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; raises (smtplib.SMTPException, OSError) when it was
        not accepted."""
        if self.smtp is not None:
            try:
                self.smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected:
                self.smtp = None  # timed out between messages: open a new session
            except (smtplib.SMTPException, OSError):
                self.close()
                raise
        self.smtp = _connect()
        try:
            self.smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            self.close()
            raise


def _connect() -> smtplib.SMTP:
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        raise MailNotConfigured("MAIL_SERVER is not set, so no email can be sent.")
    port = int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT", 30))
    if config.get("MAIL_USE_SSL"):
        smtp = smtplib.SMTP_SSL(server, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp
