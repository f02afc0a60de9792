"""Writers of the report: format-neutral blocks, HTML (with its stylesheet) and Markdown."""
