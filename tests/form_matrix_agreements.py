"""The form-field matrix's entries for agreements (tests/test_form_field_matrix.py,
issue 19 part C): every form is the programme manager's, reached through a record in
the URL; none carries a record's id (the amendment's kind is a fixed enumeration)."""

from tests.form_matrix import ProgrammeOnly

AGREEMENTS = {
    "clustermonitor.agreements.forms.FromApplicationForm": ProgrammeOnly(
        ("agreements:from-application",)
    ),
    "clustermonitor.agreements.forms.ForClusterForm": ProgrammeOnly(("agreements:for-cluster",)),
    "clustermonitor.agreements.forms.AmendmentForm": ProgrammeOnly(("agreements:amend",)),
    "clustermonitor.agreements.forms.ConditionForm": ProgrammeOnly(("agreements:condition-add",)),
    "clustermonitor.agreements.forms.ConditionMetForm": ProgrammeOnly(
        ("agreements:condition-met",)
    ),
    "clustermonitor.agreements.forms.PaymentForm": ProgrammeOnly(("agreements:payment-add",)),
}
