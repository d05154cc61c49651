"""The example app: routes, middleware, a template, a static folder and a form post."""
from __future__ import annotations

from pathlib import Path

from fastexpress import HTTPError, express

HERE = Path(__file__).parent
app = express()
app.set("views", str(HERE / "views"))
app.set("view engine", "html")  # Jinja2
app.locals.title = "fastexpress example"
users = {"1": {"id": "1", "name": "Ada"}, "2": {"id": "2", "name": "Linus"}}
messages: list[str] = []

app.use(express.logger("dev"))
app.use(express.static(str(HERE / "public"), max_age="1h"))
app.use(express.urlencoded())


@app.get("/")
def home(req, res):
    res.render("index", {"users": users.values(), "messages": messages})


@app.post("/messages")
def post_message(req, res):
    text = (req.body or {}).get("text", "").strip()
    if not text:
        raise HTTPError(400, "a message needs some text")
    messages.append(text)
    res.redirect(303, "/")


@app.get("/users/:id")
def show_user(req, res):
    user = users.get(req.params["id"])
    if user is None:
        raise HTTPError(404, "no such user")
    res.json(user)


@app.post("/echo")
async def echo(req, res):
    res.type(req.get("Content-Type") or "bin").send(await req.read(limit=1024 * 1024))


@app.use
def on_error(err, req, res, next):
    res.status(getattr(err, "status", 500)).json({"error": str(err)})
