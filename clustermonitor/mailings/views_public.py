"""The one-click unsubscribe of every mailing (RFC 8058): a POST to the link in the
`List-Unsubscribe` header unsubscribes at once, without a session or CSRF token (the
signed token is the proof); a GET — a person's click, or a mail scanner following links —
only shows the page with the button, and changes nothing."""

from django.conf import settings
from django.core import signing
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from clustermonitor.mailings import services
from clustermonitor.mailings.models import Delivery


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        value = services.read_token(token)
    except signing.BadSignature:
        return render(request, "mailings/unsubscribe.html", {"invalid": True}, status=404)
    if isinstance(value, list):  # a test send's link
        return render(request, "mailings/unsubscribe.html", {"test": True})
    delivery = Delivery.objects.select_related("mailing__cluster").filter(pk=value).first()
    if delivery is None:
        return render(request, "mailings/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe_delivery(delivery, "web")
        done = True
    # In the language of the mail the reader had, unless they chose one here.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    with translation.override(chosen if chosen in ("nl", "en") else delivery.language):
        return render(
            request,
            "mailings/unsubscribe.html",
            {"cluster_name": delivery.mailing.cluster.name, "done": done, "token": token},
        )
