"""Routes of the survey's waves part (included by surveys/urls.py, namespace "surveys")."""

urlpatterns = []
