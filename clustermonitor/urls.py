from django.shortcuts import redirect
from django.urls import include, path
from django.views.i18n import set_language

from clustermonitor.accountmanagement import urls as accountmanagement_urls
from clustermonitor.accounts.models import Role
from clustermonitor.maturity import urls as maturity_urls
from clustermonitor.monitoring import views_home
from clustermonitor.portal import views_public as portal_views
from clustermonitor.programmes import urls as programmes_urls
from clustermonitor.urls_api import api


def home(request):
    """/: the portal's front page for a visitor, the persona's workspace (inbox) for whoever
    is logged in (LOGIN_REDIRECT_URL)."""
    if request.user.is_authenticated:
        if request.user.role_set == {Role.APPLICANT}:  # an applicant's workspace (issue 19)
            return redirect("grants:mine")
        return views_home.home(request)
    return portal_views.front(request)


#: Maturity (exit plans, criteria sets) and account management keep the URL names they
#: had inside the programmes app: one "programmes" namespace over the three apps. The home
#: page (the persona's inbox) is monitoring's and keeps its name "programmes:home"; a
#: visitor gets the public portal's front page there (`home`).
programmes_patterns = [
    path("", home, name="home"),
    *programmes_urls.urlpatterns,
    *maturity_urls.urlpatterns,
    *accountmanagement_urls.urlpatterns,
]

urlpatterns = [
    path("", include((programmes_patterns, programmes_urls.app_name))),
    path("", include("clustermonitor.core.imports.urls")),
    path("", include("clustermonitor.members.urls")),
    path("", include("clustermonitor.billing.urls")),
    path("", include("clustermonitor.banking.urls")),
    path("", include("clustermonitor.registry.urls")),
    path("", include("clustermonitor.activities.urls")),
    path("", include("clustermonitor.registrations.urls")),
    path("", include("clustermonitor.collaborations.urls")),
    path("", include("clustermonitor.selfservice.urls")),
    path("", include("clustermonitor.mailings.urls")),
    path("", include("clustermonitor.monitoring.urls")),
    path("", include("clustermonitor.surveys.urls")),
    path("", include("clustermonitor.grants.urls")),
    path("", include("clustermonitor.agreements.urls")),
    path("", include("clustermonitor.reports.urls")),
    path("impact/", include("clustermonitor.impact.urls")),
    path("", include("clustermonitor.prospects.urls")),
    path("", include("clustermonitor.review.urls")),
    path("", include("clustermonitor.portal.urls")),
    path("accounts/", include("clustermonitor.accounts.urls")),
    path("", include("clustermonitor.core.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/", api.urls),
]

# A database still locked after the busy timeout (SQLite) answers 503 + Retry-After.
handler500 = "clustermonitor.core.middleware.server_error"
