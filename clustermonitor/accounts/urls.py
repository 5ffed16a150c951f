from django.contrib.auth import views as auth_views
from django.urls import path

from clustermonitor.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/", views.profile, name="profile"),
    path("tokens/<int:pk>/delete/", views.token_delete, name="token-delete"),
]
