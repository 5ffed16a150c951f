from django.urls import path

from clustermonitor.portal import (
    views,
    views_calls,
    views_crawlers,
    views_finder,
    views_join,
    views_public,
)

app_name = "portal"

urlpatterns = [
    # Public (no login).
    path("portal/", views_public.front, name="front"),
    path("portal/clusters/", views_public.directory, name="directory"),
    path("portal/clusters/map.svg", views_public.directory_map, name="directory-map"),
    path("portal/events/", views_public.events_page, name="events"),
    path("portal/events.ics", views_public.events_feed, name="events-feed"),
    path("finder/", views_finder.finder_page, name="finder"),
    # The open calls and the start of an application (issue 19).
    path("portal/calls/", views_calls.calls, name="calls"),
    path("portal/calls/<int:pk>/", views_calls.call_detail, name="call"),
    path("portal/calls/started/", views_calls.call_started, name="call-started"),
    path("portal/figures/", views_public.open_figures, name="figures"),
    path("portal/figures/<slug:name>.csv", views_public.open_figure_csv, name="figure-csv"),
    path(
        "portal/figures/<slug:name>.csv-metadata.json",
        views_public.open_figure_csv_metadata,
        name="figure-csv-metadata",
    ),
    path("portal/figures/<slug:name>.json", views_public.open_figure_json, name="figure-json"),
    path("robots.txt", views_crawlers.robots_txt, name="robots"),
    path("sitemap.xml", views_crawlers.sitemap_xml, name="sitemap"),
    path("portal/clusters/<str:code>/", views_public.cluster_detail, name="cluster-detail"),
    path("portal/clusters/<str:code>/map.svg", views_public.cluster_map, name="cluster-map"),
    path(
        "portal/clusters/<str:code>/logo/",
        views_public.cluster_logo_file,
        name="cluster-logo-file",
    ),
    # Ask to join (public), and the cluster's join requests (the workspace).
    path("portal/clusters/<str:code>/join/", views_join.ask_to_join, name="ask-to-join"),
    path("portal/join/sent/", views_join.join_sent, name="join-sent"),
    path("portal/join/confirm/<str:token>/", views_join.join_confirm, name="join-confirm"),
    path("clusters/<str:code>/join-requests/", views_join.join_requests, name="join-requests"),
    path("join-requests/<int:pk>/", views_join.join_request_detail, name="join-request-detail"),
    path(
        "join-requests/<int:pk>/accept/",
        views_join.join_request_accept,
        name="join-request-accept",
    ),
    path(
        "join-requests/<int:pk>/decline/",
        views_join.join_request_decline,
        name="join-request-decline",
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
