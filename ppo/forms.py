from django import forms
from django.contrib.auth.forms import AuthenticationForm

# One message for every failed sign-in, so the page never reveals whether an email address
# has an account (or whether that account is disabled).
SIGN_IN_FAILED = "Enter a correct email address and password"


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.gov.uk",
        },
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }
