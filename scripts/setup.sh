#!/usr/bin/env bash
# Installs what the tests need on a Debian machine when it is missing, or, when it cannot (not root,
# no apt-get), stops at once naming what is missing and the command that installs it.
# Used by scripts/test.sh (the README's test command) and .ci/run.
# Usage: scripts/setup.sh [--ci]   (--ci adds what only CI runs: the fuzz smoke's C++ compiler and
#                                   the Debian package check's tools)
set -euo pipefail
ci=false
[ "${1:-}" = "--ci" ] && ci=true

apt=()      # Debian packages to install
why=()      # what each is for, for the message
need() { apt+=("$1"); why+=("$1 ($2)"); }

command -v strace >/dev/null 2>&1 || need strace "the durability test traces fdatasync"
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
    || need chromium "the web view's screenshots"
command -v pdftotext >/dev/null 2>&1 || need poppler-utils "reading generated PDFs"
command -v npm >/dev/null 2>&1 || need npm "installing axe-core for the accessibility scan"
command -v man >/dev/null 2>&1 || need man-db "rendering the generated man pages"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1 \
    && [ -z "${CONCORDAT_TEST_POSTGRES:-}" ]; then
    need postgresql "the second backend"
fi
command -v python3 >/dev/null 2>&1 || need python3 "the independent iCalendar, JCS and bank-holiday checks"
pip_missing=()
# playwright drives Debian's chromium in the end-to-end tests (its own browser download is never run);
# aiosmtpd is the real SMTP server the email tests start
for module in icalendar holidays playwright aiosmtpd; do
    python3 -c "import $module" 2>/dev/null || pip_missing+=("$module")
done
if [ "${#pip_missing[@]}" -gt 0 ] && ! python3 -m pip --version >/dev/null 2>&1; then
    need python3-pip "installing ${pip_missing[*]}"
fi
if $ci; then
    command -v c++ >/dev/null 2>&1 || need g++ "libFuzzer in the fuzz smoke"
    command -v systemd-analyze >/dev/null 2>&1 || need systemd "checking the package's units offline"
    command -v dpkg-shlibdeps >/dev/null 2>&1 || need dpkg-dev "the package's library dependencies"
    command -v strip >/dev/null 2>&1 || need binutils "stripping the packaged binary"
fi

can_install=false
[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && can_install=true

if [ "${#apt[@]}" -gt 0 ]; then
    if ! $can_install; then
        echo "setup: missing: ${why[*]}" >&2
        echo "setup: install with: sudo apt-get install ${apt[*]}" >&2
        [ "${#pip_missing[@]}" -eq 0 ] || echo "setup: then: python3 -m pip install ${pip_missing[*]}" >&2
        exit 1
    fi
    echo "setup: installing ${apt[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${apt[@]}"
fi
for module in "${pip_missing[@]}"; do
    # Debian's Python is "externally managed" (PEP 668): a plain pip install is refused there.
    python3 -m pip install -q "$module" 2>/dev/null \
        || python3 -m pip install -q --break-system-packages "$module" \
        || { echo "setup: could not install the Python package $module: python3 -m pip install $module" >&2; exit 1; }
done
# axe-core for the accessibility scan, from the committed lock file, into tests/e2e/node_modules
e2e="$(dirname "$0")/../tests/e2e"
if [ ! -f "$e2e/node_modules/axe-core/axe.min.js" ]; then
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error) \
        || { echo "setup: could not install axe-core: (cd tests/e2e && npm ci)" >&2; exit 1; }
fi
