from sqlalchemy import select

from factcheck.models import AuditEvent, Role, User

from . import factories


def test_admin_creates_an_account_that_can_sign_in(app, client_as):
    response = client_as("admin").post(
        "/admin/users",
        data={"email": " New.Reviewer@Desk.example.org ", "name": "New Reviewer", "role": "reviewer", "password": "a long password"},
    )
    assert response.status_code == 302
    [user] = factories.scalars(app, select(User).where(User.name == "New Reviewer"))
    assert user.email == "new.reviewer@desk.example.org" and user.role == Role.REVIEWER
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": user.email, "password": "a long password"}).status_code == 302


def test_duplicate_email_and_bad_fields_are_explained(app, client_as, users):
    taken = factories.get(app, User, users["viewer"]).email
    client = client_as("admin")
    response = client.post("/admin/users", data={"email": taken, "name": "Dup", "role": "viewer", "password": "a long password"})
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)
    response = client.post("/admin/users", data={"email": "not-an-email", "name": "X", "role": "viewer", "password": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter an email address" in page and "Use at least 10 characters" in page
    response = client.post("/admin/users", data={"email": "a@b.org", "name": "X", "role": "owner", "password": "a long password"})
    assert response.status_code == 422 and "Not a valid choice" in response.get_data(as_text=True)


def test_deactivating_signs_the_person_out_everywhere(app, client_as, users):
    reviewer = client_as("reviewer")
    assert reviewer.get("/dashboard").status_code == 200
    assert client_as("admin").post(f"/admin/users/{users['reviewer']}/deactivate").status_code == 302
    assert reviewer.get("/dashboard").status_code == 302
    assert factories.get(app, User, users["reviewer"]).active is False
    actions = factories.scalars(app, select(AuditEvent.action).where(AuditEvent.entity == "user"))
    assert actions == ["deactivated"]


def test_admin_cannot_deactivate_themselves(app, client_as, users):
    client = client_as("admin")
    response = client.post(f"/admin/users/{users['admin']}/deactivate")
    assert response.status_code == 302
    assert factories.get(app, User, users["admin"]).active is True
    assert "cannot deactivate your own account" in client.get("/admin/users").get_data(as_text=True)


def _scale(app):
    from factcheck.models import Rating

    return [(r.name, r.retired) for r in factories.scalars(app, select(Rating).order_by(Rating.position, Rating.id))]


def test_default_scale_is_in_place(app):
    assert [name for name, _ in _scale(app)] == ["True", "Mostly true", "Half true", "Mostly false", "False", "Misleading", "Unproven"]


def test_admin_adds_renames_reorders_and_retires_ratings(app, client_as):
    admin = client_as("admin")
    assert admin.post("/admin/ratings", data={"name": "Satire", "description": "Not meant literally.", "tone": "purple", "needs_evidence": ""}).status_code == 302
    dup = admin.post("/admin/ratings", data={"name": "satire", "tone": "red"})
    assert dup.status_code == 422 and "already a rating called" in dup.get_data(as_text=True)
    satire = factories.rating_id(app, "Satire")
    assert admin.post(f"/admin/ratings/{satire}/up").status_code == 302
    assert [n for n, _ in _scale(app)][-2:] == ["Satire", "Unproven"]
    admin.post(f"/admin/ratings/{satire}/edit", data={"name": "Parody", "description": "x", "tone": "purple"})
    admin.post(f"/admin/ratings/{satire}/retire")
    assert ("Parody", True) in _scale(app)
    history = [e.action for e in factories.scalars(app, select(AuditEvent).where(AuditEvent.entity == "rating"))]
    assert history == ["created", "moved", "edited", "retired"]
