from django.urls import path

from clustermonitor.portal import views, views_crawlers, views_finder, views_public

app_name = "portal"

urlpatterns = [
    # Public (no login).
    path("portal/", views_public.front, name="front"),
    path("portal/clusters/", views_public.directory, name="directory"),
    path("portal/events/", views_public.events_page, name="events"),
    path("portal/events.ics", views_public.events_feed, name="events-feed"),
    path("finder/", views_finder.finder_page, name="finder"),
    path("robots.txt", views_crawlers.robots_txt, name="robots"),
    path("sitemap.xml", views_crawlers.sitemap_xml, name="sitemap"),
    path("portal/clusters/<str:code>/", views_public.cluster_detail, name="cluster-detail"),
    path(
        "portal/clusters/<str:code>/logo/",
        views_public.cluster_logo_file,
        name="cluster-logo-file",
    ),
    path(
        "portal/clusters/<str:code>/events.ics",
        views_public.cluster_events_feed,
        name="cluster-events-feed",
    ),
    # The workspace: editing, submitting and publishing a cluster's profile.
    path("profiles/", views.profile_overview, name="profiles"),
    path("clusters/<str:code>/profile/", views.profile, name="profile"),
    path("clusters/<str:code>/profile/edit/", views.profile_edit, name="profile-edit"),
    path("clusters/<str:code>/profile/submit/", views.profile_submit, name="profile-submit"),
    path("clusters/<str:code>/profile/publish/", views.profile_publish, name="profile-publish"),
    path("clusters/<str:code>/profile/return/", views.profile_return, name="profile-return"),
    # The workspace: the programme manager's texts of the public front page.
    path("programme-page/", views.programme_page_edit, name="programme-page-edit"),
]
