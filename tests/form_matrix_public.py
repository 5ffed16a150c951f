"""The form-field matrix's entries for the public portal's forms
(tests/test_form_field_matrix.py)."""

from tests.form_matrix import ENUM, NoIds, ProgrammeOnly

PUBLIC = {
    # -- portal --
    "clustermonitor.portal.forms.ProfileForm": NoIds(
        "the profile is the URL's cluster's (access.profile_cluster); no field names a record"
    ),
    "clustermonitor.portal.forms.DirectoryFilter": NoIds(
        "the public directory's filters: what anyone may see",
        fixed={
            "type": "the programme's cluster types: public",
            "province": "Belgium's provinces: reference data",
            "nace": "the NACE sections: reference data",
        },
    ),
    "clustermonitor.portal.forms.EventFilter": NoIds(
        "the public calendar's filters: what anyone may see",
        fixed={
            "cluster": "the codes of the clusters with a published profile: public",
            "kind": ENUM,
            "when": "upcoming or past",
        },
    ),
    "clustermonitor.portal.forms.ReturnForm": ProgrammeOnly(("portal:profile-return",)),
    "clustermonitor.portal.forms.JoinForm": NoIds(
        "the public join form: the cluster is the URL's (a published, running profile)",
        fixed={
            "enterprise_number": "the asking company's own number, looked up only once the "
            "e-mail address is confirmed and shown only to the cluster's managers and the "
            "agency: the answer says nothing of the registry",
            "source": "where the visitor came from (profile or finder); anything else is 'profile'",
        },
    ),
    "clustermonitor.portal.forms.AcceptForm": NoIds(
        "a start date; the join request is the URL's (access.join_request_for)"
    ),
    "clustermonitor.portal.forms.DeclineForm": NoIds(
        "a message; the join request is the URL's (access.join_request_for)"
    ),
    "clustermonitor.portal.forms.ProgrammePageForm": ProgrammeOnly(("portal:programme-page-edit",)),
}
