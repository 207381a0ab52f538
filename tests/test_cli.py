from sqlalchemy import func, select

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, ClaimStatus, Role, User

from . import factories


def test_create_user_with_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "Chief@Desk.example.org", "--role", "editor", "--name", "Chief", "--password", "long enough pass"]
    )
    assert result.exit_code == 0, result.output
    [user] = factories.scalars(app, select(User))
    assert (user.email, user.name, user.role) == ("chief@desk.example.org", "Chief", Role.EDITOR)


def test_create_user_prompts_for_the_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-user", "sub@desk.example.org", "--role", "reviewer"], input="long enough pass\nlong enough pass\n"
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert client.post("/login", data={"email": "sub@desk.example.org", "password": "long enough pass"}).status_code == 302


def test_create_user_refuses_duplicates_and_bad_roles(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["create-user", "a@desk.example.org", "--role", "viewer", "--password", "long enough pass"])
    again = runner.invoke(args=["create-user", "a@desk.example.org", "--role", "viewer", "--password", "long enough pass"])
    assert again.exit_code != 0 and "already exists" in again.output
    bad = runner.invoke(args=["create-user", "b@desk.example.org", "--role", "owner", "--password", "long enough pass"])
    assert bad.exit_code != 0 and "owner" in bad.output


def test_seed_demo_builds_every_status_once(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "editor@demo.factcheck.example" in first.output and "demo-editor-pass" in first.output

    def counts():
        with app.app_context():
            return (
                db.session.scalar(select(func.count()).select_from(User)),
                db.session.scalar(select(func.count()).select_from(Article)),
                db.session.scalar(select(func.count()).select_from(Claim)),
                db.session.scalar(select(func.count()).select_from(AuditEvent)),
                set(db.session.scalars(select(Claim.status))),
            )

    before = counts()
    assert before[4] == set(ClaimStatus)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert counts() == before
    client = app.test_client()
    assert client.post("/login", data={"email": "editor@demo.factcheck.example", "password": "demo-editor-pass"}).status_code == 302
