"""The form-field matrix's entries for the grant cycle's screening and jury (issue 19;
tests/test_form_field_matrix.py). No cluster manager reaches these forms: the programme
manager's are closed to them (403 or 404), a reviewer's answer only that reviewer's own
assignment (404). What a reviewer may send in them — another reviewer's assignment, a
criterion of another call — is probed in tests/test_review_web.py."""

from tests.form_matrix import ProgrammeOnly

REVIEW = {
    "clustermonitor.review.forms.CriterionForm": ProgrammeOnly(routes=("review:criteria",)),
    "clustermonitor.review.forms.RubricForm": ProgrammeOnly(routes=("review:rubric",)),
    "clustermonitor.review.forms.RubricCriterionForm": ProgrammeOnly(routes=("review:rubric",)),
    "clustermonitor.review.forms.ScreeningForm": ProgrammeOnly(routes=("review:screening",)),
    "clustermonitor.review.forms.AssignForm": ProgrammeOnly(
        routes=("review:jury",), fields=("application", "reviewer")
    ),
    "clustermonitor.review.forms.InviteForm": ProgrammeOnly(routes=("review:invite",)),
    "clustermonitor.review.forms.DecisionForm": ProgrammeOnly(routes=("review:decision",)),
    "clustermonitor.review.forms.DeclarationForm": ProgrammeOnly(routes=("review:declare",)),
    "clustermonitor.review.forms.ScoreForm": ProgrammeOnly(routes=("review:score",)),
}
