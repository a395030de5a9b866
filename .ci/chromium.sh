#!/usr/bin/env bash
# Debian's Chromium and ChromeDriver for the browser tests (tests/demo): installed with apt-get
# when either is missing. Nothing downloads a browser of its own. Diagnostics go to stderr.
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
sudo=""
if [[ "$(id -u)" != "0" ]]; then
    command -v sudo >/dev/null || { echo "chromium.sh: need root or sudo to install chromium" >&2; exit 1; }
    sudo="sudo"
fi
echo "chromium.sh: installing Debian's chromium and chromium-driver" >&2
$sudo apt-get update >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends chromium chromium-driver >&2
