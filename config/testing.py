"""Settings for the test suite: the database URL comes from the test fixture."""

TESTING = True
SECRET_KEY = "testing-secret"
SERVER_NAME = None
