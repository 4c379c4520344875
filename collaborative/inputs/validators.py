"""One-line text: titles and names that are shown on one line and go into e-mail subjects."""

import re

from django.core.exceptions import ValidationError

# Line breaks (\n, \r, and Unicode's line and paragraph separators), tabs and the
# other control characters.
NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ONE_LINE_MESSAGE = "Enter this on one line, without line breaks"


def validate_one_line(value):
    if isinstance(value, str) and NOT_ON_ONE_LINE.search(value):
        raise ValidationError(ONE_LINE_MESSAGE, code="one_line")


class OneLineFields:
    """A model mixin: the fields named in ``one_line_fields`` must be one line of text.

    It checks in ``clean_fields``, so every ModelForm (the admin's included) shows the
    error at the field. Kept off the fields' own ``validators``, which every app's
    migrations would have to repeat; forms that are not ModelForms use
    ``validate_one_line`` directly.
    """

    one_line_fields = ()

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for name in self.one_line_fields:
            if (exclude and name in exclude) or name in errors:
                continue
            try:
                validate_one_line(getattr(self, name))
            except ValidationError as error:
                errors[name] = error.error_list
        if errors:
            raise ValidationError(errors)
