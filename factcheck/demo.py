"""The demo newsroom: one account per role and three invented articles with claims in every
status. The events, people and outlets are made up for the demo."""

from datetime import date

from flask import current_app
from sqlalchemy import select

from .extensions import db
from .models import Role, User
from .users import create_user
from .workflow import create_article, create_claim

DEMO_USERS = [
    ("admin@demo.factcheck.example", "Ada Admin", Role.ADMIN, "demo-admin-pass"),
    ("editor@demo.factcheck.example", "Eda Editor", Role.EDITOR, "demo-editor-pass"),
    ("reviewer@demo.factcheck.example", "Rui Reviewer", Role.REVIEWER, "demo-reviewer-pass"),
    ("viewer@demo.factcheck.example", "Vic Viewer", Role.VIEWER, "demo-viewer-pass"),
    ("reviewer2@demo.factcheck.example", "Rosa Reviewer", Role.REVIEWER, "demo-reviewer2-pass"),
]

ARTICLES = [
    {
        "title": "Council passes Riverside budget after late-night session",
        "outlet": "The Riverside Courier",
        "url": "https://courier.example.org/2026/10/council-budget",
        "published_on": date(2026, 10, 14),
        "body": (
            "Riverside's city council approved a budget of 412 million dollars early on Wednesday, "
            "after a session that ran past midnight. Mayor Lena Okafor said the plan was the largest "
            "investment in public transport in the city's history.\n\n"
            "The budget raises spending on buses by 18 percent and adds 40 new drivers. Council member "
            "Tomas Brandt, who voted against it, said property taxes would rise for the third year in a "
            "row. According to the finance department, the average household will pay 96 dollars more "
            "next year.\n\n"
            "\"Crime has fallen by half since we hired more officers,\" Okafor told reporters after the "
            "vote. Police figures published in March show reported burglaries fell from 1,240 in 2023 "
            "to 910 in 2025.\n\n"
            "Riverside has the lowest unemployment rate of any city in the region, the mayor added. "
            "The council will meet again on 3 November to discuss the school building programme."
        ),
        "claims": [
            (
                "approved a budget of 412 million dollars",
                "Riverside's council approved a budget of 412 million dollars.",
                "Riverside city council",
            ),
            (
                "the plan was the largest investment in public transport in the city's history",
                None,
                "Mayor Lena Okafor",
            ),
            ("The budget raises spending on buses by 18 percent", None, None),
            (
                "property taxes would rise for the third year in a row",
                "Property taxes in Riverside will rise for the third year in a row.",
                "Tomas Brandt",
            ),
            (
                "Crime has fallen by half since we hired more officers",
                "Crime in Riverside has fallen by half since more police officers were hired.",
                "Mayor Lena Okafor",
            ),
            (
                "Police figures published in March show reported burglaries fell from 1,240 in 2023",
                None,
                "Riverside police",
            ),
            (
                "reported burglaries fell from 1,240 in 2023 to 910 in 2025",
                "Reported burglaries in Riverside fell from 1,240 in 2023 to 910 in 2025.",
                None,
            ),
            (
                "Riverside has the lowest unemployment rate of any city in the region",
                None,
                "Mayor Lena Okafor",
            ),
        ],
    },
    {
        "title": "Harbour expansion will create 5,000 jobs, port authority says",
        "outlet": "Harbour Gazette",
        "url": "https://gazette.example.net/port-expansion-jobs",
        "published_on": date(2026, 11, 2),
        "body": (
            "The port authority says its new container terminal will create 5,000 permanent jobs "
            "within four years. The terminal, due to open in 2029, is expected to double the harbour's "
            "capacity.\n\n"
            "Environmental groups disputed the figures. \"Every independent study has found the "
            "terminal will destroy the last wetland in the bay,\" said Mira Castell of the Bay "
            "Alliance. The authority says the wetland covers 12 hectares and that 30 hectares of new "
            "habitat will be created nearby.\n\n"
            "Shipping through the harbour grew by 7 percent last year, the fastest rate on the coast. "
            "It is a great day for the region."
        ),
        "claims": [
            (
                "its new container terminal will create 5,000 permanent jobs within four years",
                "The new container terminal will create 5,000 permanent jobs within four years.",
                "Port authority",
            ),
            (
                "Every independent study has found the terminal will destroy the last wetland in the bay",
                None,
                "Mira Castell, Bay Alliance",
            ),
            (
                "Shipping through the harbour grew by 7 percent last year, the fastest rate on the coast.",
                None,
                None,
            ),
        ],
    },
    {
        "title": "School meals programme reaches every primary pupil",
        "outlet": "The Riverside Courier",
        "url": "https://courier.example.org/2026/11/school-meals",
        "published_on": date(2026, 11, 18),
        "body": (
            "Every primary school pupil in the district now receives a free hot lunch, the education "
            "board announced on Monday. The programme costs 9 million dollars a year and serves "
            "around 14,000 children.\n\n"
            "Board chair Samuel Idowu said attendance had risen by 6 percent since the meals were "
            "introduced. Parents at Northgate Primary welcomed the scheme."
        ),
        "claims": [
            (
                "The programme costs 9 million dollars a year",
                "The school meals programme costs 9 million dollars a year.",
                "Education board",
            ),
            (
                "attendance had risen by 6 percent since the meals were introduced",
                None,
                "Samuel Idowu",
            ),
        ],
    },
]


