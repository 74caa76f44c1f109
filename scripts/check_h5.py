#!/usr/bin/python3
"""Check the NWB and SONATA files neuron writes, outside Go, with h5py (Debian's python3-h5py).

usage: check_h5.py DIR

DIR holds what `go test ./format/nwb -run TestWriteForPython -args -h5out DIR` writes:
run.nwb, spikes.h5, network/ (SONATA nodes and edges), and the values they must contain as raw little-endian arrays
(*.f64, *.u64). The check opens both files with h5py, checks the groups, datasets and
attributes the NWB 2 schema (core 2.6.0, hdmf-common) and the SONATA spike-file format
require, and compares spike times, node ids and traces with the expected arrays bit for bit.
Exit status 1 on the first failure.
"""
import os
import sys

import h5py
import numpy as np

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL", what)


def raw(d, name, dtype):
    return np.fromfile(os.path.join(d, name), dtype=np.dtype(dtype).newbyteorder("<"))


def same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype.itemsize == b.dtype.itemsize and \
        np.array_equal(a.view(np.uint64), b.view(np.uint64))


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def typed(obj, ns, t):
    check(text(obj.attrs.get("neurodata_type", "")) == t, f"{obj.name}: neurodata_type {t}")
    check(text(obj.attrs.get("namespace", "")) == ns, f"{obj.name}: namespace {ns}")
    check(len(text(obj.attrs.get("object_id", ""))) == 36, f"{obj.name}: object_id is a UUID")


