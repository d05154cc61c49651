"""The raw floor: an asyncio.Protocol on uvloop + httptools that answers every parsed request
with a prebuilt response chosen by a dict lookup on the URL (and, for /users/<id>, one bytes
concatenation). No routing, no request or response objects, no Date header: the ceiling of the
uvloop + httptools stack that fastexpress is built on.

Pipelining is handled correctly: one answer per parsed request (on_message_complete), all the
answers to one read gathered and written with a single transport.write.

Usage: python floor_app.py PORT
"""
import asyncio
import sys

import httptools
import uvloop


def _response(body: bytes, content_type: bytes, status: bytes = b"200 OK") -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\nContent-Type: " + content_type + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


TEXT = b"text/plain; charset=utf-8"
JSON = b"application/json; charset=utf-8"
HELLO = _response(b"Hello, World!", TEXT)
RESPONSES = {
    b"/plaintext": HELLO,
    b"/json": _response(b'{"message":"Hello, World!"}', JSON),
    b"/mw": HELLO,
    b"/64k": _response(b"abcdefghijklmnopqrstuvwxyz012345" * 2048, TEXT),
}
NOT_FOUND = _response(b"Not Found", TEXT, b"404 Not Found")
USERS_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: "


def _user(uid: bytes) -> bytes:
    body = b'{"id":"' + uid + b'"}'
    return USERS_HEAD + str(len(body)).encode() + b"\r\n\r\n" + body


class Floor(asyncio.Protocol):
    __slots__ = ("transport", "parser", "url", "out", "close")

    def __init__(self) -> None:
        self.parser = httptools.HttpRequestParser(self)
        self.url = b""
        self.out: list = []
        self.close = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")
            self.transport.close()
            return
        out = self.out
        if out:
            self.transport.write(out[0] if len(out) == 1 else b"".join(out))
            out.clear()
        if self.close:
            self.transport.close()

    def on_message_begin(self) -> None:
        self.url = b""

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_message_complete(self) -> None:
        url = self.url
        resp = RESPONSES.get(url)
        if resp is None:
            resp = _user(url[7:]) if url.startswith(b"/users/") else NOT_FOUND
        self.out.append(resp)
        if not self.parser.should_keep_alive():
            self.close = True


async def main(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Floor, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        uvloop.run(main(int(sys.argv[1])))
    except KeyboardInterrupt:
        pass
