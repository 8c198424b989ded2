"""Fixtures for the Excel tests: staff users with or without the export right, sheet reading."""
import io

import pytest
from openpyxl import load_workbook


def read_sheet(source) -> tuple[list[str], list[dict]]:
    """(headers, rows as {header: cell}) of the first sheet of an .xlsx file, path or bytes."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    workbook = load_workbook(source)
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    headers = list(values[0])
    return headers, [dict(zip(headers, row, strict=True)) for row in values[1:]]


def cells_by_header(source) -> list[dict]:
    """Rows as {header: openpyxl cell}, to look at cell types."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    sheet = load_workbook(source).worksheets[0]
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def _staff(django_user_model, username, *codenames):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username=username, password="geheim-123",
                                                 is_staff=True, first_name="Cora",
                                                 last_name="Coördinator")
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="registraties",
                                                         codename=codename))
    return user


@pytest.fixture
def coordinator(django_user_model):
    """Staff with the right to see, export and import registrations."""
    return _staff(django_user_model, "coordinator", "view_registratie", "export_registratie",
                  "add_registratie", "change_registratie")


@pytest.fixture
def reviewer(django_user_model):
    """Staff who may see registrations but not export or import them."""
    return _staff(django_user_model, "reviewer", "view_registratie", "change_registratie")
