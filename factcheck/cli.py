"""flask commands for operators: create-user, seed-demo."""

import click
from flask import Flask
from flask.cli import with_appcontext

from .extensions import db
from .models import Role
from .users import UserError, create_user


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", default=None, help="Display name; defaults to the part of the email before @.")
@click.option("--password", default=None, help="Prompted for (hidden, twice) when omitted.")
@with_appcontext
def create_user_command(email: str, role: str, name: str | None, password: str | None) -> None:
    """Create an account (there is no public sign-up)."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email=email, name=name or email.split("@")[0], role=Role(role), password=password, by=None
        )
    except UserError as error:
        raise click.ClickException(str(error))
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill an empty database with a demo newsroom. Running it again changes nothing."""
    from .demo import DEMO_USERS, seed_demo

    created = seed_demo()
    db.session.commit()
    click.echo("Demo newsroom " + ("created." if created else "already present; nothing changed."))
    click.echo("Demo sign-ins (email / password):")
    for email, _name, role, password in DEMO_USERS:
        click.echo(f"  {role.value:<9} {email:<34} {password}")
