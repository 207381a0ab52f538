"""Settings every environment starts from; environment variables override them in create_app."""

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

WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit; the session bounds it

# Uploads and pasted bodies; the form shows these limits.
MAX_CONTENT_LENGTH = 8 * 1024 * 1024  # far above the 200,000-character body limit, so the form explains

LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
LOGIN_MAX_FAILURES_PER_ADDRESS = 20
LOGIN_THROTTLE_WINDOW_SECONDS = 60
