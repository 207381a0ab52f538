"""Settings every environment starts from; environment variables override them in create_app."""

import os

DEFAULT_SECRET_KEY = "dev-only-secret-change-me"
SECRET_KEY = DEFAULT_SECRET_KEY
# SQLite file in instance/ unless DATABASE_URL says otherwise (resolved in create_app).
SQLALCHEMY_DATABASE_URI = None
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

NEWSROOM_NAME = "Demo Newsroom"
# Where readers find the published verdicts; ClaimReview and the feed build their addresses from
# it (never from the request). Unset in development: APP_URL serves then. Production requires it.
NEWSROOM_URL = None
NEWSROOM_TIMEZONE = "UTC"
# Where people reach this app; links in exports made from the command line start with it.
APP_URL = "http://127.0.0.1:5000"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = False
SESSION_COOKIE_NAME = "factcheck_session"
PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
# A signed-in session unused this long ends; the account page lists only the rest.
SESSION_IDLE_TIMEOUT_SECONDS = 60 * 60 * 24 * 14
# Sent (with includeSubDomains) only when cookies are https-only, as in production.
HSTS_SECONDS = 60 * 60 * 24 * 365

# How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto: 1 for one
# nginx or load balancer. 0 ignores those headers (anyone could send them), and every client then
# has the proxy's address. Read here so that every way of starting the app sees it.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit; the session bounds it

# Uploads and pasted bodies; the form shows these limits.
MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # far above the 200,000-character body limit, so the form explains
# The pasted text is one part of a multipart form (the form also takes a file), held in memory.
# Werkzeug's default of 500,000 bytes refused 180,000 Chinese characters; 200,000 characters of
# UTF-8 take up to 800,000 bytes, and twice that still reaches the form, which explains the limit.
MAX_FORM_MEMORY_SIZE = 2 * 800_000

# Failed sign-ins per window. Browsers never signed in to the account share the account's and
# their address's limits; a browser that has signed in to it before has its own (factcheck.throttle).
LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
LOGIN_MAX_FAILURES_PER_ADDRESS = 20
LOGIN_MAX_FAILURES_PER_DEVICE = 5
LOGIN_THROTTLE_WINDOW_SECONDS = 60
LOGIN_DEVICE_COOKIE_DAYS = 365

# Articles fetched from a link (factcheck.outgoing, factcheck.intake). Only public addresses are
# fetched; networks listed here (CIDR blocks separated by commas or spaces, e.g. "10.20.0.0/16"
# for an intranet, "127.0.0.0/8" for tests) are reachable too. The environment variable of the
# same name overrides it.
FETCH_ALLOWED_NETWORKS = ""
FETCH_TIMEOUT_SECONDS = 10.0  # per connection and per read; a whole fetch, redirects included, ends after twice this (under the web worker's 30 s)
FETCH_MAX_BYTES = 5 * 1024 * 1024  # a page larger than this is not read; the editor pastes instead
# Reader tips: how many one address may send per window, and how long a reader's contact is
# kept (then erased by `flask purge-tip-contacts`, and whenever the inbox is opened).
TIPS_PER_ADDRESS = 5
TIP_WINDOW_SECONDS = 60 * 60
TIP_CONTACT_DAYS = 30
# The publisher in ClaimReview: a logo address (default: the app's icon) and a postal address.
NEWSROOM_LOGO_URL = None
NEWSROOM_ADDRESS = None
# Outgoing email (the MAIL_* environment variables set these). Without MAIL_SERVER, `flask
# deliver` keeps emails in the outbox and says why.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False  # STARTTLS on a plain connection (port 587)
MAIL_USE_SSL = False  # TLS from the first byte (port 465)
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "factcheck <factcheck@localhost>"
# A worker holds a message it is sending this long; after a crash another worker takes it then.
OUTBOX_LEASE_SECONDS = 300
# With a Redis URL, each commit that queues messages also queues an RQ job to send them at once
# (run `rq worker factcheck-outbox --with-scheduler --url $REDIS_URL`); `flask deliver` works either way.
REDIS_URL = None
# The JSON API: requests one personal token may make per window (counted in the database, so
# the limit holds across every app server), answered 429 with Retry-After beyond it.
API_RATE_LIMIT = int(os.environ.get("API_RATE_LIMIT", "120"))
API_RATE_WINDOW_SECONDS = 60
# Rows per page of the API's lists, unless a request asks for fewer (?limit=, at most API_PAGE_MAX).
API_PAGE_SIZE = 50
API_PAGE_MAX = 200
