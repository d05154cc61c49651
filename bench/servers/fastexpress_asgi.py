"""fastexpress's app (fastexpress_app.py) served as an ASGI app by uvicorn or granian.

Usage: python fastexpress_asgi.py uvicorn|granian PORT. One process, uvloop; uvicorn with
httptools and no access log, granian with one worker and one runtime thread. BENCH_KEEP_ALIVE
(seconds) sets the idle keep-alive limit as for the peers on the same servers (starlette_app.py,
granian_app.py): uvicorn's timeout_keep_alive; Granian's header read timeout, with its
backpressure limit lifted.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
server, port = sys.argv[1], int(sys.argv[2])
keep_alive = os.environ.get("BENCH_KEEP_ALIVE")

if server == "uvicorn":
    import uvicorn

    from fastexpress_app import app

    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", access_log=False,
                log_level="warning", lifespan="on", server_header=False, backlog=4096,
                timeout_keep_alive=int(keep_alive or "5"))
else:
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server.embed import Server

    import uvloop

    from fastexpress_app import app

    async def main() -> None:
        options = {}
        if keep_alive:
            options["http1_settings"] = HTTP1Settings(header_read_timeout=int(keep_alive) * 1000)
            options["backpressure"] = 100_000
        await Server(app, address="127.0.0.1", port=port, interface=Interfaces.ASGI, runtime_threads=1,
                     log_enabled=False, backlog=4096, **options).serve()

    uvloop.run(main())
