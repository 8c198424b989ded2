"""The enterprise register (KBO Open Data): its own tables, the import, the lookup."""
