"""The official layout of KBO Open Data (FOD Economie, "Cookbook KBO Open Data").

A dump is a ZIP (or a folder) of quoted CSV files with a header row. The full file holds
every table; an update file holds ``<table>_delete.csv`` (the numbers whose rows go) and
``<table>_insert.csv`` (the rows that come, in the table's own layout) per table.
"""
from datetime import date, datetime

META = "meta.csv"
CODE = "code.csv"
ENTERPRISE = "enterprise.csv"
DENOMINATION = "denomination.csv"
ADDRESS = "address.csv"

COLUMNS = {
    META: ("Variable", "Value"),
    CODE: ("Category", "Code", "Language", "Description"),
    ENTERPRISE: ("EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise",
                 "JuridicalForm", "JuridicalFormCAC", "StartDate"),
    DENOMINATION: ("EntityNumber", "Language", "TypeOfDenomination", "Denomination"),
    ADDRESS: ("EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode",
              "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box",
              "ExtraAddressInfo", "DateStrikingOff"),
}
# The one column of a ``<table>_delete.csv``.
DELETE_COLUMN = {ENTERPRISE: "EnterpriseNumber", DENOMINATION: "EntityNumber", ADDRESS: "EntityNumber"}

STATUS_ACTIVE = "AC"
STATUS_STOPPED = "ST"
TYPE_NATURAL_PERSON = "1"
TYPE_LEGAL_PERSON = "2"
DENOMINATION_OFFICIAL = "001"
DENOMINATION_ABBREVIATION = "002"
DENOMINATION_TRADE_NAME = "003"
# The denominations the portal keeps: the official name (in each language), the abbreviation
# and the trade name (a branch's name, 004, names an establishment, not the enterprise).
DENOMINATIONS_KEPT = (DENOMINATION_OFFICIAL, DENOMINATION_ABBREVIATION, DENOMINATION_TRADE_NAME)
ADDRESS_REGISTERED_OFFICE = "REGO"
CODE_JURIDICAL_FORM = "JuridicalForm"

# denomination.csv Language: 0 unknown, 1 French, 2 Dutch, 3 German, 4 English. The portal
# shows the Dutch name, else the first of French, German, English, unknown.
LANGUAGE_DUTCH = "2"
LANGUAGE_FRENCH = "1"
LANGUAGE_RANK = {"2": 0, "1": 1, "3": 2, "4": 3, "0": 4}

EXTRACT_FULL = "full"
EXTRACT_UPDATE = "update"


def delete_file(table: str) -> str:
    return table.replace(".csv", "_delete.csv")


def insert_file(table: str) -> str:
    return table.replace(".csv", "_insert.csv")


def parse_date(value: str) -> date | None:
    """``dd-mm-yyyy`` → date. Raises ValueError on anything else but an empty value."""
    if not value:
        return None
    return datetime.strptime(value, "%d-%m-%Y").date()  # noqa: DTZ007 - a calendar date


def parse_timestamp(value: str) -> datetime | None:
    """``dd-mm-yyyy hh:mm:ss`` (Brussels time, naive in the file)."""
    if not value:
        return None
    return datetime.strptime(value, "%d-%m-%Y %H:%M:%S")  # noqa: DTZ007 - made aware by the caller
