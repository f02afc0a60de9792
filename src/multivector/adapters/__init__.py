"""Adapters: files in and out (YAML with line numbers, pydantic schemas, pycountry)."""
