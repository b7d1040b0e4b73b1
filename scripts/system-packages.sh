#!/usr/bin/env bash
# Makes sure the Debian packages the given needs require are installed.
# Needs: postgresql (embedded database), redis (test broker), chromium (browser tests),
# pdf (Pango and a font, which WeasyPrint renders documents with).
# As root it installs what is missing with apt-get; otherwise it names what is missing and fails.
set -euo pipefail

missing=()
for need in "$@"; do
  case "$need" in
    postgresql)
      if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
        missing+=(postgresql)
      fi
      ;;
    redis) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
    pdf)
      ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
      [ -n "$(fc-list 2>/dev/null)" ] || missing+=(fontconfig fonts-dejavu-core)
      ;;
    *) echo "system-packages.sh: unknown need '$need'" >&2; exit 2 ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}." >&2
  echo "Install them (for example: sudo apt-get install ${missing[*]}) and run the command again." >&2
  exit 1
fi

echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
