"""Admin actions on the registration list that belong to partnerships."""

# Actions RegistratieAdmin adds to its own, e.g. "Toevoegen aan partnerschap…".
REGISTRATIE_ACTIONS: list = []
