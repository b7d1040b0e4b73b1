from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from ppo import views as ppo_views
from ppo.middleware import second_factor_not_required
from reporting import views as reporting_views

admin.site.site_header = "Priority offender case management: administration"
admin.site.site_title = "PPO case management admin"
# Staff sign in through the service's own page (one sign-in, one lockout policy later).
admin.site.login = ppo_views.admin_sign_in

urlpatterns = [
    path("", reporting_views.home, name="home"),
    path("sign-in/", ppo_views.SignInView.as_view(), name="sign-in"),
    # Signing out must work with an expired session too, or the user lands on a 405.
    path("sign-in/code/", ppo_views.second_factor_code, name="sign-in-code"),
    path("sign-in/set-up/", ppo_views.second_factor_set_up, name="sign-in-set-up"),
    path(
        "sign-out/",
        second_factor_not_required(login_not_required(LogoutView.as_view())),
        name="sign-out",
    ),
    path("background-check/", reporting_views.background_check, name="background-check"),
    path("schemes/<slug:slug>/returns/", reporting_views.returns_list, name="returns"),
    path("schemes/<slug:slug>/outcomes/", reporting_views.outcomes, name="outcomes"),
    path("schemes/<slug:slug>/dashboard/", reporting_views.steering_dashboard, name="dashboard"),
    path(
        "schemes/<slug:slug>/returns/<str:month>/",
        reporting_views.return_detail,
        name="return-detail",
    ),
    path("healthz", ppo_views.health, name="health"),
    path("", include("ppo.urls")),
    path("", include("sharing.urls")),
    path("", include("selection.urls")),
    path("", include("cases.urls")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

handler404 = "ppo.views.not_found"
