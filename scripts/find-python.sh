#!/usr/bin/env bash
# Prints the path of a Python 3.12 or newer (Django 6.1 needs 3.12+), or fails saying so.
# Checks PATH first, then pyenv's installed versions (pyenv shims on PATH may be inactive).
set -uo pipefail

candidates=(python3.14 python3.13 python3.12 python3)
while IFS= read -r dir; do
  [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
done < <(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]* 2>/dev/null | sort -V -r)

for candidate in "${candidates[@]}"; do
  path=$(command -v "$candidate" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
    "$path" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "No Python 3.12 or newer found (Django 6.1 needs it). Install one, or set PYTHON=/path/to/python3.12." >&2
exit 1
