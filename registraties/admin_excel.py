"""Excel export/import in the registration admin (filled in by the Excel work)."""


class RegistratieExcelAdminMixin:
    """Mixed into RegistratieAdmin: export of the filtered list, batch export, import."""
