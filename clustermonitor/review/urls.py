from django.urls import path

from clustermonitor.review import views, views_reviewer

app_name = "review"

urlpatterns = [
    path("calls/<int:pk>/review/", views.call_review, name="call"),
    path("calls/<int:pk>/review/criteria/", views.criteria, name="criteria"),
    path("review/criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path("calls/<int:pk>/review/rubric/", views.rubric, name="rubric"),
    path(
        "review/rubric-criteria/<int:pk>/delete/",
        views.rubric_criterion_delete,
        name="rubric-criterion-delete",
    ),
    path("calls/<int:pk>/review/jury/", views.jury, name="jury"),
    path("calls/<int:pk>/review/invite/", views.invite, name="invite"),
    path("calls/<int:pk>/review/ranking/", views.ranking, name="ranking"),
    path("applications/<int:pk>/screening/", views.screening, name="screening"),
    path("applications/<int:pk>/decision/", views.decision, name="decision"),
    path("applications/<int:pk>/decision/letter.pdf", views.letter, name="letter"),
    path("review/assignments/<int:pk>/remove/", views.unassign, name="unassign"),
    path("review/my-assignments/", views_reviewer.my_assignments, name="my-assignments"),
    path("review/my-assignments/<int:pk>/", views_reviewer.assignment_detail, name="assignment"),
    path("review/my-assignments/<int:pk>/declare/", views_reviewer.declare, name="declare"),
    path("review/my-assignments/<int:pk>/score/", views_reviewer.score, name="score"),
]
