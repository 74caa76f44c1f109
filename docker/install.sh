#!/usr/bin/env bash
# One install path for neuron, shared by the README (make setup), CI (.ci/run → make test) and
# docker/Dockerfile. It is idempotent: when everything is already in place it takes seconds.
#
#   1. Debian packages: Jupyter (classic Notebook 6, nbconvert, nbclient), Chromium (used by
#      the report checks), libhdf5-dev (NWB/SONATA output through cgo) and python3-h5py (checks
#      the HDF5 files in CI); with NEURON_MPI=1 (make test-mpi) also Open MPI (libopenmpi-dev,
#      openmpi-bin) for brain/dist/mpi. PyPI is never needed.
#   2. Go: the go on PATH must be at least the go.mod version; if it is missing, the toolchain is
#      fetched from the Go module proxy (the proxy serves whole toolchains as modules).
#   3. GoNB, goimports and gopls built from the go.mod `tool` pins into <repo>/.bin.
#   4. The GoNB kernel registered for this user, with PATH baked into its kernelspec so the
#      kernel finds goimports/gopls/go whatever environment Jupyter was started from.
#
# Environment: NB_RAW_ERROR=1 registers the kernel with --raw_error (plain-text compiler errors,
# what CI wants in its logs); CI=true implies it.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$REPO/.bin"
GO_WANT="${GO_WANT:-1.26.8}"
PY=/usr/bin/python3
log() { printf '[install] %s\n' "$*" >&2; }

# --- 1. Debian packages --------------------------------------------------------------------
need_pkgs=()
command -v /usr/bin/jupyter-nbconvert >/dev/null 2>&1 || need_pkgs+=(jupyter-nbconvert)
command -v /usr/bin/jupyter-notebook >/dev/null 2>&1 || need_pkgs+=(jupyter-notebook)
$PY -c 'import nbclient' >/dev/null 2>&1 || need_pkgs+=(python3-nbclient)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
for tool in make git curl unzip; do command -v "$tool" >/dev/null 2>&1 || need_pkgs+=("$tool"); done
# HDF5 for format/nwb and format/sonata (cgo), h5py for the CI check of the files they write.
[ -f /usr/include/hdf5/serial/hdf5.h ] || need_pkgs+=(libhdf5-dev)
$PY -c 'import h5py' >/dev/null 2>&1 || need_pkgs+=(python3-h5py)
# Open MPI for the distributed runs (brain/dist/mpi, -tags mpi), when asked for.
if [ "${NEURON_MPI:-}" = 1 ]; then
  pkg-config --exists ompi-c 2>/dev/null || need_pkgs+=(libopenmpi-dev pkg-config)
  command -v mpirun >/dev/null 2>&1 || need_pkgs+=(openmpi-bin)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    log "this machine has no apt-get. Install these yourself, then run again:"
    log "  Jupyter Notebook 6 with nbconvert and nbclient (python3), Chromium, make, git, curl, unzip,"
    log "  the HDF5 C library and headers (libhdf5-dev) and h5py (and with NEURON_MPI=1: Open MPI)"
    log "  missing here: ${need_pkgs[*]}"
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null 2>&1 || { log "need root or sudo to apt-get install: ${need_pkgs[*]}"; exit 1; }
    SUDO=sudo
  fi
  log "apt-get install ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${need_pkgs[@]}" jupyter-client jupyter-core ca-certificates >/dev/null
fi

# --- 2. Go ----------------------------------------------------------------------------------
export PATH="$BIN:/usr/local/go/bin:$PATH"
export GOTOOLCHAIN=local
go_ok() {
  command -v go >/dev/null 2>&1 || return 1
  local v; v=$(go env GOVERSION 2>/dev/null | sed 's/^go//')
  [ "$(printf '%s\n%s\n' 1.26 "$v" | sort -V | head -1)" = 1.26 ]
}
if ! go_ok; then
  proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%,*}"
  log "fetching Go ${GO_WANT} from the module proxy into /usr/local/go"
  tmp=$(mktemp -d)
  curl -fsSLo "$tmp/go.zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go${GO_WANT}.linux-amd64.zip"
  unzip -q "$tmp/go.zip" -d "$tmp/x"
  ${SUDO:-} rm -rf /usr/local/go
  ${SUDO:-} mv "$tmp/x/golang.org/toolchain@v0.0.1-go${GO_WANT}.linux-amd64" /usr/local/go
  chmod -R a+rX /usr/local/go 2>/dev/null || true
  rm -rf "$tmp"
  go_ok || { log "Go ${GO_WANT} install failed"; exit 1; }
fi

# --- 3. GoNB, goimports, gopls from the go.mod pins -------------------------------------------
stamp="$BIN/.tools.stamp"
if [ ! -x "$BIN/gonb" ] || [ ! -x "$BIN/gopls" ] || [ ! -x "$BIN/goimports" ] \
   || [ ! -f "$stamp" ] || [ "$REPO/go.mod" -nt "$stamp" ]; then
  log "building gonb, goimports, gopls from go.mod (a few minutes when cold)"
  (cd "$REPO" && GOBIN="$BIN" go install tool)
  touch "$stamp"
fi

# --- 4. Kernel ------------------------------------------------------------------------------
flags=()
if [ "${NB_RAW_ERROR:-}" = 1 ] || [ "${CI:-}" = true ]; then flags+=(--raw_error); fi
kdir="${JUPYTER_DATA_DIR:-$HOME/.local/share/jupyter}/kernels/gonb"
want="gonb ${flags[*]:-} $(cd "$REPO" && go list -m -f '{{.Version}}' github.com/janpfeifer/gonb) $BIN cgo-hdf5 simd"
if [ ! -f "$kdir/kernel.json" ] || [ "$(cat "$kdir/.neuron-stamp" 2>/dev/null)" != "$want" ]; then
  log "registering the GoNB kernel (${flags[*]:-default errors})"
  (cd "$REPO" && "$BIN/gonb" --install ${flags[@]+"${flags[@]}"} >/dev/null)
  $PY "$REPO/scripts/install_kernel.py" "$BIN" "$(dirname "$(command -v go)")"
  printf '%s' "$want" >"$kdir/.neuron-stamp"
fi
log "ready: $(go version | cut -d' ' -f3), $(/usr/bin/jupyter-nbconvert --version 2>/dev/null | head -1 | sed 's/^/nbconvert /'), kernel in $kdir"
