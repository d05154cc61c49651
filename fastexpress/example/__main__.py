"""``python -m fastexpress.example``: serve the example app on 127.0.0.1 (PORT, default 3000)."""
from __future__ import annotations

import os

from .app import app

port = int(os.environ.get("PORT", "3000"))
app.listen(port, "127.0.0.1", lambda: print(f"fastexpress example on http://127.0.0.1:{port}", flush=True))
