"""Status badges (issue 16): one fixed mapping from a record's state to a tone, so every
list shows the same state the same way. The badge always carries the state's words; the
tone only adds colour. Core imports no higher app: models are named by their label.

Two kinds of state:

- a model field with choices (`FIELDS`, keyed "app_label.Model.field"): the label is the
  choice's own (translated) label;
- a state worked out from dates (`STATES`, keyed by a kind such as "call"): the label is
  given here.

tests/test_badges.py fails when a state, a state field or a label is missing."""

from django.utils.translation import pgettext_lazy

#: The tones, mildest first; app.css gives each a colour (.status.tone-<tone>).
TONES = ("muted", "neutral", "info", "warn", "ok", "danger")

_STAGES = {
    "idea": "neutral",
    "exploring": "neutral",
    "defined": "info",
    "submitted": "info",
    "started": "ok",
    "completed": "ok",
    "stopped": "muted",
}
_RUNS = {"queued": "neutral", "running": "info", "done": "ok", "failed": "danger"}

FIELDS: dict[str, dict[str, str]] = {
    "monitoring.ProgressReport.state": {
        "draft": "neutral",
        "submitted": "info",
        "returned": "warn",
        "approved": "ok",
    },
    "collaborations.Collaboration.stage": _STAGES,
    "collaborations.StageChange.stage": _STAGES,
    "accountmanagement.AttentionPoint.status": {"open": "warn", "done": "ok"},
    "maturity.ExitPlan.status": {"draft": "muted", "filed": "warn", "accepted": "ok"},
    "maturity.CriteriaSet.status": {"draft": "neutral", "published": "ok"},
    "maturity.Aftercare.status": {
        "own_funds": "ok",
        "integrated_spc": "info",
        "merged": "info",
        "stopped": "muted",
    },
    "portal.ClusterProfile.state": {"draft": "neutral", "submitted": "info", "published": "ok"},
    "registrations.Registration.status": {
        "registered": "ok",
        "waitlisted": "warn",
        "cancelled": "muted",
    },
    "portal.JoinRequest.state": {
        "unconfirmed": "muted",
        "open": "warn",
        "accepted": "ok",
        "declined": "muted",
    },
    "billing.Invoice.status": {
        "draft": "neutral",
        "issued": "warn",
        "paid": "ok",
        "credited": "muted",
        "cancelled": "muted",
    },
    "banking.StatementLine.status": {
        "matched": "ok",
        "unmatched": "warn",
        "decided": "ok",
        "ignored": "muted",
        "outgoing": "neutral",
    },
    "mailings.Mailing.status": {
        "draft": "neutral",
        "queued": "info",
        "sending": "info",
        "sent": "ok",
        "failed": "danger",
    },
    "mailings.Delivery.status": {
        "pending": "neutral",
        "sent": "ok",
        "failed": "danger",
        "suppressed": "muted",
        "no_consent": "muted",
    },
    "selfservice.Posting.status": {"open": "info", "matched": "ok", "closed": "muted"},
    "selfservice.Interest.status": {"pending": "warn", "accepted": "ok", "declined": "muted"},
    "selfservice.ErasureRequest.status": {"open": "warn", "done": "ok"},
    "prospects.Prospect.stage": {
        "new": "neutral",
        "contacted": "info",
        "meeting": "warn",
        "joined": "ok",
        "lost": "muted",
    },
    "maturity.Answer.status": {
        "computed": "info",
        "pending": "warn",
        "accepted": "ok",
        "rejected": "danger",
    },
    "registry.Organisation.status": {"active": "ok", "ceased": "muted", "unknown": "neutral"},
    "registry.KboImport.state": _RUNS,
    "impact.AccountsImport.state": _RUNS,
    "reports.ReportRun.state": _RUNS,
    "core.ImportBatch.state": {
        "uploaded": "neutral",
        "checked": "info",
        "committed": "ok",
        "cancelled": "muted",
    },
    "members.Contribution.status": {
        "expected": "muted",
        "invoiced": "warn",
        "paid": "ok",
        "waived": "muted",
    },
    "programmes.Application.status": {
        "draft": "neutral",
        "submitted": "info",
        "ineligible": "danger",
        "in_review": "info",
        "funded": "ok",
        "rejected": "danger",
        "withdrawn": "neutral",
    },
}

