"""fastexpress's app (fastexpress_app.py) served as an ASGI app by uvicorn or granian.

Usage: python fastexpress_asgi.py uvicorn|granian PORT. One process, uvloop; uvicorn with
httptools and no access log, granian with one worker and one runtime thread.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
server, port = sys.argv[1], int(sys.argv[2])

if server == "uvicorn":
    import uvicorn

    from fastexpress_app import app

    uvicorn.run(app, host="127.0.0.1", port=port, loop="uvloop", http="httptools", access_log=False,
                log_level="warning", lifespan="on", server_header=False)
else:
    from granian.constants import Interfaces
    from granian.server.embed import Server
    import asyncio

    import uvloop

    from fastexpress_app import app

    async def main() -> None:
        await Server(app, address="127.0.0.1", port=port, interface=Interfaces.ASGI, runtime_threads=1,
                     log_enabled=False, backlog=4096).serve()

    uvloop.run(main())
