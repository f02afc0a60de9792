"""The domain: concept editions, codebook, vectors, actors and diffs. Imports no framework."""
