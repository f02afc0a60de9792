"""The load benchmark's peer: uvicorn, configured as ``multivector serve`` runs it, answering every
GET with the same HTML body held in memory, with no framework and no application work. What a
page of multivector costs beyond this is the cost of multivector.

Run: python benchmarks/_peer_server.py PORT BYTES
"""

from __future__ import annotations

import sys
from typing import Any

import uvicorn


def make_app(size: int) -> Any:
    body = (b"<!doctype html><title>peer</title><p>" + b"x" * size)[:size]
    headers = [(b"content-type", b"text/html; charset=utf-8"),
               (b"content-length", str(len(body)).encode())]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


if __name__ == "__main__":
    port, size = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(make_app(size), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)
