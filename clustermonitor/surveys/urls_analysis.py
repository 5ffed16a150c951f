"""Routes of the survey's analysis part (included by surveys/urls.py, namespace "surveys")."""

urlpatterns = []
