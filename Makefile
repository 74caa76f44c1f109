# neuron — the project's commands. `make help` lists them.
SHELL     := /bin/bash
GOBIN     := $(CURDIR)/.bin
PY        := /usr/bin/python3
NB        ?= $(sort $(wildcard notebooks/[0-9]*.ipynb))
REPORTS   ?= reports
NB_TIMEOUT ?= 900
NB_JOBS   ?= 2
export PATH := $(GOBIN):/usr/local/go/bin:$(PATH)
export GOTOOLCHAIN := local
# Go 1.26's simd/archsimd package (AVX-512 kernels in brain/internal/simd) exists only with this
# experiment; builds without it use the portable kernels, which give the same results bit for bit.
# `make vet` and `make go-test` also check the builds without it (plain go build, arm64 vet).
export GOEXPERIMENT ?= simd
# format/nwb and format/sonata link Debian's HDF5 (libhdf5-dev) through cgo.
export CGO_CFLAGS  := -O2 -g -I/usr/include/hdf5/serial
export CGO_LDFLAGS := -O2 -g -L/usr/lib/x86_64-linux-gnu/hdf5/serial

.PHONY: fuzz help setup reports test go-test beam-test h5-check test-mpi vet check-imports nb-check nb-lint nb-live lab nb-strip bench echarts-vendor

help:
	@echo "make setup    install Jupyter (Debian packages), build GoNB/goimports/gopls, register the kernel"
	@echo "make reports  execute every notebook headless and write HTML reports into $(REPORTS)/"
	@echo "make test     go vet, go test ./..., MPI runs, notebooks executed, reports checked in headless Chromium"
	@echo "make test-mpi one network over mpirun -np 1, 2, 4: spikes identical to one process (installs Open MPI)"
	@echo "make lab      start Jupyter Notebook on notebooks/"
	@echo "make bench    print the standard benchmark table (CUBA, COBA, STDP)"
	@echo "make fuzz     run every fuzz target for FUZZTIME each (default 1m; FUZZTIME=10s make fuzz)"

setup:
	@bash docker/install.sh

# NEURON_EXPLORER_OFFLINE: headless runs skip the explorers' probe for a live page (see
# nbhelpers/explorer) and show the WebAssembly explorers right away.
reports: setup
	NEURON_EXPLORER_OFFLINE=1 $(PY) scripts/run_notebooks.py --jobs $(NB_JOBS) --timeout $(NB_TIMEOUT) --html-dir $(REPORTS) $(NB)
	@if [ -f scripts/check_report_charts.py ]; then \
	  $(PY) scripts/check_report_charts.py --min 0 --overlaps --max-mb 5 $(patsubst notebooks/%.ipynb,$(REPORTS)/%.html,$(NB)) \
	    $(patsubst notebooks/%.ipynb,$(REPORTS)/%.reader.html,$(NB)); fi
	$(PY) scripts/check_explorers.py --min 0 $(patsubst notebooks/%.ipynb,$(REPORTS)/%.html,$(NB))
	$(PY) scripts/check_explorers.py --min 0 --quick $(patsubst notebooks/%.ipynb,$(REPORTS)/%.reader.html,$(NB))
	@echo "reports written (NN.html: code and outputs; NN.reader.html: contents, code folded):"; \
	  for f in $(patsubst notebooks/%.ipynb,$(REPORTS)/%.html,$(NB)) $(patsubst notebooks/%.ipynb,$(REPORTS)/%.reader.html,$(NB)); do echo "  $(CURDIR)/$$f"; done

vet:
	go vet ./...
	GOEXPERIMENT= go vet ./...
	GOEXPERIMENT= GOARCH=arm64 CGO_ENABLED=0 go vet ./brain/...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi

# brain/ is pure numerics: it must never depend on plotting, charting or notebook packages.
check-imports:
	@bad=$$(go list -deps ./brain/... | grep -E 'go-echarts|gonum.org/v1/plot|janpfeifer/gonb|neuron/nbhelpers' || true); \
	  if [ -n "$$bad" ]; then echo "brain/ imports rendering or notebook packages:"; echo "$$bad"; exit 1; fi; \
	  echo "check-imports: brain/ depends on no rendering or notebook package"

