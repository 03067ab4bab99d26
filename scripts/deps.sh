#!/usr/bin/env bash
# Installs the Debian packages the test suite uses when they are missing: Chromium (the dashboard
# is tested in a real headless browser) and PostgreSQL (the ledger is tested against a real
# server that the tests start themselves). Go modules and the test cluster's binaries are built
# by the Go toolchain and `make testcluster-build`.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing ${need[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
