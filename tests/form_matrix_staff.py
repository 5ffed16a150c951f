"""The form-field matrix's entries for the cluster management team and exit and
aftercare (issue 21; tests/test_form_field_matrix.py). The team's forms take no record's
id: the person, role or training is in the URL (the permission matrix probes it) and the
view sets the cluster. The status after the term names another cluster (`into`): only the
programme manager reaches it, so both cluster managers posting the other cluster's id
get 403 or 404."""

from tests.form_matrix import ENUM, NoIds, ProgrammeOnly

YEARS = "the full years after the URL's cluster's term: numbers, no records"

STAFF = {
    "clustermonitor.maturity.forms_staff.StaffMemberForm": NoIds("a name and qualifications"),
    "clustermonitor.maturity.forms_staff.AssignmentForm": NoIds(
        "a role, dates and an FTE of the person in the URL", fixed={"role": ENUM}
    ),
    "clustermonitor.maturity.forms_staff.EndAssignmentForm": NoIds("an end date"),
    "clustermonitor.maturity.forms_staff.TrainingForm": NoIds("a training's title and date"),
    "clustermonitor.maturity.forms_staff.FollowUpForm": NoIds(
        "a year's figures of the URL's cluster", fixed={"year": YEARS}
    ),
    "clustermonitor.maturity.forms_staff.CountForm": NoIds(
        "the year to count for the URL's cluster", fixed={"year": YEARS}
    ),
    "clustermonitor.maturity.forms_staff.AftercareForm": ProgrammeOnly(
        ("programmes:aftercare-edit",), ("into",)
    ),
}
