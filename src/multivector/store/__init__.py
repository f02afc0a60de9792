"""Storage adapters behind the corpus repository contract (:mod:`multivector.store.base`)."""
