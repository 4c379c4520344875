"""People: the account model, functional areas, roles and allauth's seams."""
