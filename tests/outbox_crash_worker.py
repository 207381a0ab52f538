"""Run by test_mail.py: deliver the outbox, and die (SIGKILL) right after the SMTP server has
accepted the first message, before the delivery is recorded."""

import os
import signal
import sys

sys.path.insert(0, sys.argv[3])

from factcheck import create_app, outbox  # noqa: E402


def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": sys.argv[1], "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": int(sys.argv[2]),
        "APP_URL": "https://factcheck.desk.example.org",
    })
    outbox.mark_delivered = die
    with app.app_context():
        outbox.deliver_pending()


if __name__ == "__main__":
    main()
