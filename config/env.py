"""Reading configuration from the environment, the only place settings may differ.

A value may also come from a file named by ``<NAME>_FILE`` (Docker and Kubernetes secrets).
"""

import os
import sys
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_required(name: str) -> str:
    """Return the variable, or stop the process with one line naming what is missing."""
    value = env_str(name)
    if not value:
        sys.stderr.write(f"Configuration error: the environment variable {name} is not set.\n")
        raise SystemExit(1)
    return value


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    sys.stderr.write(f"Configuration error: {name} must be true or false, not {value!r}.\n")
    raise SystemExit(1)


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        sys.stderr.write(f"Configuration error: {name} must be a whole number, not {value!r}.\n")
        raise SystemExit(1) from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
