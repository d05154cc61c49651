"""Open N keep-alive connections to a server, one request on each, and hold them idle.

Used by ``run.py --memory``. Protocol on stdout/stdin, one JSON line each way:
  1. prints {"opened": n, "failed": n, "errors": [...], "seconds": s} once every connection
     has had its response (or failed, or 90 s have passed);
  2. waits for a line on stdin, then prints {"alive": n} (connections the server has not
     closed) and closes everything.

Usage: python memclient.py PORT N [PATH]   (stdlib only; raises its own open-files limit)
"""
from __future__ import annotations

import asyncio
import json
import resource
import sys
import time


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


async def one(port: int, request: bytes, sem: asyncio.Semaphore):
    async with sem:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        writer.write(request)
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        if not head.startswith(b"HTTP/1.1 200"):
            writer.close()
            raise RuntimeError(head.split(b"\r\n", 1)[0].decode("latin-1"))
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await asyncio.wait_for(reader.readexactly(length), 30)
        return reader, writer


async def main(port: int, n: int, path: str, deadline: float = 90.0) -> None:
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    sem = asyncio.Semaphore(200)
    t0 = time.monotonic()
    tasks = [asyncio.ensure_future(one(port, request, sem)) for _ in range(n)]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for t in pending:  # bounded: whatever is not answered by the deadline counts as failed
        t.cancel()
    conns, errors = [], set()
    for t in done:
        if t.exception() is None:
            conns.append(t.result())
        else:
            errors.add(f"{type(t.exception()).__name__}: {t.exception()}")
    if pending:
        errors.add(f"{len(pending)} not answered within {deadline:.0f} s")
    errors = sorted(errors)
    print(json.dumps({"opened": len(conns), "failed": n - len(conns), "errors": errors[:5],
                      "seconds": round(time.monotonic() - t0, 2)}), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)
    await asyncio.sleep(0.2)  # let any pending EOFs be seen
    alive = sum(1 for reader, _ in conns if not reader.at_eof() and reader.exception() is None)
    print(json.dumps({"alive": alive}), flush=True)
    for _, writer in conns:
        writer.transport.abort()


if __name__ == "__main__":
    raise_nofile()
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "/plaintext"))
