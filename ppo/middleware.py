import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import patch_cache_control
from rest_framework.views import APIView

from ppo.selectors import second_factor_device

SESSION_STARTED = "ppo_session_started"
SESSION_SEEN = "ppo_session_seen"


def _is_api_view(view_func) -> bool:
    """REST framework views authenticate for themselves and answer 401/403 as JSON."""
    view_class = getattr(view_func, "cls", None)
    return isinstance(view_class, type) and issubclass(view_class, APIView)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a signed-in user (deny by default), except API views.

    REST framework views authenticate for themselves and answer 401/403 as JSON; a redirect
    to the HTML sign-in page would be meaningless to an API client.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_api_view(view_func):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# Official - Sensitive data: a session ends after 30 minutes without a request, and 12 hours
# after sign-in whatever happens (OWASP ASVS 3.3).
IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
SEEN_GRANULARITY = 60  # seconds


class SessionLimitsMiddleware:
    """Ends a signed-in session that has been idle too long or lasted too long, sending the
    person to sign in again with the reason. The start is set at sign-in (ppo.signals)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            if now - seen > IDLE_LIMIT.total_seconds() or (
                now - started > ABSOLUTE_LIMIT.total_seconds()
            ):
                logout(request)
                messages.info(
                    request, "You were signed out to keep the information safe. Sign in again."
                )
                return redirect_to_login(request.get_full_path(), resolve_url(settings.LOGIN_URL))
            # Noted at most once a minute: a session write on every request would cost
            # three queries each time, for a limit that need not be exact to the second.
            if SESSION_STARTED not in request.session or now - seen > SEEN_GRANULARITY:
                request.session[SESSION_STARTED] = started
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in person is shown may be kept by a browser or proxy cache: every
    page, download and API answer to them carries Cache-Control: no-store."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


def second_factor_not_required(view):
    """Marks a view a signed-in person may reach before entering their authenticator code:
    the code pages themselves and signing out."""
    view.second_factor_required = False
    return view


class SecondFactorRequiredMiddleware:
    """A password alone reaches nothing: until the session has accepted a code from the
    person's authenticator app (django-otp), every page, the admin included, sends them to
    enter one, or to set an app up if they have none yet (OWASP ASVS 6.3). API calls are
    refused by ppo.authentication instead, since a redirect means nothing to an API client."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "second_factor_required", True):
            return None
        if _is_api_view(view_func):
            return None
        step = "sign-in-code" if second_factor_device(user=user) else "sign-in-set-up"
        return redirect_to_login(request.get_full_path(), reverse(step))
