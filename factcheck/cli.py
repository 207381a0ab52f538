"""flask commands for operators and scripts (flask --app factcheck COMMAND --help for each):
- create-user EMAIL --role ROLE: an account (there is no public sign-up)
- create-token EMAIL --scope read|write [--name NAME]: a personal API token for that person,
  printed once on the last line (only its hash is kept); revoke it on their account page
- seed-demo: the demo newsroom in an empty database
- add-article (FILE | --from-url URL) --by EMAIL [--title T] [--outlet O]: a new article from a
  document or a web page; prints its id
- add-revision ARTICLE_ID FILE --by EMAIL: a new version of an article's text; claims follow it
- export-verdicts: verdicts as CSV, with the claims list's filters
- export-claimreview: published verdicts as schema.org ClaimReview JSON
- check: whether this installation is ready (database, migrations, configuration)
- score-sentences, score-articles: the sentence suggester on text, and on stored articles
- index-claims: rebuild the words and sentence vectors that find earlier claims saying the same
- deliver [--once]: send the outbox (notification emails, webhook deliveries), with retries
- send-digests: queue today's digest emails (run it daily from cron, then deliver sends them)
- purge-tip-contacts: erase readers' contact details from tips older than TIP_CONTACT_DAYS (cron)
- recount: rebuild the dashboard's counts of claims by status (after writing claims directly)
- train-suggester, evaluate-suggester: rebuild and measure the suggester (needs .[train])
- evaluate-matching: measure how earlier claims are found, on the paraphrase set"""

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .extensions import db
from .models import Role
from .users import UserError, create_user

# Rows read, changed and committed at a time by the commands that go through a whole table.
CLAIMS_BATCH = 1000
ARTICLES_BATCH = 200  # an article brings its text and every sentence


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(purge_tip_contacts_command)
    app.cli.add_command(export_verdicts_command)
    app.cli.add_command(export_claimreview_command)
    app.cli.add_command(check_command)
    app.cli.add_command(score_sentences_command)
    app.cli.add_command(score_articles_command)
    app.cli.add_command(index_claims_command)
    app.cli.add_command(evaluate_matching_command)
    app.cli.add_command(recount_command)
    app.cli.add_command(train_suggester_command)
    app.cli.add_command(evaluate_suggester_command)
    app.cli.add_command(add_revision_command)
    app.cli.add_command(add_article_command)
    app.cli.add_command(deliver_command)
    app.cli.add_command(send_digests_command)


def _editor(email: str):
    from sqlalchemy import func, select

    from .models import User

    by = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if by is None:
        raise click.ClickException(f"There is no account for {email}.")
    return by


