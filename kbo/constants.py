"""Regions of a registered office, from its Belgian postcode (the split is portaal/postcodes.py)."""
from portaal.postcodes import Gewest  # noqa: F401
from portaal.postcodes import region_for_text as gewest_for_postcode  # noqa: F401
