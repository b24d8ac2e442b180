#!/usr/bin/env bash
# System packages the tests need, installed when missing: Chromium (Debian packages chromium
# and chromium-driver) for the browser tests, which Playwright drives as the system browser
# (no browser download).  Safe to run again: it does nothing when Chromium is there.
#
#   scripts/setup_system.sh            # install what is missing (as root, or through sudo)
#   KG_SKIP_SYSTEM_SETUP=1 make test   # skip: the browser tests then skip, locally
#
# Without apt-get, root or sudo it cannot install: locally it says so and succeeds (the browser
# tests skip with the reason); in CI (CI set) it fails, because there the tests must run.
set -euo pipefail

say() { printf 'setup_system: %s\n' "$*" >&2; }

in_ci() {
    case "${CI:-}" in
        "" | 0 | false | False | FALSE | no) return 1 ;;
        *) return 0 ;;
    esac
}

give_up() {
    say "$1"
    if in_ci; then
        say "CI is set: the browser tests need Chromium, failing"
        exit 1
    fi
    say "the browser tests will be skipped"
    exit 0
}

if [ -n "${KG_SKIP_SYSTEM_SETUP:-}" ]; then
    say "KG_SKIP_SYSTEM_SETUP is set, nothing done"
    exit 0
fi

chromium_path() {
    if [ -n "${KG_CHROMIUM:-}" ] && [ -x "${KG_CHROMIUM}" ]; then
        printf '%s\n' "$KG_CHROMIUM"
        return 0
    fi
    command -v chromium || command -v chromium-browser || return 1
}

if path=$(chromium_path); then
    say "Chromium found: $path"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || give_up "Chromium is missing and there is no apt-get to install it; install Chromium and set KG_CHROMIUM to its path"

if [ "$(id -u)" -eq 0 ]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    give_up "Chromium is missing; run as root: apt-get install -y chromium chromium-driver"
fi

say "installing chromium and chromium-driver with apt-get (about 500 MB)"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q >/dev/null \
    || give_up "apt-get update failed (no network, or no package source?)"
"${as_root[@]}" apt-get install -y -q chromium chromium-driver >/dev/null \
    || give_up "apt-get install chromium chromium-driver failed"

if path=$(chromium_path); then
    say "Chromium installed: $path ($("$path" --version 2>/dev/null || echo '?'))"
    exit 0
fi
give_up "apt-get installed chromium, but no chromium command is on the PATH"
