"""The lifecycle rules, apart from the database so they can be read and tested as
rules: idea → exploring → defined → submitted → started → completed, or stopped with
a reason. Skipping forward is fine (an idea may be submitted at once); going back, or
leaving `stopped` or `completed`, needs a note saying why."""

import datetime

from django.utils.translation import gettext as _

from clustermonitor.collaborations.models import STAGE_ORDER, STARTED_STAGES, Stage


class TransitionError(ValueError):
    """A stage change that is refused; the message says why and what to do."""

    def __init__(self, message: str, field: str = "stage"):
        super().__init__(message)
        self.field = field


def is_backwards(current: str, new: str) -> bool:
    if current == Stage.STOPPED or current == Stage.COMPLETED:
        return True
    if new == Stage.STOPPED:
        return False
    return STAGE_ORDER.index(new) < STAGE_ORDER.index(current)


def check_transition(
    current: str | None,
    new: str,
    *,
    on: datetime.date | None,
    last_date: datetime.date | None = None,
    reason: str = "",
    note: str = "",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
) -> None:
    """Raise TransitionError when moving from `current` to `new` on `on` is not allowed.

    `current` is None for a new collaboration. `last_date` is the date of the latest
    change; the history runs forward in time. `start_date` is the collaboration's own
    start date, if it has one.
    """
    if on is None:
        raise TransitionError(_("A stage change needs its date."), "date")
    if on > datetime.date.today():
        raise TransitionError(_("A stage change cannot lie in the future."), "date")
    if last_date and on < last_date:
        raise TransitionError(
            _("The history runs forward: the last change is dated %(date)s.")
            % {"date": last_date.strftime("%d/%m/%Y")},
            "date",
        )
    if current == new:
        raise TransitionError(_("The collaboration is at this stage already."))
    if new == Stage.STOPPED and not reason:
        raise TransitionError(_("Say why the collaboration stopped."), "reason")
    if new != Stage.STOPPED and reason:
        raise TransitionError(_("Only a stop has a reason for stopping."), "reason")
    if current is not None and is_backwards(current, new) and not note.strip():
        raise TransitionError(
            _("Going back from “%(current)s” to “%(new)s” needs a note saying why.")
            % {"current": Stage(current).label, "new": Stage(new).label},
            "note",
        )
    if new in STARTED_STAGES and start_date and on < start_date:
        raise TransitionError(
            _("The collaboration starts on %(date)s: it cannot be started or completed earlier.")
            % {"date": start_date.strftime("%d/%m/%Y")},
            "date",
        )
    if new == Stage.STARTED and end_date and on > end_date:
        raise TransitionError(
            _("The collaboration ends on %(date)s: it cannot start later.")
            % {"date": end_date.strftime("%d/%m/%Y")},
            "date",
        )


def stage_index(stage: str) -> int:
    """Position for sorting and reporting; stopped sorts last."""
    return STAGE_ORDER.index(stage) if stage in STAGE_ORDER else len(STAGE_ORDER)