# What happens to each demo claim, by the quote it starts from: a list of workflow steps.
# reviewer: "a" or "b"; due: days from now (negative = overdue).
EVIDENCE = {
    "minutes": dict(url="https://riverside.example.gov/council/minutes-2026-10-14", source="Council minutes, 14 October", stance="supports", summary="Item 4: budget of $412m carried 7-4."),
    "transport": dict(url="https://riverside.example.gov/archive/capital-plans", source="City capital plans 1998-2026", stance="contradicts", summary="The 2009 tram extension cost more in today's dollars.", archive_url="https://archive.example.org/capital-plans"),
    "buses": dict(url="https://riverside.example.gov/budget/2027/transport.pdf", source="Budget 2027, transport annex", stance="context"),
    "police": dict(url="https://police.riverside.example.gov/stats/burglary", source="Riverside police statistics", stance="supports", summary="1,240 burglaries in 2023, 910 in 2025."),
    "crime": dict(url="https://police.riverside.example.gov/stats/all-crime", source="Riverside police statistics", stance="contradicts", summary="All reported crime fell 11 percent, not half."),
    "tip": dict(url="https://docs.example.org/leaked-memo", source="Council staff member", stance="context", withheld=True, withheld_reason="Source asked not to be named; memo not public."),
}
PLAN = {
    "approved a budget of 412 million dollars": dict(reviewer="a", due=-3, evidence=["minutes"], rating="True", rationale="The council minutes record the budget of $412 million passing by seven votes to four.", end="approved"),
    "the plan was the largest investment": dict(reviewer="b", due=1, evidence=["transport"], rating="Mostly false", rationale="In today's dollars the 2009 tram extension cost more; the claim holds only in nominal terms.", end="in_review"),
    "The budget raises spending on buses": dict(reviewer="a", due=2, evidence=["buses"], rating=None, end="in_research"),
    "property taxes would rise": dict(reviewer="b", due=-1, end="assigned"),
    "Crime has fallen by half": dict(reviewer="a", due=-2, evidence=["crime", "tip"], rating="False", rationale="Police statistics show an 11 percent fall.", end="returned", note="Please compare with the regional figures too, and say which years the mayor meant."),
    "Police figures published in March": dict(reviewer="b", due=4, end="in_research"),
    "reported burglaries fell from 1,240": dict(
        reviewer="a", due=-5, evidence=["police"], rating="True",
        rationale="The police statistics page gives exactly these figures.", end="approved",
        correction=(
            "The 2025 figure we relied on was provisional; please check the final police table.",
            "Mostly true",
            "Final police figures show 1,240 burglaries in 2023 and 934 in 2025, not 910.",
            "The 2025 figure we relied on was provisional; the final figure is 934, so the fall is slightly smaller than claimed.",
        ),
    ),
    "Every independent study": dict(reviewer="a", due=5, end="assigned"),
    "Shipping through the harbour grew": dict(end="dropped"),
    "The programme costs 9 million dollars": dict(reviewer="b", due=-1, rating="Unproven", rationale="The board has not published the programme's accounts; neither figure can be checked yet.", end="approved"),
}


