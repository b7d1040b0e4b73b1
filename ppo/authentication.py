from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


class VerifiedSessionAuthentication(SessionAuthentication):
    """A browser session authenticates API calls only once it has passed the second factor
    (ppo.middleware.SecondFactorRequiredMiddleware guards the pages)."""

    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is None or not request._request.user.is_verified():
            return None
        return authenticated


class VerifiedSessionScheme(SessionScheme):
    """Describes the session sign-in in the OpenAPI schema as drf-spectacular does Django's;
    defined here so it is registered whenever the authentication class is loaded."""

    target_class = VerifiedSessionAuthentication
