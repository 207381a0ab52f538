import pytest
from sqlalchemy import func, select

from factcheck.models import AuditEvent, User

from . import factories
from .factories import PASSWORD


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def email_of(app, user_id):
    return factories.get(app, User, user_id).email


def test_login_form_fields_are_email_and_password(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page


def test_editor_signs_in_and_sees_dashboard(app, client, users):
    response = login(client, email_of(app, users["editor"]))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Dashboard" in client.get("/dashboard").get_data(as_text=True)


def test_email_is_case_insensitive(app, client, users):
    assert login(client, email_of(app, users["editor"]).upper()).status_code == 302


def test_wrong_password_is_refused_with_a_message(app, client, users):
    response = login(client, email_of(app, users["editor"]), "wrong password")
    assert response.status_code == 422
    assert "Email or password is not right" in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302  # still signed out


def test_deactivated_account_cannot_sign_in(app, client):
    user_id = factories.make_user(app, role="editor", active=False)
    assert login(client, email_of(app, user_id)).status_code == 422


def test_login_honours_a_local_next(app, client, users):
    response = login(client, email_of(app, users["editor"]), next="/articles/?before=5")
    assert response.headers["Location"] == "/articles/?before=5"


@pytest.mark.parametrize(
    "target",
    ["//evil.com", "////evil.com", "/\\evil.com", "https://evil.com", "javascript:alert(1)", "/\t/evil.com", "http:/evil.com"],
)
def test_login_refuses_open_redirects(app, client, users, target):
    response = login(client, email_of(app, users["editor"]), next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_anonymous_visit_is_sent_to_login_with_next(client):
    response = client.get("/articles/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/articles/")


def test_five_failures_lock_the_account_for_a_minute(app, client, users):
    email = email_of(app, users["reviewer"])
    for _ in range(5):
        assert login(client, email, "nope").status_code == 422
    # even the right password is refused while throttled
    response = login(client, email, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    # another account is not affected
    assert login(app.test_client(), email_of(app, users["viewer"])).status_code == 302


def test_throttle_window_passes(app, client, users):
    email = email_of(app, users["reviewer"])
    app.config["LOGIN_THROTTLE_WINDOW_SECONDS"] = 0
    for _ in range(6):
        login(client, email, "nope")
    assert login(client, email).status_code == 302


def test_logout_needs_csrf_token(client_as):
    client = client_as("editor")
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/dashboard").status_code == 200  # still signed in


def test_copied_cookie_stops_working_after_logout(app, client_as):
    client = client_as("editor")
    with client.session_transaction() as session:
        stolen = dict(session)
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(stolen)
    response = replay.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_signing_in_again_ends_older_sessions(app, users):
    first, second = app.test_client(), app.test_client()
    factories.sign_in(first, app, users["editor"])
    factories.sign_in(second, app, users["editor"])
    assert first.get("/dashboard").status_code == 302
    assert second.get("/dashboard").status_code == 200


def test_password_change_keeps_me_signed_in_and_ends_other_sessions(app, users):
    mine, other = app.test_client(), app.test_client()
    factories.sign_in(other, app, users["editor"])
    with other.session_transaction() as session:
        other_cookie = dict(session)
    factories.sign_in(mine, app, users["editor"])
    with other.session_transaction() as session:  # pretend the other browser kept its old cookie
        session.update(other_cookie)
    response = mine.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "a new long password", "confirm": "a new long password"},
    )
    assert response.status_code == 302
    assert mine.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302
    assert login(app.test_client(), email_of(app, users["editor"]), "a new long password").status_code == 302
    with app.app_context():
        from factcheck.extensions import db

        assert db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "password_changed")
        ) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"current_password": "wrong", "new_password": "a new long password", "confirm": "a new long password"}, "not your current password"),
        ({"current_password": PASSWORD, "new_password": "short", "confirm": "short"}, "at least 10"),
        ({"current_password": PASSWORD, "new_password": "a new long password", "confirm": "another one"}, "The two passwords differ"),
    ],
)
def test_password_change_mistakes_are_explained(client_as, data, message):
    response = client_as("viewer").post("/account/password", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_password_is_stored_as_argon2id(app):
    from factcheck.users import create_user
    from factcheck.models import Role
    from factcheck.extensions import db

    with app.app_context():
        user = create_user(email="new@desk.example.org", name="New", role=Role.VIEWER, password="long enough pass", by=None)
        db.session.commit()
        assert user.password_hash.startswith("$argon2id$")
        assert "long enough pass" not in user.password_hash
