"""``multivector serve``: the REST API and the dashboard on uvicorn, over one corpus store.

With ``--sample`` the bundled sample is ingested and coded into ``--db`` first (documents already
there are skipped, so a second start is quick); without it the store must exist.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from multivector.errors import MultivectorError, UsageError
from multivector.interfaces.common import DbOpt, SampleOpt, fail, knowledge, say

ENV_TOKEN = "MULTIVECTOR_TOKEN"


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        db: DbOpt = None,
        sample: SampleOpt = None,
        concept: Annotated[
            str,
            typer.Option("--concept", help="With --sample: the edition its documents are coded "
                         "against."),
        ] = "kaz/2020-2030",
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
        read_only: Annotated[
            bool, typer.Option("--read-only", help="Refuse every write (uploads, re-coding).")
        ] = False,
        token: Annotated[
            str | None,
            typer.Option("--token", help=f"Bearer token writes need (default: ${ENV_TOKEN}; "
                         "without one, writes are refused)."),
        ] = None,
        max_upload_mb: Annotated[
            float, typer.Option("--max-upload-mb", help="Largest upload accepted, in MB.", min=0.01)
        ] = 20.0,
        theme_model: Annotated[
            str, typer.Option("--theme-model", help="The theme model whose card /models/themes "
                              "shows: a model file (from `multivector train`), or bundled.")
        ] = "bundled",
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or access log.")]
        = False,
    ) -> None:
        """Serve the REST API (/api/v1, OpenAPI at /openapi.json, docs at /docs) and the
        dashboard.

        Example: multivector serve --sample ungd-central-asia
        """
        import uvicorn

        from multivector.interfaces.web import WebSettings, create_app
        from multivector.services.stores import describe_store, is_postgres, store_location

        where = store_location(db)
        try:
            kb = knowledge()
            if sample is not None:
                _prepare_sample(db, sample, concept, quiet=quiet)
            elif where == ":memory:":
                raise UsageError("--db :memory: cannot be served",
                                 hint="give a database file, or --sample NAME")
            elif not is_postgres(where) and not Path(where).exists():
                raise UsageError(f"no corpus at {where}",
                                 hint="ingest documents first, or serve a bundled sample: "
                                 "multivector serve --sample ungd-central-asia")
        except MultivectorError as exc:
            fail(exc)
        settings = WebSettings(
            db=where,
            read_only=read_only,
            token=token or os.environ.get(ENV_TOKEN) or None,
            max_upload_mb=max_upload_mb,
        )
        if not quiet:
            writes = ("refused (read-only)" if settings.read_only
                      else "need the bearer token" if settings.token
                      else "refused (no --token or $" + ENV_TOKEN + ")")
            say(f"serving {describe_store(where)} on http://{host}:{port}/ (API docs at /docs;"
                f" writes {writes})")
        uvicorn.run(create_app(settings, kb, theme_model=theme_model), host=host, port=port,
                    log_level="warning" if quiet else "info", access_log=not quiet)


def _prepare_sample(db: Path | None, sample: str, concept: str, *, quiet: bool) -> None:
    """Ingest and code the bundled ``sample`` into ``db`` (what is stored already is skipped)."""
    from multivector.interfaces.cli_corpus import open_corpus, report_failures
    from multivector.interfaces.common import selection
    from multivector.services.ingest import documents_from

    knowledge().edition(concept)
    docs, _total = documents_from(selection(None, sample))
    corpus = open_corpus(db, create=True, concept=concept)
    with corpus:
        if not quiet:
            say(f"· ingesting and coding the sample {sample} into {corpus.store} "
                "(documents stored already are skipped)")
        result = corpus.for_edition(concept).ingest_documents(docs)
        report_failures(result)
        if result.stopped is not None:
            raise result.stopped
