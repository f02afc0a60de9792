"""The web interface: a REST API under ``/api/v1`` (OpenAPI at ``/openapi.json``, docs at
``/docs``) and a server-rendered dashboard, over the same services as the command line.

:func:`create_app` builds the ASGI application from :class:`WebSettings`; ``multivector serve``
runs it on uvicorn. The store is opened per request (SQLite connections are not shared between
threads; read-only mode opens the file read-only), the knowledge base once per application.
Errors a user can cause are JSON ``{"error": {"code", "message", "hint"}}`` with a 4xx status;
anything else is a 500 with the same shape and no trace. Every response carries a
Content-Security-Policy that allows scripts only from the application itself.
"""

from __future__ import annotations

from multivector.interfaces.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
