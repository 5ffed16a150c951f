"""A second, explicit step before an irreversible or mass action (issue 16): the first
POST only shows what will happen and how many; only a POST that carries the
confirmation field acts. The check is on the server, so no script and no hand-made
request skips it."""

from django.shortcuts import render
from django.utils.translation import gettext as _

#: The field (value "yes") that the confirmation page's button sends.
FIELD = "confirmed"


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(FIELD) == "yes"


def ask(
    request,
    *,
    title: str,
    question: str,
    details=(),
    button: str,
    cancel_url: str,
    keep=(),
    danger: bool = True,
):
    """The confirmation page: `question` names what will happen and how many, `details`
    are further lines, `button` the label of the button that does it. The POST fields
    named in `keep` (e.g. the clusters ticked) are sent again with the confirmation, so
    the action is the one that was shown."""
    hidden = [(name, value) for name in keep for value in request.POST.getlist(name)]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "question": question,
            "details": [d for d in details if d],
            "button": button,
            "cancel_url": cancel_url,
            "hidden": hidden,
            "field": FIELD,
            "danger": danger,
        },
    )


def ask_removal(request, record, *, cancel_url: str, details=()):
    """The confirmation before one record is deleted for good: it names the record (the
    count is one) and any records that go with it (`details`)."""
    return ask(
        request,
        title=_("Delete"),
        question=_("Delete “%(record)s”? This cannot be undone.") % {"record": record},
        details=details,
        button=_("Yes, delete"),
        cancel_url=cancel_url,
    )