@click.command("add-article")
@click.argument("file", type=click.File("rb"), required=False)
@click.option("--from-url", "url", default=None, help="Fetch the article from this address instead of a FILE.")
@click.option("--by", "email", required=True, help="The editor bringing the article in (their email).")
@click.option("--title", default=None, help="The headline (taken from the page when fetching, if it has one).")
@click.option("--outlet", default=None, help="Where it was published (from the page's site name when fetching).")
@with_appcontext
def add_article_command(file, url: str | None, email: str, title: str | None, outlet: str | None) -> None:
    """Add an article from FILE (.txt, .md, .html or .docx; - for standard input, as plain text)
    or from the web page at --from-url, which also gives its headline, outlet and date. Prints
    the new article's id."""
    from . import workflow
    from .documents import document_text
    from .errors import DomainError
    from .intake import fetch_article
    from .models import Article, RevisionSource

    if (file is None) == (url is None):
        raise click.ClickException("Give either a FILE or --from-url URL (one of them).")
    by = _editor(email)
    fields: dict = {"url": None, "published_on": None}
    try:
        if url is not None:
            found = fetch_article(url, current_app.config)
            body, source, detail = found.text, RevisionSource.LINK, found.url
            title, outlet = title or found.title, outlet or found.outlet
            fields = {"url": found.url, "published_on": found.published_on, "author": found.author}
        else:
            name = getattr(file, "name", "<stdin>")
            name = "stdin.txt" if name in ("<stdin>", "-") else name
            body, source = document_text(name, file.read()), RevisionSource.UPLOAD
            detail = None if name == "stdin.txt" else name.rsplit("/", 1)[-1]
        if not (title or "").strip():
            raise click.ClickException("Give the headline with --title" + (" (the page has none)." if url else "."))
        if not (outlet or "").strip():
            raise click.ClickException("Say where it was published with --outlet.")
        if len(title.strip()) > Article.TITLE_MAX or len(outlet.strip()) > Article.OUTLET_MAX:
            raise click.ClickException(
                f"The headline may have {Article.TITLE_MAX} characters and the outlet {Article.OUTLET_MAX}."
            )
        article = workflow.create_article(
            by=by, body=body, title=title.strip(), outlet=outlet.strip(), source=source, source_detail=detail, **fields
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(article.id)


@click.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now and exit, instead of running as a worker.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks at the outbox.")
@with_appcontext
def deliver_command(once: bool, interval: float) -> None:
    """Send the outbox: notification emails and webhook deliveries, each retried with growing
    pauses (30 s, 1 min, 2 min ... up to 6 h; given up after 10 attempts). Run one worker or
    several; a message being sent by one is left alone by the others."""
    import time

    from .outbox import deliver_pending, emails_waiting_for_a_server

    waiting = emails_waiting_for_a_server()
    if waiting:
        click.echo(f"MAIL_SERVER is not set: {waiting} email{'s' if waiting != 1 else ''} wait in the outbox until it is.", err=True)
    while True:
        report = deliver_pending()
        if report.delivered or report.failed or once:
            click.echo(f"delivered {report.delivered}, failed {report.failed} (retried later)")
        db.session.remove()
        if once:
            return
        time.sleep(interval)


@click.command("send-digests")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day (YYYY-MM-DD); today in the newsroom's time zone by default.")
@with_appcontext
def send_digests_command(day) -> None:
    """Queue the daily digest emails (for cron, once a day; `flask deliver` sends them). Running
    it again the same day queues nothing more."""
    from .clock import today_in_newsroom
    from .notify import queue_digests

    day = day.date() if day else today_in_newsroom()
    queued = queue_digests(day)
    db.session.commit()
    click.echo(f"queued {queued} digest{'s' if queued != 1 else ''} for {day.isoformat()}")


@click.command("add-revision")
@click.argument("article_id", type=int)
@click.argument("file", type=click.File("rb"))
@click.option("--by", "email", required=True, help="The editor bringing in the new text (their email).")
@with_appcontext
def add_revision_command(article_id: int, file, email: str) -> None:
    """Add a new revision of an article's text from FILE (.txt, .md, .html or .docx; - for
    standard input, as plain text). Prints one line per claim: id, unchanged|changed|gone, and
    its new start and end (code points; empty when gone)."""
    from sqlalchemy import func, select

    from . import workflow
    from .documents import document_text
    from .errors import DomainError
    from .models import Article, RevisionSource, User

    article = db.session.get(Article, article_id)
    if article is None:
        raise click.ClickException(f"There is no article {article_id}.")
    by = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if by is None:
        raise click.ClickException(f"There is no account for {email}.")
    name = getattr(file, "name", "<stdin>")
    name = "stdin.txt" if name in ("<stdin>", "-") else name
    try:
        body = document_text(name, file.read())
        result = workflow.add_revision(
            article, by=by, body=body, source=RevisionSource.UPLOAD,
            source_detail=None if name == "stdin.txt" else name.rsplit("/", 1)[-1],
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    if result is None:
        click.echo("no change", err=True)
        return
    db.session.commit()
    for claim, placement in sorted(result.placements, key=lambda item: item[0].id):
        start = "" if placement.start is None else claim.start
        end = "" if placement.start is None else claim.end
        click.echo(f"{claim.id}\t{placement.outcome}\t{start}\t{end}")


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


@click.command("create-token")
@click.argument("email")
@click.option("--scope", type=click.Choice(["read", "write"]), required=True, help="read: GET only; write: also changes.")
@click.option("--name", default="Command line", show_default=True, help="What will use it, to recognise it later.")
@with_appcontext
def create_token_command(email: str, scope: str, name: str) -> None:
    """Create a personal API token for the person with EMAIL. The token acts as that person (their
    role still limits it) and is printed once, on the last line, for scripts to capture."""
    from sqlalchemy import select

    from .errors import DomainError
    from .models import User
    from .tokens import create_token

    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"No active account for {email}.")
    try:
        token, raw = create_token(user, name=name, scope=scope, by=None)
    except DomainError as error:
        raise click.ClickException(error.message)
    db.session.commit()
    click.echo(f"Created {token.scope.value} token “{token.name}” ({token.prefix}…) for {user.email}. It is shown only now:")
    click.echo(raw)


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


@click.command("purge-tip-contacts")
@click.option("--days", type=int, default=None, help="Keep contacts this many days (default TIP_CONTACT_DAYS).")
@with_appcontext
def purge_tip_contacts_command(days: int | None) -> None:
    """Delete readers' contacts from tips older than TIP_CONTACT_DAYS (for cron, daily)."""

    from .workflow import erase_old_contacts

    erased = erase_old_contacts(days=current_app.config["TIP_CONTACT_DAYS"] if days is None else days)
    db.session.commit()
    click.echo(f"{erased} contact{'s' if erased != 1 else ''} deleted.")


@click.command("export-verdicts")
@click.option("--status", default="approved", show_default=True, help="A status, 'open' or 'any'.")
@click.option("--assignee", default="", help="Reviewer's user id, or 'none'.")
@click.option("--rating", default="", help="Rating id.")
@click.option("--article", type=int, default=None, help="Article id.")
@click.option("--approved-from", default="", help="First approval date, YYYY-MM-DD.")
@click.option("--approved-to", default="", help="Last approval date, YYYY-MM-DD.")
@click.option("--text", "q", default="", help="Words, each somewhere in the claim, quote or claimant.")
@click.option("--outlet", default="", help="Part of the article's outlet name.")
@click.option("--claimant", default="", help="Part of the claimant's name.")
@click.option("--overdue", is_flag=True, help="Only overdue claims.")
@click.option("--bom", is_flag=True, help="Start with a byte-order mark, for Excel.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="File to write (default: stdout).")
@with_appcontext
def export_verdicts_command(output: str, bom: bool, **options) -> None:
    """Write verdicts as CSV, with the same filters as the claims list's Export button."""
    from .export import claim_url_maker, csv_chunks, verdict_rows
    from .filters import Filters

    filters = Filters(**{**options, "overdue": options["overdue"]})
    problems = filters.problems()
    if problems:
        raise click.UsageError(" ".join(problems))
    rows = verdict_rows(filters, claim_url_maker())
    stream = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")
    try:
        for chunk in csv_chunks(rows, bom=bom):
            stream.write(chunk)
    finally:
        if stream is not sys.stdout:
            stream.close()


@click.command("export-claimreview")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-", help="File to write (default: stdout).")
@with_appcontext
def export_claimreview_command(output: str) -> None:
    """Write every published verdict as a JSON array of schema.org ClaimReview objects."""
    import json

    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from .export import claim_review, newsroom, published_verdict, verdict_url
    from .models import Claim
    from .ratings import scale

    ratings = scale()
    query = (
        select(Claim)
        .where(Claim.first_published_at.is_not(None))
        .order_by(Claim.id)
        .options(selectinload(Claim.article), selectinload(Claim.published_rating), selectinload(Claim.evidence))
        .execution_options(yield_per=500)
    )
    stream = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")
    try:
        stream.write("[")
        for n, claim in enumerate(db.session.scalars(query)):
            review = claim_review(published_verdict(claim, ratings), verdict_url(claim.id), newsroom())
            stream.write(("," if n else "") + "\n" + json.dumps(review, ensure_ascii=False))
        stream.write("\n]\n")
    finally:
        if stream is not sys.stdout:
            stream.close()


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Say whether this installation is ready: database, migrations, suggester, configuration."""
    import os

    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import text

    from . import config_problems

    failed = False
    url = db.engine.url
    click.echo(f"database       {url.render_as_string(hide_password=True)}")
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = set(MigrationContext.configure(connection).get_current_heads())
        click.echo("               reachable")
    except Exception as error:  # report any connection failure in words, then fail
        click.echo(f"               NOT reachable: {error}")
        current, failed = set(), True
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if current == heads:
        click.echo(f"migrations     at head ({', '.join(sorted(heads))})")
    else:
        failed = True
        click.echo(f"migrations     database at {', '.join(sorted(current)) or 'nothing'}, code at {', '.join(sorted(heads))}: run flask db upgrade")
    try:
        from .suggest import LOADED, suggester

        model = suggester()
        memory = f", {LOADED['memory'] / 2**20:.0f} MB" if LOADED.get("memory") is not None else ""
        click.echo(f"suggester      {model.version} ({LOADED['why']}), suggests at {model.threshold}; "
                   f"loaded in {LOADED['seconds']:.2f} s{memory}")
    except Exception as error:  # a missing or broken model file is reported, not raised
        failed = True
        click.echo(f"suggester      model could not be loaded: {error}")
    try:
        click.echo(f"matching       {_matching_state()}")
    except Exception as error:  # no database, or one not yet migrated: said above already
        db.session.rollback()
        click.echo(f"matching       unknown: {type(error).__name__}")
    production = os.environ.get("FACTCHECK_ENV") == "production"
    click.echo(f"environment    {'production' if production else 'development (FACTCHECK_ENV=production for servers)'}")
    problems = config_problems(current_app.config, production=True)
    for problem in problems:
        fatal = problem.startswith("FATAL: ")
        failed = failed or (fatal and production)
        label = "must fix" if fatal else "should fix"
        click.echo(f"configuration  {label if production else 'before production'}: {problem.removeprefix('FATAL: ')}")
    if not problems:
        click.echo("configuration  ready for production")
    if failed:
        raise SystemExit(1)


def _matching_state() -> str:
    """How "already checked" finds earlier claims here, and what to run if it could do better."""
    from . import claim_vectors

    model = claim_vectors.encoder()
    if model is None:
        return "by words (TF-IDF): the encoder is not in use"
    lacking = claim_vectors.missing(model)
    if lacking:
        return (f"by words (TF-IDF) until every claim has a sentence vector: {lacking:,} have none; "
                "run flask index-claims")
    return f"by sentence vectors ({model.vector_version})"


@click.command("score-sentences")
def score_sentences_command() -> None:
    """Read one sentence per line on stdin; print its score (0-1) and 1/0 for 'suggested at the
    default threshold', tab-separated, in the same order."""
    from .suggest import suggester, suggestion_scores

    model = suggester()
    lines = [line.rstrip("\n") for line in sys.stdin]
    texts = [t for t in lines if t.strip()]
    scored = iter(suggestion_scores(model, texts))
    for text in lines:
        score = next(scored) if text.strip() else 0.0
        click.echo(f"{score:.4f}\t{int(score >= model.threshold)}")


@click.command("train-suggester")
@click.option("--model", "kind", type=click.Choice(["ngram", "transformer"]), default="ngram", show_default=True,
              help="ngram: the fallback model (scikit-learn, seconds). transformer: fine-tune the encoder "
                   "(torch, about 20-40 minutes on 2 cores).")
@click.option("--epochs", type=int, default=None, help="transformer only (default 1).")
@click.option("--train-layers", type=click.IntRange(1, 6), default=None,
              help="transformer only: how many of the 6 top layers to fine-tune (default 3).")
@click.option("--sample", type=int, default=None,
              help="transformer only: train on this many sentences drawn with the seed, 0 for all (default 12000).")
@click.option("--threshold", type=float, default=None,
              help="transformer only: the suggestion threshold to record (default: the one in the shipped metadata).")
def train_suggester_command(kind: str, epochs: int | None, train_layers: int | None, sample: int | None,
                            threshold: float | None) -> None:
    """Retrain the suggester from the copied CLEF CheckThat! data (needs the [train] extra)."""
    if kind == "transformer":
        from .encoder_training import EPOCHS, SAMPLE, TRAIN_LAYERS, MissingTrainingDependency, train as train_encoder
        from .suggest import ENCODER_DIR

        if threshold is None:
            try:
                threshold = json.loads((ENCODER_DIR / "model.json").read_text())["threshold"]
            except (OSError, ValueError, KeyError):
                threshold = 0.5
        try:
            result = train_encoder(epochs=epochs or EPOCHS, threshold=threshold, log=click.echo,
                                   train_layers=train_layers or TRAIN_LAYERS, sample=SAMPLE if sample is None else sample)
        except MissingTrainingDependency as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"model {result['version']} in {result['minutes']:.1f} min, {result['size_mb']:.1f} MB shipped; "
                   f"int8 ONNX within {result['drift']:.3f} (mean) of torch on dev")
        return
    from .training import STEPS, train

    with click.progressbar(length=len(STEPS), label="Training the suggester") as bar:
        result = train(done=lambda _step: bar.update(1))
    click.echo(f"model {result['version']}, threshold {result['threshold']} (chosen on dev); "
               f"plain-Python scorer within {result['drift']:.1e} of scikit-learn")


@click.command("evaluate-suggester")
@click.option("--sample", type=int, default=None, help="Use only the first N dev-test rows (quick check).")
@click.option("--full", is_flag=True, help="Side by side on dev-test, a clustered cross-validation and the news set "
              "(a few minutes on 2 cores).")
@click.option("--no-transformer", is_flag=True, help="With --full: leave the transformer out.")
@click.option("--transformer-cv", is_flag=True, help="With --full: fine-tune the transformer on each fold (a sample; about half an hour on 2 busy cores), kept in instance/.")
@click.option("--whole-folds", is_flag=True, help="With --full: fine-tune the transformer on whole folds as it is shipped "
              "(about 20 minutes on 2 idle cores), kept in instance/; its predictions choose the shipped threshold.")
@with_appcontext
def evaluate_suggester_command(sample: int | None, full: bool, no_transformer: bool, transformer_cv: bool,
                               whole_folds: bool) -> None:
    """F1 of the check-worthy class and average precision on dev-test, beside a plain baseline;
    with --full, the honest table."""
    if full:
        from .evaluation import evaluate as evaluate_fully

        rows = evaluate_fully(Path(current_app.instance_path),
                              transformer=not no_transformer, transformer_cv=transformer_cv,
                              whole_folds=whole_folds, log=lambda m: click.echo(m, err=True))
        columns = ["threshold", "dev-test F1", "dev-test AP", "CV F1", "CV AP", "news F1", "news AP"]
        click.echo(f"{'model':44} " + " ".join(f"{c:>11}" for c in columns))
        for row in rows:
            click.echo(f"{row['model']:44} " + " ".join(f"{row[c]:11.3f}" for c in columns))
        click.echo("(CV of the transformer: nan unless --whole-folds or --transformer-cv ran; the latter's folds learn from a sample)")
        click.echo("news without the sentence hygiene: " + "; ".join(
            f"{row['model']} F1 {row['news F1 without hygiene']:.3f} AP {row['news AP without hygiene']:.3f}" for row in rows))
        return
    from .training import evaluate

    click.echo(f"{'model':62} {'F1 (Yes)':>9} {'AP':>7}")
    for name, f1, ap in evaluate(sample):
        click.echo(f"{name:62} {f1:9.3f} {ap:7.3f}")


@click.command("evaluate-matching")
@with_appcontext
def evaluate_matching_command() -> None:
    """How well "already checked" finds earlier claims on the paraphrase set: words against
    sentence vectors (about a minute on 2 cores)."""
    from . import create_app
    from .matching_evaluation import evaluate

    # The words method is measured on a scratch database of its own, in an app made here.
    rows = evaluate(lambda url: create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}),
                    log=lambda m: click.echo(m, err=True))
    columns = ["recall@1", "recall@5", "threshold", "precision", "recall", "near-misses matched"]
    click.echo(f"{'method':36} " + " ".join(f"{c:>10}" for c in columns[:5]) + "  near-misses matched")
    for row in rows:
        click.echo(f"{row['method']:36} " + " ".join(f"{row[c]:10.3f}" for c in columns[:5])
                   + f"  {row['near-misses matched']}/{row['near-misses']}")
    click.echo("(precision and recall above are in-sample for the vectors and for both: their thresholds were "
               "chosen on this set; the words' 0.35 was not)")
    click.echo("thresholds chosen on the other half of the groups, measured on this half:")
    for row in rows:
        low, high = row["held-out thresholds"]
        click.echo(f"{row['method']:36} thresholds {low:.2f}/{high:.2f}: precision {row['held-out precision']:.3f}, "
                   f"recall {row['held-out recall']:.3f}, near-misses matched {row['held-out near-misses matched']}")


