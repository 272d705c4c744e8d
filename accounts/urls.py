from django.urls import path

from accounts.views import auth, business, home

app_name = "accounts"

urlpatterns = [
    path("", home.home, name="home"),
    path("language/", home.language, name="language"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("login/code/", auth.login_with_code, name="login_with_code"),
    path("unlock/", auth.unlock_request, name="unlock_request"),
    path("unlock/sent/", auth.unlock_sent, name="unlock_sent"),
    path("unlock/<uidb64>/<token>/", auth.unlock_confirm, name="unlock_confirm"),
    path("signup/", auth.signup, name="signup"),
    path("signup/sent/", auth.signup_sent, name="signup_sent"),
    path("signup/confirm/<uidb64>/<token>/", auth.signup_confirm, name="signup_confirm"),
    path("two-factor/setup/", auth.otp_setup, name="otp_setup"),
    path("two-factor/verify/", auth.otp_verify, name="otp_verify"),
    path("password-reset/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        auth.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("business/register/", business.register, name="business_register"),
    path("business/<int:pk>/", business.detail, name="business_detail"),
    path("business/<int:pk>/invite/", business.agent_invite, name="business_agent_invite"),
    path(
        "business/<int:pk>/members/<int:membership_pk>/remove/",
        business.member_remove,
        name="business_member_remove",
    ),
    path(
        "business/<int:pk>/members/<int:membership_pk>/permissions/",
        business.agent_permissions,
        name="business_agent_permissions",
    ),
    path(
        "business/invitations/<int:pk>/respond/",
        business.invitation_respond,
        name="business_invitation_respond",
    ),
]
