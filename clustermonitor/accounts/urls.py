from django.contrib.auth import views as auth_views
from django.urls import path

from clustermonitor.accounts import views, views_security

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("me/", views.profile, name="profile"),
    path("tokens/<int:pk>/delete/", views.token_delete, name="token-delete"),
    path("users/", views.user_list, name="user-list"),
    path("users/new/", views.user_create, name="user-create"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/active/", views.user_set_active, name="user-set-active"),
    path("users/<int:pk>/invite/", views.user_invite, name="user-invite"),
    path("roles/<int:pk>/remove/", views.role_remove, name="role-remove"),
    path("two-factor/", views_security.otp_verify, name="otp-verify"),
    path("two-factor/setup/", views_security.otp_setup, name="otp-setup"),
    path("two-factor/recovery-codes/", views_security.otp_codes, name="otp-codes"),
    path("two-factor/off/", views_security.otp_disable, name="otp-disable"),
    path("users/<int:pk>/two-factor/reset/", views_security.user_otp_reset, name="user-otp-reset"),
    path("lockouts/", views_security.lockout_list, name="lockout-list"),
    path("lockouts/unlock/", views_security.lockout_unlock, name="lockout-unlock"),
]