@click.command("score-articles")
@click.option("--all", "everything", is_flag=True, help="Rescore every article, not only those scored by another model.")
@with_appcontext
def score_articles_command(everything: bool) -> None:
    """Give old articles' sentences scores from the current suggester model."""
    from sqlalchemy import func, or_, select
    from sqlalchemy.orm import selectinload

    from .batches import in_batches
    from .models import Article
    from .suggest import suggester
    from .suggest import score_spans

    version = suggester().version
    stale = [] if everything else [or_(Article.scored_with.is_(None), Article.scored_with != version)]
    total = db.session.scalar(select(func.count()).select_from(Article).where(*stale))
    query = select(Article).where(*stale).options(selectinload(Article.sentences))
    count = 0
    with click.progressbar(length=total, label="Scoring articles") as bar:
        for batch in in_batches(query, Article.id, ARTICLES_BATCH):
            for article in batch:
                scores, used = score_spans(article.body, [(s.start, s.end) for s in article.sentences])
                for sentence, score in zip(article.sentences, scores):
                    sentence.score = score
                article.scored_with = used
            db.session.commit()
            count += len(batch)
            bar.update(len(batch))
    click.echo(f"{count:,} article{'s' if count != 1 else ''} scored with {version}.")


@click.command("index-claims")
@with_appcontext
def index_claims_command() -> None:
    """Rebuild the index that finds earlier claims saying the same thing: each claim's words and
    its sentence vector (with the encoder; about 4 minutes per 100,000 claims on one core)."""
    from sqlalchemy import func, select

    from . import claim_vectors
    from .batches import in_batches
    from .matching import index_claim, rebuild_counts
    from .models import Claim

    count, model = 0, claim_vectors.encoder()
    with click.progressbar(length=db.session.scalar(select(func.count()).select_from(Claim)), label="Indexing claims") as bar:
        for batch in in_batches(select(Claim), Claim.id, CLAIMS_BATCH):
            for claim in batch:
                index_claim(claim, vector=False)
            claim_vectors.store(batch, model)
            db.session.commit()
            count += len(batch)
            bar.update(len(batch))
    rebuild_counts()
    db.session.commit()
    click.echo(f"sentence vectors written by {model.vector_version}" if model
               else "no sentence vectors: the encoder is not in use")
    click.echo(f"{count:,} claim{'s' if count != 1 else ''} indexed; word counts rebuilt.")


@click.command("recount")
@with_appcontext
def recount_command() -> None:
    """Count claims by status afresh for the dashboard, after claims were written to the
    database other than through factcheck (a bulk import, a restored table)."""
    from .counts import recount_statuses

    counts = recount_statuses()
    db.session.commit()
    click.echo(f"{sum(counts.values()):,} claims recounted: " + ", ".join(f"{n:,} {s.value}" for s, n in counts.items()) + ".")
