"""Built-in pipeline components; importing this package registers them."""

from multivector.pipeline.components import actors, dates, elements, embed, events, segment, themes

__all__ = ["actors", "dates", "elements", "embed", "events", "segment", "themes"]
