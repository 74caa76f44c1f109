#!/usr/bin/env bash
# vendor_echarts.sh: reproducibly vendor the ECharts browser bundle into nbhelpers/assets.
#
# Usage:
#   scripts/vendor_echarts.sh           fetch echarts@$ECHARTS_VERSION with `npm pack`, check the
#                                       tarball and bundle sha256 against the pins below, copy
#                                       dist/echarts.min.js, LICENSE, NOTICE, licenses/LICENSE-d3
#                                       and write nbhelpers/assets/echarts.sha256
#   scripts/vendor_echarts.sh --check   only verify the committed files (no network)
#
# To move to another version: set ECHARTS_VERSION and the two pins, run, review the diff.
# Needs: bash, npm (Debian package), tar, sha256sum. The npm registry is the only network used.
set -euo pipefail

ECHARTS_VERSION="${ECHARTS_VERSION:-5.6.0}"
# Pins for 5.6.0 (sha256 of the npm tarball and of dist/echarts.min.js inside it).
TARBALL_SHA256="${TARBALL_SHA256:-e1b82487dd7f8d9f0438eec1f1433051148e0095ac7a15d4db890afda45cf610}"
BUNDLE_SHA256="${BUNDLE_SHA256:-bf4a223524e40b77c304bec67e1222cf551f14880cf42c69dc046558e11c07b1}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="$ROOT/nbhelpers/assets"

if [[ "${1:-}" == "--check" ]]; then
	cd "$ASSETS"
	sha256sum --check --strict echarts.sha256
	exit 0
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
# --ignore-scripts: never run package code; a private cache keeps the run hermetic.
npm pack --silent --ignore-scripts --cache "$TMP/npm-cache" "echarts@${ECHARTS_VERSION}" >/dev/null
TGZ="echarts-${ECHARTS_VERSION}.tgz"
[[ -f "$TGZ" ]] || { echo "vendor_echarts: npm pack did not produce $TGZ" >&2; exit 1; }

got="$(sha256sum "$TGZ" | cut -d' ' -f1)"
if [[ "$got" != "$TARBALL_SHA256" ]]; then
	echo "vendor_echarts: tarball sha256 mismatch for $TGZ: got $got, want $TARBALL_SHA256" >&2
	exit 1
fi
tar -xzf "$TGZ"
got="$(sha256sum package/dist/echarts.min.js | cut -d' ' -f1)"
if [[ "$got" != "$BUNDLE_SHA256" ]]; then
	echo "vendor_echarts: echarts.min.js sha256 mismatch: got $got, want $BUNDLE_SHA256" >&2
	exit 1
fi
if grep -qi '</script' package/dist/echarts.min.js; then
	echo "vendor_echarts: echarts.min.js contains </script; nbhelpers cannot inline it safely" >&2
	exit 1
fi

mkdir -p "$ASSETS/licenses"
install -m 0644 package/dist/echarts.min.js "$ASSETS/echarts.min.js"
install -m 0644 package/LICENSE "$ASSETS/LICENSE"
install -m 0644 package/NOTICE "$ASSETS/NOTICE"
install -m 0644 package/licenses/LICENSE-d3 "$ASSETS/licenses/LICENSE-d3"
printf '%s\n' "$ECHARTS_VERSION" >"$ASSETS/ECHARTS_VERSION"
(
	cd "$ASSETS"
	sha256sum echarts.min.js LICENSE NOTICE licenses/LICENSE-d3 ECHARTS_VERSION >echarts.sha256
	sha256sum --check --strict --quiet echarts.sha256
)
echo "vendor_echarts: echarts ${ECHARTS_VERSION} vendored into nbhelpers/assets (tarball sha256 ${TARBALL_SHA256})"
