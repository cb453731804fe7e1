#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian/Ubuntu machine (as root, or with sudo):
# librdkafka (headers and mock cluster), SQLite headers, kcat, PostgreSQL's server (the tests of the
# PostgreSQL state backend start a throw-away server from its binaries), and Python's jsonschema
# for the contract schema check and PyYAML for the deployment manifest check. Safe to run again: it installs only what is missing.
set -euo pipefail

packages=(librdkafka-dev libsqlite3-dev kcat pkg-config postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "==> system packages present: ${packages[*]}"
fi

if ! python3 -c 'import jsonschema, referencing, yaml' >/dev/null 2>&1; then
  echo "==> installing Python jsonschema and PyYAML (for Config/schemas/check.py and deploy/check.py)"
  python3 -m pip install --quiet jsonschema referencing pyyaml
fi

command -v swift >/dev/null || { echo "Swift 6 is required: https://www.swift.org/install/linux/" >&2; exit 1; }
echo "==> ready: $(swift --version 2>/dev/null | head -1)"