nb-check:
	@$(PY) scripts/nbstrip.py --check $(NB)

# Notebook rules (docs/notebooks.md): cells <= 40 lines, first chart within 60 code lines,
# no helper defined in two notebooks, the standard first cell.
nb-lint:
	@$(PY) -m unittest -q scripts/test_check_notebooks.py
	@$(PY) scripts/check_notebooks.py $(NB)

go-test:
	go test -timeout 30m ./...
	GOEXPERIMENT= go test ./brain/internal/simd

# The NWB and SONATA files the Go writers produce, opened outside Go with h5py: structure and
# bit-for-bit spike times and traces (scripts/check_h5.py).
H5_OUT ?= $(CURDIR)/build/h5-check
h5-check:
	@rm -rf "$(H5_OUT)" && mkdir -p "$(H5_OUT)"
	go test -count=1 -run '^TestWriteForPython$$' ./format/nwb -args -h5out "$(H5_OUT)"
	$(PY) scripts/check_h5.py "$(H5_OUT)"

# The Beam sweep runner is its own module (sweep/beam): vetted and tested on the Prism runner here,
# so that the main module never compiles Beam (docs/sweeps.md).
beam-test:
	cd sweep/beam && go vet ./... && go test -timeout 20m ./...

# One network over MPI ranks (brain/dist/mpi, cgo, -tags mpi): CUBA, COBA, Brunel and Song at
# mpirun -np 1, 2, 4 (oversubscribed) give the spikes and STDP weights of one process bit for bit;
# a rank that fails stops all ranks with an error naming it; a rank that dies stops the job.
# Open MPI refuses to run as root without the two OMPI_ALLOW_RUN_AS_ROOT variables; its
# single-copy shared-memory transfers need ptrace rights containers often lack (turned off).
MPI_OUT ?= $(CURDIR)/build/mpi
MPIRUN  := env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none mpirun --oversubscribe
test-mpi:
	@NEURON_MPI=1 bash docker/install.sh
	go vet -tags mpi ./brain/dist/mpi
	@mkdir -p "$(MPI_OUT)"
	go test -c -tags mpi -o "$(MPI_OUT)/mpi.test" ./brain/dist/mpi
	@for np in 1 2 4; do echo "== mpirun -np $$np"; \
	  $(MPIRUN) -np $$np "$(MPI_OUT)/mpi.test" -test.count=1 -test.v 2>&1 | grep -E '^(---|ok|FAIL|PASS)|bit-identical|mpi_test' ; \
	  [ "$${PIPESTATUS[0]}" = 0 ] || exit 1; done
	@echo "== a rank that dies (rank 1 exits with status 3 mid-run): mpirun must stop the job, naming it"
	@set +e; NEURON_MPI_DIE=1 timeout 300 $(MPIRUN) -np 2 "$(MPI_OUT)/mpi.test" -test.run '^TestMPIRankDies$$' >"$(MPI_OUT)/die.log" 2>&1; rc=$$?; set -e; \
	  if [ $$rc = 0 ] || [ $$rc = 124 ] || ! grep -q 'Process name: \[\[[0-9]*,[0-9]*\],1\]' "$(MPI_OUT)/die.log"; then \
	    echo "test-mpi: the job did not stop naming rank 1 (status $$rc):"; cat "$(MPI_OUT)/die.log"; exit 1; fi; \
	  echo "stopped with status $$rc, naming rank 1"

test: setup vet check-imports nb-check nb-lint go-test beam-test h5-check test-mpi reports nb-live

# The widget explorer of notebooks/13 in a live Jupyter Notebook page, driven by headless Chromium.
nb-live: setup
	$(PY) scripts/test_live_explorer.py

# Jupyter refuses to run as root without --allow-root (the usual case in containers).
lab: setup
	cd notebooks && /usr/bin/jupyter-notebook --no-browser --ip=127.0.0.1 $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

nb-strip:
	$(PY) scripts/nbstrip.py $(NB)

echarts-vendor:
	bash scripts/vendor_echarts.sh

bench:
	go run ./cmd/neuron bench

# Every fuzz target for FUZZTIME each (go test runs only their seed corpus).
FUZZTIME ?= 1m
fuzz:
	bash scripts/fuzz.sh $(FUZZTIME)
