"""Files suite (res.send_file, res.download, express.static) on fastexpress; app.js is its twin
(same routes, same order). Run from this folder: FASTEXPRESS_ENV=production python app.py PORT

At startup both apps give every file of public/ the same mtime (so ETag and Last-Modified
match) and build the same temporary tree (a 200 KiB file, symlinks in and out of a root).
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import sys
import tempfile

from fastexpress import express

port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
HERE = os.path.dirname(os.path.abspath(__file__))
PUBLIC = os.path.join(HERE, "public")
MTIME_NS = 1623760496789 * 1_000_000  # 2021-06-15T12:34:56.789Z

for dirpath, _dirs, files in os.walk(PUBLIC):
    for name in files:
        os.utime(os.path.join(dirpath, name), ns=(MTIME_NS, MTIME_NS))

# The temporary tree: TMP/root/{big.bin, inside.txt, link-in.txt -> inside.txt,
# link-out.txt -> ../outside.txt}, TMP/outside.txt.
TMP = tempfile.mkdtemp(prefix="fastexpress-files-py-")
ROOT2 = os.path.join(TMP, "root")
os.mkdir(ROOT2)
with open(os.path.join(ROOT2, "big.bin"), "wb") as f:
    f.write(bytes(((i * 7 + (i >> 10)) & 0xFF) for i in range(200 * 1024)))
with open(os.path.join(ROOT2, "inside.txt"), "w") as f:
    f.write("inside the root\n")
with open(os.path.join(TMP, "outside.txt"), "w") as f:
    f.write("outside the root\n")
os.symlink("inside.txt", os.path.join(ROOT2, "link-in.txt"))
os.symlink("../outside.txt", os.path.join(ROOT2, "link-out.txt"))
for p in (os.path.join(ROOT2, "big.bin"), os.path.join(ROOT2, "inside.txt"), os.path.join(TMP, "outside.txt")):
    os.utime(p, ns=(MTIME_NS, MTIME_NS))
atexit.register(shutil.rmtree, TMP, True)

app = express()
HELLO = os.path.join(PUBLIC, "hello.txt")


def num(v: str):
    if re.fullmatch(r"-?\d+(\.\d+)?", v):
        f = float(v)
        return int(f) if f.is_integer() else f
    return v


def err_info(err):
    if err is None:
        return None
    return {"status": getattr(err, "status", None), "code": getattr(err, "code", None),
            "expose": getattr(err, "expose", None)}


# ---------------------------------------------------------------- res.sendFile
app.get("/sf/abs", lambda req, res: res.send_file(HELLO))
app.get("/sf/root/:name", lambda req, res: res.send_file(req.params["name"], {"root": PUBLIC}))
app.get("/sf/rel-root/*path", lambda req, res: res.send_file("/".join(req.params["path"]), root="public"))
app.get("/sf/relative", lambda req, res: res.send_file("public/hello.txt"))
app.get("/sf/no-path", lambda req, res: res.send_file(None))
app.get("/sf/missing", lambda req, res: res.send_file(os.path.join(PUBLIC, "nope.txt")))
app.get("/sf/dir", lambda req, res: res.send_file(os.path.join(PUBLIC, "sub")))
app.get("/sf/dir-slash", lambda req, res: res.send_file(os.path.join(PUBLIC, "sub") + "/"))
app.get("/sf/maxage/:v", lambda req, res: res.send_file(HELLO, max_age=num(req.params["v"])))
app.get("/sf/immutable", lambda req, res: res.send_file(HELLO, {"maxAge": "1d", "immutable": True}))
app.get("/sf/no-cache-control", lambda req, res: res.send_file(HELLO, cache_control=False, immutable=True))
app.get("/sf/no-last-modified", lambda req, res: res.send_file(HELLO, last_modified=False))
app.get("/sf/no-ranges", lambda req, res: res.send_file(os.path.join(PUBLIC, "digits.txt"), accept_ranges=False))
app.get("/sf/headers", lambda req, res: res.send_file(
    HELLO, headers={"X-Custom": "yes", "Content-Type": "text/x-custom", "X-Num": 7}))
app.get("/sf/headers-missing", lambda req, res: res.send_file(
    os.path.join(PUBLIC, "nope.txt"), headers={"X-Custom": "yes"}))


@app.get("/sf/dotfiles/:mode")
def sf_dotfiles(req, res):
    opts = {"root": PUBLIC}
    if req.params["mode"] != "default":
        opts["dotfiles"] = req.params["mode"]
    res.send_file(".hidden", opts)


app.get("/sf/dotdir", lambda req, res: res.send_file(".dotdir/inside.txt", root=PUBLIC, dotfiles="allow"))
app.get("/sf/dotfile-abs", lambda req, res: res.send_file(os.path.join(PUBLIC, ".hidden")))


@app.get("/sf/preset")
def sf_preset(req, res):
    res.set("ETag", '"custom"')
    res.set("Cache-Control", "no-store")
    res.set("Content-Type", "text/plain")
    res.set("X-Before", "1")
    res.send_file(HELLO)


app.get("/sf/status", lambda req, res: res.status(201).send_file(HELLO))


@app.get("/sf/cb-error")
def sf_cb_error(req, res):
    res.send_file(os.path.join(PUBLIC, "nope.txt"), lambda err: res.status(err.status).json(err_info(err)))


@app.get("/sf/cb-dir")
def sf_cb_dir(req, res):
    res.send_file(os.path.join(PUBLIC, "sub"), lambda err: res.status(409).json(err_info(err)))


@app.get("/sf/cb-ok")
def sf_cb_ok(req, res):
    def done(err):
        if err:
            print("unexpected", err, file=sys.stderr)

    res.send_file(HELLO, done)


@app.get("/sf/cb-options")
def sf_cb_options(req, res):
    res.send_file("nope.txt", {"root": PUBLIC}, lambda err: res.status(418).json(err_info(err)))


@app.get("/sf/cb-traversal")
def sf_cb_traversal(req, res):
    res.send_file("../app.js", {"root": PUBLIC}, lambda err: res.status(400).json(err_info(err)))


app.get("/sf/traversal-noroot", lambda req, res: res.send_file(PUBLIC + "/../app.js"))
app.get("/sf/start-end", lambda req, res: res.send_file(os.path.join(PUBLIC, "digits.txt"), start=2, end=5))
app.get("/sf/big", lambda req, res: res.send_file(os.path.join(ROOT2, "big.bin")))
app.get("/sf/file/*path", lambda req, res: res.send_file("/".join(req.params["path"]), root=PUBLIC))
app.get("/sf/index", lambda req, res: res.send_file("sub/", root=PUBLIC))
app.get("/sf/index-off", lambda req, res: res.send_file("sub/", root=PUBLIC, index=False))
app.get("/sf/trailing-file", lambda req, res: res.send_file("hello.txt/", root=PUBLIC))
app.get("/sf/nul", lambda req, res: res.send_file("hel\0lo.txt", root=PUBLIC))
app.get("/sf/percent", lambda req, res: res.send_file("%2e%2e/app.js", root=PUBLIC))
app.get("/sf/extensions", lambda req, res: res.send_file("page", root=PUBLIC, extensions=["htm", "html"]))
no_etag = express()
no_etag.set("etag", False)
no_etag.get("/file", lambda req, res: res.send_file(HELLO))
app.use("/noetag", no_etag)

# ---------------------------------------------------------------- res.download
app.get("/dl/plain", lambda req, res: res.download(HELLO))
app.get("/dl/name", lambda req, res: res.download(HELLO, "report.pdf"))
app.get("/dl/unicode", lambda req, res: res.download(HELLO, "r\u00e9sum\u00e9.txt"))
app.get("/dl/space", lambda req, res: res.download(HELLO, "my file.txt"))
app.get("/dl/path-name", lambda req, res: res.download(HELLO, "/some/dir/inner.txt"))
app.get("/dl/headers", lambda req, res: res.download(
    HELLO, "x.txt", {"headers": {"X-A": "1", "content-disposition": "inline"}}))
app.get("/dl/relative", lambda req, res: res.download("public/digits.txt"))
app.get("/dl/root", lambda req, res: res.download("digits.txt", "n.txt", {"root": "public"}))
app.get("/dl/options-only", lambda req, res: res.download(HELLO, {"maxAge": "1h"}))
app.get("/dl/missing", lambda req, res: res.download(os.path.join(PUBLIC, "nope.txt")))


@app.get("/dl/cb")
def dl_cb(req, res):
    res.download(os.path.join(PUBLIC, "nope.txt"), lambda err: res.status(err.status).send("cb:" + err.code))


@app.get("/dl/name-cb")
def dl_name_cb(req, res):
    res.download(os.path.join(PUBLIC, "nope.txt"), "x.txt", lambda err: res.status(err.status).send("cb2:" + err.code))


# ---------------------------------------------------------------- express.static
app.use("/static", express.static(PUBLIC))
app.use("/static-rel", express.static("public"))
app.use("/static-maxage", express.static(PUBLIC, max_age="1d", immutable=True))
app.use("/static-maxage-num", express.static(PUBLIC, max_age=5500))
app.use("/static-noindex", express.static(PUBLIC, index=False))
app.use("/static-index-list", express.static(PUBLIC, index=["default.htm", "index.html"]))
app.use("/static-ext", express.static(PUBLIC, extensions=["html", "txt"]))
app.use("/static-deny", express.static(PUBLIC, dotfiles="deny"))
app.use("/static-allow", express.static(PUBLIC, dotfiles="allow"))
app.use("/static-nofall", express.static(PUBLIC, fallthrough=False))
app.use("/static-nofall-deny", express.static(PUBLIC, fallthrough=False, dotfiles="deny"))
app.use("/static-noredirect", express.static(PUBLIC, redirect=False))


def set_file_headers(res, p, stat):
    res.set_header("X-File", os.path.basename(p))
    res.set_header("X-Size", str(stat.st_size))


app.use("/static-setheaders", express.static(PUBLIC, set_headers=set_file_headers))
app.use("/static-noetag", express.static(PUBLIC, etag=False, last_modified=False))
app.use("/static-noranges", express.static(PUBLIC, accept_ranges=False))
app.use("/static-nocc", express.static(PUBLIC, cache_control=False))
app.use("/tmpstatic", express.static(ROOT2))
app.use("/both", express.static(os.path.join(PUBLIC, "sub")), express.static(PUBLIC))


def preset(req, res, next):
    res.set("Cache-Control", "private")
    res.set("X-Pre", "p")
    next()


app.use("/static-preset", preset, express.static(PUBLIC))
app.get("/after-static/:x", lambda req, res: res.send("after " + req.params["x"]))
app.use("/fall", express.static(PUBLIC))
app.use("/fall", lambda req, res: res.status(404).send("custom 404 for " + req.url))

if __name__ == "__main__":
    app.listen(port, "127.0.0.1", lambda: print(f"fastexpress ready on {port}", flush=True))