# What readers sent through the tip form (the inbox at /tips).
DEMO_TIPS = [
    ("A post going round says Riverside's new bridge cost 2 billion dollars, more than the whole city budget.",
     "https://social.example.org/posts/88213", "pat.reader@example.net"),
    ("The radio ad says the harbour handles twice as many ships as five years ago. Is that true?", None, None),
]


def seed_demo() -> bool:
    """Create the demo newsroom unless its editor already exists. Returns True when it did."""
    from datetime import timedelta

    from .models import DropReason, Rating, utcnow
    from .ratings import install_default_scale
    from .policies import install_default_pages
    from . import workflow

    install_default_scale()
    install_default_pages(current_app.config["NEWSROOM_NAME"])
    editor_email = DEMO_USERS[1][0]
    if db.session.scalar(select(User.id).where(User.email == editor_email)) is not None:
        return False
    users = {}
    for email, name, role, password in DEMO_USERS:
        existing = db.session.scalar(select(User).where(User.email == email))
        users[email] = existing or create_user(email=email, name=name, role=role, password=password, by=None)
    editor = users[editor_email]
    reviewers = {"a": users[DEMO_USERS[2][0]], "b": users[DEMO_USERS[4][0]]}
    ratings = {r.name: r for r in db.session.scalars(select(Rating))}
    for spec in ARTICLES:
        article = create_article(
            by=editor,
            body=spec["body"],
            title=spec["title"],
            outlet=spec["outlet"],
            url=spec["url"],
            published_on=spec["published_on"],
        )
        for quote, wording, claimant in spec["claims"]:
            start = article.body.index(quote)
            claim = create_claim(
                article, by=editor, start=start, end=start + len(quote), wording=wording, claimant=claimant
            )
            plan = next((p for key, p in PLAN.items() if quote.startswith(key)), None)
            if plan is None:
                continue
            if plan["end"] == "dropped":
                workflow.drop(claim, by=editor, reason=DropReason.OUT_OF_SCOPE, note="Regional trade figure; not our beat.")
                continue
            reviewer = reviewers[plan["reviewer"]]
            workflow.assign(claim, by=editor, assignee=reviewer, due_at=utcnow() + timedelta(days=plan["due"]))
            if plan["end"] == "assigned":
                continue
            workflow.start_research(claim, by=reviewer)
            for key in plan.get("evidence", []):
                workflow.add_evidence(claim, by=reviewer, **EVIDENCE[key])
            if plan.get("rating") and plan["end"] == "in_research":
                workflow.save_verdict(claim, by=reviewer, rating=ratings[plan["rating"]], rationale=None)
            if plan["end"] == "in_research":
                continue
            workflow.save_verdict(claim, by=reviewer, rating=ratings[plan["rating"]], rationale=plan["rationale"], submit=True)
            if plan["end"] == "returned":
                workflow.return_for_work(claim, by=editor, note=plan["note"])
                workflow.add_comment(claim, by=reviewer, body="Will do; the regional series is published on Fridays.")
            elif plan["end"] == "approved":
                workflow.approve(claim, by=editor)
                if plan.get("correction"):
                    note, rating, rationale, notice = plan["correction"]
                    workflow.issue_correction(claim, by=editor, note=note)
                    workflow.save_verdict(claim, by=reviewer, rating=ratings[rating], rationale=rationale, submit=True)
                    workflow.approve(claim, by=editor, note=notice)
    for text, seen_at, contact in DEMO_TIPS:
        workflow.submit_tip(text=text, seen_at=seen_at, contact=contact)
    return True
