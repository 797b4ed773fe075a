#!/usr/bin/env bash
# Runs Garde's whole test suite, the PostgreSQL, MariaDB and browser tests
# included.
#
# The tests start their own PostgreSQL (Debian's server binaries, initdb in a
# temporary directory), their own MariaDB (mariadb-install-db likewise) and a
# headless Chromium, in which they run axe-core (pinned in tests/a11y,
# installed with npm). When those system packages are missing, this script
# installs them with apt-get (as root, or through sudo). Extra arguments go to
# `go test` in place of ./... ; for example
#   scripts/test.sh -run TestAudit ./internal/audit/
# With CI=true, tests that need PostgreSQL, MariaDB, Chromium or axe-core fail
# instead of skipping when either is unavailable.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || { echo "test.sh: Go is not installed (see go.mod for the version)" >&2; exit 1; }

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v mariadb-install-db >/dev/null 2>&1 || missing+=(mariadb-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# npm installs axe-core, which the accessibility tests run in Chromium.
axe=tests/a11y/node_modules/axe-core/axe.min.js
[ -e "$axe" ] || command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

install_packages() {
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null 2>&1 || return 1
		sudo=(sudo)
	fi
	command -v apt-get >/dev/null 2>&1 || return 1
	echo "test.sh: installing ${missing[*]}" >&2
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
	# Debian starts a cluster of its own on install; the tests start
	# theirs, so stop it rather than leave it holding memory.
	if [[ " ${missing[*]} " == *" postgresql "* ]]; then
		"${sudo[@]}" service postgresql stop >/dev/null 2>&1 || true
	fi
	if [[ " ${missing[*]} " == *" mariadb-server "* ]]; then
		"${sudo[@]}" service mariadb stop >/dev/null 2>&1 || true
	fi
}

if [ ${#missing[@]} -gt 0 ] && ! install_packages; then
	echo "test.sh: could not install ${missing[*]}; the tests that need them will skip (or fail with CI=true)" >&2
fi

if [ ! -e "$axe" ] && command -v npm >/dev/null 2>&1; then
	echo "test.sh: installing axe-core (tests/a11y)" >&2
	npm ci --prefix tests/a11y --no-audit --no-fund >/dev/null ||
		echo "test.sh: could not install axe-core; the accessibility tests will skip (or fail with CI=true)" >&2
fi

if [ $# -eq 0 ]; then
	set -- ./...
fi
exec go test -count=1 -timeout 20m "$@"
