"""The README's example app answers as the README says (template, static file, form post)."""
from __future__ import annotations

from fastexpress.example.app import app
from fastexpress.testing import TestClient


def test_example_app() -> None:
    with TestClient(app) as client:
        home = client.get("/")
        assert home.status_code == 200 and home.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>fastexpress example</title>" in home.text and "Ada" in home.text
        css = client.get("/style.css")
        assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
        assert css.headers["cache-control"] == "public, max-age=3600"
        posted = client.post("/messages", data={"text": "<hello>"})
        assert posted.status_code == 303 and posted.headers["location"] == "/"
        assert "<li>&lt;hello&gt;</li>" in client.get("/").text  # autoescaped
        assert client.post("/messages", data={"text": " "}).status_code == 400
        assert client.get("/users/1").json() == {"id": "1", "name": "Ada"}
        missing = client.get("/users/9")
        assert missing.status_code == 404 and missing.json() == {"error": "no such user"}
        assert client.post("/echo", content=b"hi", headers={"Content-Type": "text/plain"}).text == "hi"
