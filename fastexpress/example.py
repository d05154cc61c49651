"""The README's example app: ``python -m fastexpress.example`` serves it on 127.0.0.1:3000."""
from __future__ import annotations

import os

from fastexpress import HTTPError, express

app = express()
users = {"1": {"id": "1", "name": "Ada"}, "2": {"id": "2", "name": "Linus"}}


@app.use
def timing(req, res, next):
    res.set("X-Example", "fastexpress")
    next()


@app.get("/")
def home(req, res):
    res.send("<h1>Hello from fastexpress</h1>")


@app.get("/users/:id")
def show_user(req, res):
    user = users.get(req.params["id"])
    if user is None:
        raise HTTPError(404, "no such user")
    res.json(user)


@app.post("/echo")
async def echo(req, res):
    res.type(req.get("Content-Type") or "bin").send(await req.read(limit=1024 * 1024))


@app.get("/old")
def old(req, res):
    res.redirect(301, "/")


@app.use
def on_error(err, req, res, next):
    res.status(getattr(err, "status", 500)).json({"error": str(err)})


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "3000"))
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress example on http://127.0.0.1:{port}"))
