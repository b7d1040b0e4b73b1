"""Container health check for the web service: exits 0 when /healthz answers "ok".

It calls gunicorn on loopback as the proxy would, with a host the app accepts (the first of
ALLOWED_HOSTS) and X-Forwarded-Proto: https, so the HTTPS redirect does not intervene.
"""

import os
import sys
import urllib.request

URL = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")


def main() -> int:
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    request = urllib.request.Request(URL, headers=headers)  # noqa: S310 - http(s) only, set by us
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            healthy = response.status == 200 and response.read() == b"ok"
    except OSError as error:
        print(f"unhealthy: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
