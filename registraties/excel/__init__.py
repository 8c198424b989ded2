"""Registrations in Excel: columns (columns.py), export (export.py) and import (imports.py)."""
