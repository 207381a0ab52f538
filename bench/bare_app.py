"""A bare Flask page, the baseline for bench/serve.py: same server, no database, no templates."""

from flask import Flask

app = Flask(__name__)


@app.get("/claims")
def claims():
    return "<!doctype html><title>bare</title><p>ok</p>"
