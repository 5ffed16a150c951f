"""Form fields for ids that arrive in a request's body."""

from django import forms
from django.core.exceptions import ValidationError

#: The largest id a BigAutoField holds; SQLite raises OverflowError on larger ones.
MAX_ID = 2**63 - 1


class RecordsField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses an id which is no whole number the
    database can hold as an invalid value (a form error), where Django's own runs the
    query and fails with a 500 on SQLite (“Python int too large to convert to SQLite
    INTEGER”). Every multiple choice of records in clustermonitor uses it
    (tests/test_form_field_matrix.py checks)."""

    def _check_values(self, value):
        if (self.to_field_name or "pk") == "pk":
            for pk in value:
                text = str(pk).strip()
                if not text.isdigit() or int(text) > MAX_ID:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": pk},
                    )
        return super()._check_values(value)
