"""Test clients whose force_login also passes the second factor.

Most tests are about what a signed-in person may do, not about signing in, so they sign in
as django-otp would leave them after a right code: a real confirmed TOTP device for the
user, its id in the session. tests/ppo/test_second_factor.py covers the sign-in itself.
"""

import base64
import re
import time

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient


def confirmed_device(user) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """A code the person's app would show now that the device will still accept: a code
    works once, so after one has been used this is the next one (django-otp accepts one
    time step ahead), waiting first if even that one has been used. An unsaved device is a
    key being set up, which has no used codes yet."""
    if device.pk is not None:
        device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    while totp.t() < device.last_t:
        time.sleep(1)
    if totp.t() == device.last_t:
        totp.time = time.time() + device.step
    return f"{totp.token():0{device.digits}d}"


class _SecondFactorPassed:
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_device(user).persistent_id
        session.save()


class VerifiedClient(_SecondFactorPassed, Client):
    pass


class VerifiedAPIClient(_SecondFactorPassed, APIClient):
    pass


def sign_in(client, user, password: str) -> None:
    """Signs in as a person does: the password, then a code from their app (set up first
    if they have none)."""
    response = client.post(reverse("sign-in"), {"username": user.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    step = client.get(reverse("home"))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:  # setting up: the key is only on the page until a code proves it
        page = client.get(step.url).content.decode()
        key = re.search(r'data-testid="setup-key">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
        device = TOTPDevice(user=user, key=base64.b32decode(key).hex())
    response = client.post(step.url, {"code": current_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
