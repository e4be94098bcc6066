#!/usr/bin/env bash
# Installs the Debian packages Summitry needs, when they are missing.
set -euo pipefail

packages=(
  chromium            # browser tests and benchmarks (Playwright drives it)
  postgresql          # the test command's second database
  redis-server        # channel layer and cache of several workers (the test command's)
  janus               # WebRTC media server for live rooms
  libpango-1.0-0      # WeasyPrint's text layout for PDF reviews
  libpangoft2-1.0-0
  fonts-dejavu-core
  fonts-noto-cjk      # the PDF review in Chinese
  fonts-noto-core     # the PDF review in Arabic (Noto Naskh Arabic)
  gettext             # msgfmt: compiles the translation catalogues, and checks them in the tests
  nodejs              # npm installs the front-end libraries from the lock file
  npm
)

missing=()
for package in "${packages[@]}"; do
  # Node.js may come from the machine image rather than Debian.
  if [[ $package == nodejs ]] && command -v node >/dev/null; then continue; fi
  if [[ $package == npm ]] && command -v npm >/dev/null; then continue; fi
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

command="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "Summitry needs these Debian packages: ${missing[*]}" >&2
  echo "Install them as root, then run make again:" >&2
  echo "  sudo apt-get update && sudo $command" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
$command
# The Debian packages start system services we do not use: Summitry runs its own instances.
for service in janus postgresql redis-server; do
  if command -v systemctl >/dev/null && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service" || true
  fi
done
