"""The message for a record that repeats another's combination of fields (a unique
constraint over several fields), in proper words in both languages.

Django's own reads "Oproep met deze Programme, Clustertype en Nummer bestaat al.": the
labels capitalised, and a foreign key without a label of its own in English (and "deze
ondernemingsnummer" for one field: the article depends on the word). Ours: "Er is al een
oproep met deze combinatie van programma, clustertype en nummer." and "Er is al een
organisatie met deze waarde voor ondernemingsnummer.". Here each
field is named by its label, or, for a foreign key without one, by the label of the model
it points to, in lower case. `core.apps` installs it on every model of clustermonitor.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _


def field_label(model_class, name: str) -> str:
    field = model_class._meta.get_field(name)
    label = field.verbose_name
    if isinstance(field, models.ForeignKey) and label == name.replace("_", " "):
        label = field.related_model._meta.verbose_name  # no label of its own
    return str(label)


def unique_error_message(self, model_class, unique_check):
    params = {
        "model": self,
        "model_class": model_class,
        "model_name": model_class._meta.verbose_name,
        "unique_check": unique_check,
    }
    if len(unique_check) == 1:
        field = model_class._meta.get_field(unique_check[0])
        if field.error_messages["unique"] != models.Field.default_error_messages["unique"]:
            return models.Model.unique_error_message(self, model_class, unique_check)
        return ValidationError(
            message=_("There is already a %(model_name)s with this value for %(field_label)s."),
            code="unique",
            params=params | {"field_label": field_label(model_class, unique_check[0])},
        )
    labels = [field_label(model_class, name) for name in unique_check]
    return ValidationError(
        message=_("There is already a %(model_name)s with this combination of %(field_labels)s."),
        code="unique_together",
        params=params | {"field_labels": get_text_list(labels, _("and"))},
    )


def install(models_of_ours) -> None:
    for model in models_of_ours:
        model.unique_error_message = unique_error_message
