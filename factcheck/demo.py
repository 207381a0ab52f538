"""The demo newsroom: one account per role and three invented articles with claims in every
status. The events, people and outlets are made up for the demo."""

from datetime import date

from sqlalchemy import select

from .extensions import db
from .models import ClaimStatus, Role, User
from .users import create_user
from .workflow import create_article, create_claim, record

DEMO_USERS = [
    ("admin@demo.factcheck.example", "Ada Admin", Role.ADMIN, "demo-admin-pass"),
    ("editor@demo.factcheck.example", "Eda Editor", Role.EDITOR, "demo-editor-pass"),
    ("reviewer@demo.factcheck.example", "Rui Reviewer", Role.REVIEWER, "demo-reviewer-pass"),
    ("viewer@demo.factcheck.example", "Vic Viewer", Role.VIEWER, "demo-viewer-pass"),
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
                ClaimStatus.APPROVED,
            ),
            (
                "the plan was the largest investment in public transport in the city's history",
                None,
                "Mayor Lena Okafor",
                ClaimStatus.IN_REVIEW,
            ),
            ("The budget raises spending on buses by 18 percent", None, None, ClaimStatus.IN_RESEARCH),
            (
                "property taxes would rise for the third year in a row",
                "Property taxes in Riverside will rise for the third year in a row.",
                "Tomas Brandt",
                ClaimStatus.ASSIGNED,
            ),
            (
                "Crime has fallen by half since we hired more officers",
                "Crime in Riverside has fallen by half since more police officers were hired.",
                "Mayor Lena Okafor",
                ClaimStatus.RETURNED,
            ),
            (
                "Police figures published in March show reported burglaries fell from 1,240 in 2023",
                None,
                "Riverside police",
                ClaimStatus.IN_RESEARCH,
            ),
            (
                "reported burglaries fell from 1,240 in 2023 to 910 in 2025",
                "Reported burglaries in Riverside fell from 1,240 in 2023 to 910 in 2025.",
                None,
                ClaimStatus.UNASSIGNED,
            ),
            (
                "Riverside has the lowest unemployment rate of any city in the region",
                None,
                "Mayor Lena Okafor",
                ClaimStatus.UNASSIGNED,
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
                ClaimStatus.UNASSIGNED,
            ),
            (
                "Every independent study has found the terminal will destroy the last wetland in the bay",
                None,
                "Mira Castell, Bay Alliance",
                ClaimStatus.ASSIGNED,
            ),
            (
                "Shipping through the harbour grew by 7 percent last year, the fastest rate on the coast.",
                None,
                None,
                ClaimStatus.DROPPED,
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
        "claims": [],
    },
]


def seed_demo() -> bool:
    """Create the demo newsroom unless its editor already exists. Returns True when it did."""
    editor_email = DEMO_USERS[1][0]
    if db.session.scalar(select(User.id).where(User.email == editor_email)) is not None:
        return False
    users = {}
    for email, name, role, password in DEMO_USERS:
        existing = db.session.scalar(select(User).where(User.email == email))
        users[role] = existing or create_user(email=email, name=name, role=role, password=password, by=None)
    editor = users[Role.EDITOR]
    for spec in ARTICLES:
        article = create_article(
            by=editor,
            body=spec["body"],
            title=spec["title"],
            outlet=spec["outlet"],
            url=spec["url"],
            published_on=spec["published_on"],
        )
        for quote, wording, claimant, status in spec["claims"]:
            start = article.body.index(quote)
            claim = create_claim(
                article, by=editor, start=start, end=start + len(quote), wording=wording, claimant=claimant
            )
            if status != ClaimStatus.UNASSIGNED:
                # The demo shows every status; until the workflow issue lands, set them directly
                # and record it like any other change.
                record(
                    editor,
                    "status_changed",
                    claim,
                    from_status=claim.status.value,
                    to_status=status.value,
                    note="Demo data",
                )
                claim.status = status
                db.session.flush()
    return True
