from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ppo.forms import SignInForm


class SignInView(LoginView):
    template_name = "ppo/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


@login_not_required
def admin_sign_in(request):
    """Stands in for the admin's own sign-in page, so staff have one way to sign in.

    A signed-in user without admin access gets the 404 page rather than a redirect back to
    sign-in, which would loop.
    """
    if request.user.is_authenticated:
        return not_found(request)
    return redirect_to_login(
        request.GET.get("next", reverse("admin:index")), login_url=reverse("sign-in")
    )


def not_found(request, exception=None):
    """The 404 page. Records a user may not see answer this too, never 403 (deny by default)."""
    return render(request, "404.html", status=404)


@login_not_required
def health(request):
    """For container health checks and load balancers: the app answers and reaches its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
