#!/bin/sh
# Install the Debian packages the model tools need (tools/README.md). Idempotent:
# packages that `dpkg -s` reports installed are skipped; apt-get runs as root, or
# through sudo otherwise.
set -eu

missing=""
for package in python3-torch python3-numpy python3-yaml npm; do
    if dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
        continue
    fi
    # Some machines get npm with a non-Debian nodejs package; Debian's npm would
    # conflict with it, and any working npm will do.
    if [ "$package" = npm ] && command -v npm >/dev/null 2>&1; then
        continue
    fi
    missing="$missing $package"
done

if [ -z "$missing" ]; then
    echo "setup: all packages present"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
else
    as_root="sudo"
fi
echo "setup: installing$missing"
$as_root apt-get update
# shellcheck disable=SC2086  # $missing is a word list
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
