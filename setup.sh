#!/usr/bin/env bash
# Install everything the project needs on a fresh Debian machine (run as root):
# Debian's chromium (browser tests, PDF printing; never a downloaded browser),
# poppler-utils (PDF checks), fonts, Node.js for the web checkers, then the pinned Python
# packages, this package and the pinned npm checkers (axe-core for the accessibility tests,
# Lighthouse for the web benchmark) into tools/web/node_modules (not committed).
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  chromium poppler-utils fonts-dejavu-core fonts-liberation >/dev/null
command -v npm >/dev/null || DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
python3 -m pip install --quiet --disable-pip-version-check -r requirements.txt
python3 -m pip install --quiet --disable-pip-version-check --no-deps -e .
# The subgroup explorer (`duoreport explore`) runs Voilà from its own plain virtual environment,
# so that the main environment above never imports Voilà (it would slow every papermill run).
[ -x .venv-explorer/bin/python ] || python3 -m venv .venv-explorer
.venv-explorer/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-explorer.txt
.venv-explorer/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
npm ci --prefix tools/web --no-audit --no-fund --loglevel=error