STATES = {
    # A cluster's agreement, from its start and end dates (the portfolio).
    "agreement": {
        "starting": ("warn", pgettext_lazy("agreement", "not started yet")),
        "running": ("ok", pgettext_lazy("agreement", "running")),
        "ended": ("muted", pgettext_lazy("agreement", "ended")),
    },
    # A survey wave, from its dates and "Close now".
    "wave": {
        "draft": ("neutral", pgettext_lazy("wave", "draft")),
        "open": ("ok", pgettext_lazy("wave", "open")),
        "closed": ("muted", pgettext_lazy("wave", "closed")),
    },
    # A call for applications, from its opening and closing dates.
    "call": {
        "upcoming": ("neutral", pgettext_lazy("call", "not open yet")),
        "open": ("ok", pgettext_lazy("call", "open")),
        "closing_soon": ("warn", pgettext_lazy("call", "closing soon")),
        "closed": ("muted", pgettext_lazy("call", "closed")),
    },
    # An uploaded file of survey responses (its meta.json), before and after its import.
    "upload": {
        "uploaded": ("neutral", pgettext_lazy("upload", "not imported yet")),
        "committed": ("ok", pgettext_lazy("upload", "imported")),
    },
    # A tranche of an agreement's subsidy (issue 19), from its condition and payments.
    "tranche": {
        "planned": ("neutral", pgettext_lazy("tranche", "not payable yet")),
        "payable": ("warn", pgettext_lazy("tranche", "payable")),
        "partly_paid": ("info", pgettext_lazy("tranche", "partly paid")),
        "paid": ("ok", pgettext_lazy("tranche", "paid")),
    },
    # A reviewer's assignment (issue 19), from its declaration and scores.
    "assignment": {
        "pending": ("warn", pgettext_lazy("assignment", "to declare")),
        "blocked": ("muted", pgettext_lazy("assignment", "conflict of interest")),
        "scoring": ("info", pgettext_lazy("assignment", "scoring")),
        "submitted": ("ok", pgettext_lazy("assignment", "scores submitted")),
        "removed": ("muted", pgettext_lazy("assignment", "removed")),
    },
    # An application's screening (issue 19).
    "screening": {
        "eligible": ("ok", pgettext_lazy("screening", "eligible")),
        "ineligible": ("danger", pgettext_lazy("screening", "ineligible")),
    },
    # A date something is due on: a progress report, an attention point's follow-up.
    "deadline": {
        "due": ("info", pgettext_lazy("deadline", "due")),
        "overdue": ("danger", pgettext_lazy("deadline", "overdue")),
    },
}

#: A call closes "soon" within this many days.
CLOSING_SOON_DAYS = 14


def for_field(obj, field: str) -> tuple[str, str, str]:
    """(value, tone, label) of a model instance's state field."""
    value = getattr(obj, field)
    tones = FIELDS[f"{obj._meta.label}.{field}"]
    return value, tones.get(value, "neutral"), getattr(obj, f"get_{field}_display")()


def for_state(kind: str, value: str) -> tuple[str, str, str]:
    """(value, tone, label) of a state worked out elsewhere (STATES[kind])."""
    tone, label = STATES[kind][value]
    return value, tone, str(label)


def wave_state(wave, day) -> str:
    if wave.is_closed(day):
        return "closed"
    return "open" if wave.is_open(day) else "draft"


def call_state(call, day) -> str | None:
    """None when the call has no dates to go by."""
    if call.closes_on and call.closes_on < day:
        return "closed"
    if call.opens_on and call.opens_on > day:
        return "upcoming"
    if call.closes_on and (call.closes_on - day).days <= CLOSING_SOON_DAYS:
        return "closing_soon"
    return "open" if call.opens_on or call.closes_on else None
