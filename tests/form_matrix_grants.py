"""The form-field matrix's entries for calls' online set-up and the online applications
(issue 19; tests/test_form_field_matrix.py)."""

from tests.form_matrix import NoIds, ProgrammeOnly

GRANTS = {
    # The questionnaire's choices are the call's programme's own questionnaires
    # (tests/test_grants_web.py: another programme's form is refused).
    "clustermonitor.grants.forms.CallSetupForm": ProgrammeOnly(
        ("grants:call-setup",), fields=("questionnaire",)
    ),
    "clustermonitor.grants.forms.StartForm": NoIds(
        "the public start of an application: who applies and a title; the call is the URL's "
        "(an open, published call)"
    ),
    "clustermonitor.grants.forms.NewDraftForm": NoIds(
        "a logged-in applicant's organisation and title; the call is the URL's"
    ),
    "clustermonitor.grants.forms.AttachmentForm": NoIds(
        "a file; the application is the URL's (access.own_application: its applicant only)"
    ),
}
