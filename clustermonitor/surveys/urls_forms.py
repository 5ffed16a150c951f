"""Routes of the survey's forms part (included by surveys/urls.py, namespace "surveys")."""

urlpatterns = []
