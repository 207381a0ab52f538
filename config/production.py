"""Settings for a newsroom's production server; secrets come from environment variables."""

DEBUG = False
SESSION_COOKIE_SECURE = True
