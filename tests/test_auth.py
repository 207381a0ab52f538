import hashlib
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from factcheck.extensions import db
from factcheck.models import AuditEvent, SessionEnd, User, UserSession, utcnow

from . import factories
from .factories import PASSWORD

DESKTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


def login(client, email, password=PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def email_of(app, user_id):
    return factories.get(app, User, user_id).email


def browser(app, user_agent=DESKTOP):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def live_sessions(app, user_id):
    return factories.scalars(
        app, select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
    )


def this_session(app, client) -> int:
    with client.session_transaction() as session:
        digest = hashlib.sha256(session["_user_id"].encode()).hexdigest()
    return factories.scalars(app, select(UserSession.id).where(UserSession.token_hash == digest))[0]


def sign_in_page_after(client) -> str:
    """What a browser whose session ended sees: sent to sign in, with the reason."""
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    return client.get(response.headers["Location"]).get_data(as_text=True)


def returning_cookie_message(app, cookie: dict) -> str:
    """The warning shown when a copy of this session cookie comes back."""
    replay = app.test_client()
    with replay.session_transaction() as session:
        session.update(cookie)
    page = sign_in_page_after(replay)
    return next(m for m in (reason.message for reason in SessionEnd) if m in page)


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


def test_signing_in_on_a_second_device_keeps_the_first_signed_in(app, users):
    desktop, phone = browser(app, DESKTOP), browser(app, PHONE)
    factories.sign_in(desktop, app, users["editor"])
    factories.sign_in(phone, app, users["editor"])
    assert desktop.get("/dashboard").status_code == 200
    assert phone.get("/dashboard").status_code == 200
    page = desktop.get("/account").get_data(as_text=True)
    assert "Firefox on Linux" in page and "Chrome on Android" in page
    assert "this browser" in page and "Sign out everywhere else" in page


def test_signing_in_again_in_the_same_browser_replaces_its_session(app, users):
    client = app.test_client()
    factories.sign_in(client, app, users["editor"])
    with client.session_transaction() as session:
        first = dict(session)
    factories.sign_in(client, app, users["editor"])
    assert len(live_sessions(app, users["editor"])) == 1
    assert returning_cookie_message(app, first) == "You signed out of this session."


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


# -- sessions: one per browser ------------------------------------------------------------------


def test_signing_out_ends_only_this_browsers_session(app, users):
    desktop, phone = browser(app, DESKTOP), browser(app, PHONE)
    factories.sign_in(desktop, app, users["editor"])
    factories.sign_in(phone, app, users["editor"])
    with desktop.session_transaction() as session:
        copied = dict(session)
    assert desktop.post("/logout").status_code == 302
    assert phone.get("/dashboard").status_code == 200
    assert returning_cookie_message(app, copied) == "You signed out of this session."
    assert [s.user_agent for s in live_sessions(app, users["editor"])] == ["Chrome on Android"]


def test_ending_another_session_from_the_account_page(app, users):
    desktop, phone = browser(app, DESKTOP), browser(app, PHONE)
    factories.sign_in(desktop, app, users["editor"])
    factories.sign_in(phone, app, users["editor"])
    response = desktop.post(f"/account/sessions/{this_session(app, phone)}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert "You signed out on another device." in sign_in_page_after(phone)
    assert desktop.get("/dashboard").status_code == 200
    page = desktop.get("/account").get_data(as_text=True)
    assert "Chrome on Android" not in page and "You are signed in only here." in page


def test_this_browsers_session_is_ended_by_signing_out_not_from_the_list(app, users):
    client = browser(app)
    factories.sign_in(client, app, users["editor"])
    assert client.post(f"/account/sessions/{this_session(app, client)}/end").status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_nobody_ends_someone_elses_session(app, users, client_as):
    phone = browser(app, PHONE)
    factories.sign_in(phone, app, users["editor"])
    assert client_as("admin").post(f"/account/sessions/{this_session(app, phone)}/end").status_code == 404
    assert phone.get("/dashboard").status_code == 200


def test_signing_out_everywhere_else(app, users):
    desktop, phone, laptop = browser(app, DESKTOP), browser(app, PHONE), browser(app, "Mozilla/5.0 (Macintosh) Safari/605.1.15")
    for client in (desktop, phone, laptop):
        factories.sign_in(client, app, users["editor"])
    other_person = browser(app)
    factories.sign_in(other_person, app, users["viewer"])
    response = desktop.post("/account/sessions/end-others", follow_redirects=True)
    assert "Signed out 2 other sessions." in response.get_data(as_text=True)
    for client in (phone, laptop):
        assert "You signed out on another device." in sign_in_page_after(client)
    assert desktop.get("/dashboard").status_code == 200
    assert other_person.get("/dashboard").status_code == 200


def test_password_change_tells_other_devices_why_they_were_signed_out(app, users):
    desktop, phone = browser(app, DESKTOP), browser(app, PHONE)
    factories.sign_in(desktop, app, users["editor"])
    factories.sign_in(phone, app, users["editor"])
    new = "a new long password"
    response = desktop.post("/account/password", data={"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert response.status_code == 302
    assert "Your password was changed, so you were signed out." in sign_in_page_after(phone)
    assert desktop.get("/dashboard").status_code == 200


def test_deactivation_ends_every_session_and_says_why(app, users, client_as):
    desktop, phone = browser(app, DESKTOP), browser(app, PHONE)
    factories.sign_in(desktop, app, users["editor"])
    factories.sign_in(phone, app, users["editor"])
    assert client_as("admin").post(f"/admin/users/{users['editor']}/deactivate").status_code == 302
    for client in (desktop, phone):
        assert "An admin deactivated your account." in sign_in_page_after(client)
    assert live_sessions(app, users["editor"]) == []


def test_the_message_is_shown_once(app, users):
    phone = browser(app, PHONE)
    factories.sign_in(phone, app, users["editor"])
    other = browser(app)
    factories.sign_in(other, app, users["editor"])
    other.post("/account/sessions/end-others")
    assert "You signed out on another device." in sign_in_page_after(phone)
    assert "You signed out on another device." not in phone.get("/login").get_data(as_text=True)


def test_the_cookie_holds_a_token_and_the_database_only_its_hash(app, users):
    client = browser(app)
    factories.sign_in(client, app, users["editor"])
    with client.session_transaction() as session:
        token = session["_user_id"]
    assert len(token) >= 40 and token != str(users["editor"])
    row = live_sessions(app, users["editor"])[0]
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (row.token_hash, row.user_agent)


def test_an_idle_session_ends_and_says_why(app, users):
    client = browser(app)
    factories.sign_in(client, app, users["editor"])
    with app.app_context():
        idle = timedelta(seconds=app.config["SESSION_IDLE_TIMEOUT_SECONDS"] + 60)
        db.session.execute(update(UserSession).values(last_seen_at=utcnow() - idle))
        db.session.commit()
    assert "You were signed out after a long time without activity." in sign_in_page_after(client)
    ended = factories.scalars(app, select(UserSession.end_reason))
    assert ended == [SessionEnd.EXPIRED]


def test_last_seen_is_written_at_most_once_a_minute(app, users):
    client = browser(app)
    factories.sign_in(client, app, users["editor"])
    writes = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("UPDATE USER_SESSIONS"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(3):
            assert client.get("/dashboard").status_code == 200
        assert writes == []  # just signed in: nothing to write
        with app.app_context():
            db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(minutes=2)))
            db.session.commit()
        writes.clear()
        for _ in range(3):
            assert client.get("/dashboard").status_code == 200
        assert len(writes) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)
    seen = live_sessions(app, users["editor"])[0].last_seen_at
    assert utcnow() - seen < timedelta(seconds=30)


# -- throttling: others' failures never lock a person out of their own browser ------------------


def test_others_failures_never_lock_the_owner_out_of_a_browser_they_signed_in_from(app, users):
    email = email_of(app, users["editor"])
    owner = browser(app)
    assert login(owner, email).status_code == 302
    assert owner.post("/logout").status_code == 302
    attacker = app.test_client()
    for _ in range(8):
        login(attacker, email, "a guess")
    for n in range(25):  # and the address's limit, which the owner shares behind the same proxy
        login(attacker, f"nobody{n}@desk.example.org", "a guess")
    assert login(app.test_client(), email).status_code == 429  # an unknown browser waits
    started = time.perf_counter()
    response = login(owner, email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert time.perf_counter() - started < 5


def test_a_known_browser_has_its_own_limit(app, users):
    email = email_of(app, users["editor"])
    owner = browser(app)
    assert login(owner, email).status_code == 302
    owner.post("/logout")
    for _ in range(5):
        assert login(owner, email, "typo").status_code == 422
    response = login(owner, email)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    assert login(app.test_client(), email).status_code == 302  # the account's shared limit is untouched


def test_a_device_cookie_counts_only_for_the_account_it_was_given_for(app, users):
    owner = browser(app)
    assert login(owner, email_of(app, users["editor"])).status_code == 302
    owner.post("/logout")
    viewer = email_of(app, users["viewer"])
    for _ in range(5):
        login(app.test_client(), viewer, "a guess")
    assert login(owner, viewer).status_code == 429


@pytest.mark.parametrize("cookie", ["garbage", "forged-with-another-key", "expired"])
def test_a_forged_or_old_device_cookie_counts_as_an_unknown_browser(app, users, cookie):
    from itsdangerous import URLSafeTimedSerializer

    email = email_of(app, users["editor"])
    owner = browser(app)
    assert login(owner, email).status_code == 302
    owner.post("/logout")
    if cookie == "forged-with-another-key":
        value = URLSafeTimedSerializer("not-the-secret", salt="factcheck-device").dumps([[users["editor"], "n"]])
        owner.set_cookie("factcheck_device", value, path="/login")
    elif cookie == "expired":
        app.config["LOGIN_DEVICE_COOKIE_DAYS"] = -1
    else:
        owner.set_cookie("factcheck_device", "garbage", path="/login")
    for _ in range(5):
        login(app.test_client(), email, "a guess")
    assert login(owner, email).status_code == 429


def test_the_device_cookie_is_http_only_and_sent_only_to_sign_in(app, users):
    response = login(app.test_client(), email_of(app, users["editor"]))
    device = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("factcheck_device="))
    assert "HttpOnly" in device and "Path=/login" in device and "SameSite=Lax" in device
    assert "Max-Age=31536000" in device and "Secure" not in device  # Secure where sessions are (production)


def test_a_right_password_takes_back_only_its_own_attempt(app, users):
    """The owner signing in from a new browser must not reset what an attacker has spent."""
    email = email_of(app, users["editor"])
    for _ in range(4):
        login(app.test_client(), email, "a guess")
    assert login(app.test_client(), email).status_code == 302
    assert login(app.test_client(), email, "a guess").status_code == 422  # the fifth failure
    assert login(app.test_client(), email).status_code == 429


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(app, users, monkeypatch):
    from factcheck.views import auth as auth_views

    email = email_of(app, users["reviewer"])
    checked = []
    real_verify = auth_views.verify_password

    def slow_verify(user, password):
        checked.append(password)
        time.sleep(0.05)  # the time argon2 takes, during which the others arrive
        return real_verify(user, password)

    monkeypatch.setattr(auth_views, "verify_password", slow_verify)
    clients = [app.test_client() for _ in range(15)]
    barrier = threading.Barrier(len(clients))
    statuses = []

    def attempt(client):
        barrier.wait()
        statuses.append(login(client, email, "wrong password").status_code)

    threads = [threading.Thread(target=attempt, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(checked) == app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] == 5
    assert sorted(statuses) == [422] * 5 + [429] * 10