def check_nwb(d):
    with h5py.File(os.path.join(d, "run.nwb"), "r") as f:
        typed(f, "core", "NWBFile")
        check(text(f.attrs.get("nwb_version", "")).startswith("2."), "nwb_version 2.x")
        for name in ["identifier", "session_description", "session_start_time", "timestamps_reference_time"]:
            check(name in f and f[name].shape == (), f"/{name} is a scalar dataset")
        check(text(f["identifier"][()]) == "test-run", "identifier round-trips")
        check(f["file_create_date"].ndim == 1 and len(f["file_create_date"]) == 1, "file_create_date is a 1-D array")
        check(text(f["session_start_time"][()]).startswith("2026-12-07T03:00:00"), "session_start_time ISO 8601")
        for g in ["acquisition", "analysis", "processing", "stimulus/presentation", "stimulus/templates", "general"]:
            check(isinstance(f.get(g), h5py.Group), f"/{g} group")
        check('"seed": 3' in text(f["general/notes"][()]), "provenance (seed) in general/notes")

        u = f["units"]
        typed(u, "core", "Units")
        cols = [text(c) for c in u.attrs["colnames"]]
        check(cols == ["spike_times", "population", "cell"], f"units colnames {cols}")
        check("description" in u.attrs, "units description")
        typed(u["id"], "hdmf-common", "ElementIdentifiers")
        for c in cols:
            typed(u[c], "hdmf-common", "VectorData")
            check("description" in u[c].attrs, f"units/{c} description")
        idx = u["spike_times_index"]
        typed(idx, "hdmf-common", "VectorIndex")
        check(f[idx.attrs["target"]] == u["spike_times"], "spike_times_index.target references spike_times")
        check(len(u["id"]) == len(idx) == len(u["population"]) == len(u["cell"]), "units columns have one row per cell")
        want_t = raw(d, "units_spike_times_s.f64", np.float64)
        want_i = raw(d, "units_index.u64", np.uint64)
        check(u["spike_times"].dtype == np.float64, "spike_times float64")
        check(same_bits(u["spike_times"][:], want_t), f"spike times bit for bit ({len(want_t)} spikes)")
        check(np.array_equal(idx[:].astype(np.uint64), want_i), f"spike_times_index ({len(want_i)} rows)")
        # Each row's times, cut by the index, ascending.
        ends = [int(e) for e in idx[:]]
        starts = [0] + ends[:-1]
        st = u["spike_times"][:]
        check(all(np.all(np.diff(st[a:b]) > 0) for a, b in zip(starts, ends)), "each unit's spike times ascend")

        for name, where, unit in [("exc_V", "acquisition", "volts"), ("exc_IExt", "stimulus/presentation", "amperes")]:
            ts = f[where][name]
            typed(ts, "core", "TimeSeries")
            data = ts["data"]
            check(text(data.attrs["unit"]) == unit, f"{name} unit {unit}")
            check(data.attrs["conversion"].dtype == np.float32, f"{name} conversion is float32")
            check(ts["starting_time"].shape == () and ts["starting_time"].attrs["rate"] == 5000, f"{name} starting_time + rate 5000 Hz")
            check(text(ts["starting_time"].attrs["unit"]) == "seconds", f"{name} starting_time unit")
            want = raw(d, name + ".f64", np.float64)
            check(data.shape == (len(want) // 3, 3), f"{name} shape (time, 3 cells)")
            check(same_bits(data[:].ravel(), want), f"{name} trace bit for bit ({len(want)} values)")


def check_sonata(d):
    with h5py.File(os.path.join(d, "spikes.h5"), "r") as f:
        check(sorted(f["spikes"].keys()) == ["exc", "inh"], "SONATA populations exc, inh")
        for pop in ["exc", "inh"]:
            g = f["spikes"][pop]
            sorting = g.attrs.get("sorting")
            enum = h5py.check_enum_dtype(g.attrs.get_id("sorting").dtype) if "sorting" in g.attrs else None
            check(enum is not None and enum.get("by_time") == sorting, f"{pop}: sorting is the enum value by_time")
            check(text(g["timestamps"].attrs.get("units", "")) == "ms", f"{pop}: timestamps units ms")
            check(g["node_ids"].dtype == np.uint64, f"{pop}: node_ids uint64")
            ts = g["timestamps"][:]
            check(same_bits(ts, raw(d, f"sonata_{pop}_timestamps.f64", np.float64)), f"{pop}: timestamps bit for bit ({len(ts)})")
            check(np.array_equal(g["node_ids"][:], raw(d, f"sonata_{pop}_node_ids.u64", np.uint64)), f"{pop}: node_ids")
            check(np.all(np.diff(ts) >= 0), f"{pop}: sorted by time")


def check_network(d):
    net = os.path.join(d, "network")
    with h5py.File(os.path.join(net, "nodes.h5"), "r") as f:
        sizes = {}
        for pop, g in f["nodes"].items():
            n = len(g["node_type_id"])
            sizes[pop] = n
            check(len(g["node_group_id"]) == n and len(g["node_group_index"]) == n and "0" in g, f"nodes/{pop}: SONATA columns and group 0")
        check(sizes == {"exc": 800, "inh": 200}, f"node populations {sizes}")
    with open(os.path.join(net, "node_types.csv")) as t:
        check(t.readline().split() == ["node_type_id", "pop_name", "model_type", "model_template", "ei"], "node_types.csv header")
    with h5py.File(os.path.join(net, "edges.h5"), "r") as f:
        check(len(f["edges"]) == 4, "one edge population per projection (4)")
        for name, g in f["edges"].items():
            src, dst = g["source_node_id"], g["target_node_id"]
            sp, tp = text(src.attrs["node_population"]), text(dst.attrs["node_population"])
            n = len(src)
            check(n > 0 and len(dst) == n and len(g["0/syn_weight"]) == n and len(g["0/delay"]) == n, f"edges/{name}: {n} edges, columns agree")
            check(src[:].max() < sizes[sp] and dst[:].max() < sizes[tp], f"edges/{name}: node ids within {sp} and {tp}")
            check(np.all(g["0/delay"][:] > 0), f"edges/{name}: delays > 0 ms")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    check_nwb(argv[1])
    check_sonata(argv[1])
    check_network(argv[1])
    # Cross-check: the same spikes in both files (NWB seconds = SONATA ms / 1000).
    with h5py.File(os.path.join(argv[1], "run.nwb"), "r") as n, h5py.File(os.path.join(argv[1], "spikes.h5"), "r") as s:
        nwb_all = np.sort(n["units/spike_times"][:])
        son_all = np.sort(np.concatenate([s["spikes/exc/timestamps"][:], s["spikes/inh/timestamps"][:]]) / 1000)
        check(same_bits(nwb_all, son_all), "NWB and SONATA hold the same spike times")
    if failures:
        print(f"check_h5: {len(failures)} checks failed", file=sys.stderr)
        return 1
    print(f"check_h5: NWB and SONATA files in {argv[1]} pass (h5py {h5py.version.version}, HDF5 {h5py.version.hdf5_version})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
