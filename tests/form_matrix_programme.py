"""The form-field matrix's entries for progress reports, exit plans, criteria, accounts, the
programme's set-up, surveys and reports (tests/test_form_field_matrix.py)."""

from tests.form_matrix import ENUM, Base, NoIds, ProgrammeOnly

PROGRAMME = {
    # -- progress reports, exit plans, criteria --
    "clustermonitor.monitoring.forms.ReportForm": NoIds("texts and numbers per KPI"),
    "clustermonitor.monitoring.forms.CommentForm": NoIds("a comment"),
    "clustermonitor.monitoring.forms.AttachmentForm": NoIds("a title and a file"),
    "clustermonitor.maturity.forms.ExitPlanForm": NoIds(
        "an exit plan of the URL's cluster",
        fixed={
            "path": ENUM,
            "spc": "the programme's SPC clusters: the cluster list is public",
        },
    ),
    "clustermonitor.maturity.forms.EvidenceForm": NoIds("a text"),
    "clustermonitor.accounts.forms.ApiTokenForm": NoIds("a token's name"),
    "clustermonitor.accounts.forms.CodeForm": NoIds("a code from the authenticator app"),
    "clustermonitor.accounts.reset.PasswordResetForm": NoIds("an e-mail address"),
    # -- programme readers and set-up only --
    "clustermonitor.accounts.forms.UserCreateForm": ProgrammeOnly(
        ("accounts:user-create",), ("cluster",)
    ),
    "clustermonitor.accounts.forms.RoleForm": ProgrammeOnly(
        ("accounts:user-detail",), ("cluster",)
    ),
    "clustermonitor.programmes.forms.ParentBoundForm": Base("the parent is set by the view"),
    "clustermonitor.programmes.forms.ProgrammeForm": ProgrammeOnly(
        ("programmes:programme-create", "programmes:programme-edit")
    ),
    "clustermonitor.programmes.forms.ClusterTypeForm": ProgrammeOnly(
        ("programmes:cluster-type-create", "programmes:cluster-type-edit"), ("kpis",)
    ),
    "clustermonitor.programmes.forms.KPIForm": ProgrammeOnly(
        ("programmes:kpi-create", "programmes:kpi-edit")
    ),
    "clustermonitor.programmes.forms.CallForm": ProgrammeOnly(
        ("programmes:call-create", "programmes:call-edit"), ("cluster_type",)
    ),
    "clustermonitor.programmes.forms.ApplicationForm": ProgrammeOnly(
        ("programmes:application-create", "programmes:application-edit"), ("cluster",)
    ),
    "clustermonitor.programmes.forms.ClusterForm": ProgrammeOnly(
        ("programmes:cluster-create", "programmes:cluster-edit"),
        ("cluster_type", "call", "account_manager"),
    ),
    "clustermonitor.programmes.forms.TargetForm": ProgrammeOnly(
        ("programmes:target-create", "programmes:target-edit"), ("kpi",)
    ),
    "clustermonitor.maturity.forms.CriteriaSetForm": ProgrammeOnly(
        ("programmes:criteria-set-create", "programmes:criteria-set-edit")
    ),
    "clustermonitor.maturity.forms.CriterionForm": ProgrammeOnly(
        ("programmes:criterion-create", "programmes:criterion-edit")
    ),
    "clustermonitor.maturity.forms.CheckForm": ProgrammeOnly(("programmes:answer-check",)),
    # The ladder and labels (issue 21): the programme manager's only.
    "clustermonitor.maturity.forms.LevelForm": ProgrammeOnly(
        ("programmes:level-create", "programmes:level-edit"), ("criteria_set",)
    ),
    "clustermonitor.maturity.forms.LabelForm": ProgrammeOnly(
        ("programmes:label-create", "programmes:label-edit"), ("criteria_set",)
    ),
    "clustermonitor.maturity.forms.LevelDecisionForm": ProgrammeOnly(
        ("programmes:level-decision",), ("level", "assessment")
    ),
    "clustermonitor.maturity.forms.LabelAwardForm": ProgrammeOnly(
        ("programmes:label-award-add",), ("label",)
    ),
    "clustermonitor.maturity.forms.ReturnForm": ProgrammeOnly(("programmes:exit-plan-return",)),
    "clustermonitor.accountmanagement.forms.AttentionPointForm": ProgrammeOnly(
        ("programmes:attention-point-create", "programmes:attention-point-edit"), ("owner",)
    ),
    "clustermonitor.accountmanagement.forms.ReopenForm": ProgrammeOnly(
        ("programmes:attention-point-reopen",)
    ),
    "clustermonitor.accountmanagement.forms.SteeringMeetingForm": ProgrammeOnly(
        ("programmes:steering-meeting-create", "programmes:steering-meeting-edit"),
        ("attended_by",),
    ),
    "clustermonitor.accountmanagement.forms.LearningSessionForm": ProgrammeOnly(
        ("programmes:learning-session-create", "programmes:learning-session-edit"),
        ("attendees",),
    ),
    "clustermonitor.monitoring.forms.PeriodForm": ProgrammeOnly(("monitoring:period-create",)),
    "clustermonitor.registry.forms.KboImportForm": ProgrammeOnly(("registry:kbo-imports",)),
    # The annual accounts (issue 20): a file, no record's id; the programme manager's.
    "clustermonitor.impact.forms.AccountsUploadForm": ProgrammeOnly(("impact:accounts-imports",)),
    # The benchmark's reference quartiles (issue 21): a file; the programme manager's.
    "clustermonitor.maturity.forms_benchmark.ReferenceUploadForm": ProgrammeOnly(
        ("programmes:benchmark-references",)
    ),
    "clustermonitor.reports.forms.ReportForm": ProgrammeOnly(("reports:runs",), ("clusters",)),
    "clustermonitor.surveys.views_forms.UploadForm": ProgrammeOnly(
        ("surveys:questionnaire-upload",), ("programme",)
    ),
    "clustermonitor.surveys.forms_waves.WaveForm": ProgrammeOnly(
        ("surveys:wave-create", "surveys:wave-edit"), ("questionnaire", "clusters")
    ),
    "clustermonitor.surveys.forms_waves.ClustersForm": ProgrammeOnly(
        ("surveys:wave-send", "surveys:wave-remind"), ("clusters",)
    ),
    "clustermonitor.surveys.forms_waves.ResponseUploadForm": ProgrammeOnly(
        ("surveys:response-import",), ("cluster",)
    ),
}
