"""Text processing: normalisation with offsets, and fast many-pattern matching."""
