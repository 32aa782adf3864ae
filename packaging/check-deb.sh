#!/usr/bin/env bash
# CI: builds the Debian package, installs it with dpkg -i, runs the installed binary, checks the
# systemd units offline, then purges it (always, so no test ever finds `concordat` on PATH).
# Needs root. Usage: packaging/check-deb.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "check-deb: needs root (dpkg -i)" >&2; exit 1; }
if dpkg -s concordat >/dev/null 2>&1; then
    echo "check-deb: a concordat package is already installed; purge it first (dpkg --purge concordat)" >&2
    exit 1
fi

deb="$(packaging/build-deb.sh)"
work="$(mktemp -d)"
purge() {
    dpkg --purge concordat >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap purge EXIT

dpkg -i "$deb"
fail() { echo "check-deb: $*" >&2; exit 1; }

# The installed binary runs, and the demo works in a temporary directory.
/usr/bin/concordat --version
(cd "$work" && /usr/bin/concordat demo --store "$work/demo" >/dev/null)
/usr/bin/concordat --store "$work/demo" audit verify >/dev/null || fail "audit verify on the demo failed"

# The system user, its state directory, the man pages and the bash completion are in place.
getent passwd concordat >/dev/null || fail "no concordat user"
[ "$(stat -c %U /var/lib/concordat)" = concordat ] || fail "/var/lib/concordat is not concordat's"
[ "$(stat -c %G /etc/concordat/concordat.env)" = concordat ] || fail "the settings file is not the concordat group's"
man -w concordat-scheduler-run >/dev/null || fail "man concordat-scheduler-run is not installed"
bash -c 'source /usr/share/bash-completion/completions/concordat && complete -p concordat' >/dev/null \
    || fail "the bash completion does not register"

# The units, checked offline: any warning (an unknown key, a bad value) fails too.
report="$(systemd-analyze verify --man=no \
    /lib/systemd/system/concordat-scheduler.service /lib/systemd/system/concordat-serve.service 2>&1)" \
    || fail "systemd-analyze verify failed: $report"
[ -z "$report" ] || fail "systemd-analyze verify warned: $report"
grep -q '^ProtectSystem=strict' /lib/systemd/system/concordat-scheduler.service || fail "unit not hardened"

dpkg --purge concordat
[ ! -e /usr/bin/concordat ] || fail "/usr/bin/concordat is still there after purge"
! command -v concordat >/dev/null 2>&1 || fail "concordat is still on PATH after purge"
echo "check-deb: $(basename "$deb") built, installed, ran, verified and purged"
