#!/usr/bin/python3
"""Write format/nwb/testdata/icephys.nwb: a small NWB 2 intracellular file laid out the way
pynwb writes one (the test fixture of format/nwb's current-clamp reader), with h5py only.

Two current-clamp sweeps (CurrentClampStimulusSeries in /stimulus/presentation and
CurrentClampSeries in /acquisition, paired by their sweep_number attribute): sweep 3 a
300 pA step over [100, 600) ms, sweep 4 the same window filled with 220 pA plus
Ornstein-Uhlenbeck noise (sd 120 pA, tau 5 ms, seeded), the kind of sweep a fit needs;
and one voltage-clamp sweep. The response is a leaky integrate-and-fire cell (C = 200 pF,
gL = 10 nS, EL = -70 mV, threshold -50 mV, reset -60 mV, 2 ms refractory; forward Euler
at 0.1 ms) driven by the stimulus; each spike is one sample at +20 mV. The response is
stored as int16 with conversion 1e-5 V per unit (as acquisition systems do), the
stimulus as float32 pA with conversion 1e-12. The true spike times (ms from the sweep
start, the first sample above 0 mV) are in /analysis/<sweep>_spike_times_ms.

usage: make_nwb_fixture.py OUT.nwb
"""
import sys
import uuid

import h5py
import numpy as np

RATE = 10000.0  # Hz
DT = 1000.0 / RATE  # ms


def typed(obj, ns, t):
    obj.attrs["namespace"] = ns
    obj.attrs["neurodata_type"] = t
    obj.attrs["object_id"] = str(uuid.uuid4())


def lif(current_pa):
    v, ref, out, spikes = -70.0, 0.0, np.empty(len(current_pa)), []
    for k, i in enumerate(current_pa):
        if ref > 0:
            ref -= DT
            v = -60.0
        else:
            v += DT / 200.0 * (-10.0 * (v + 70.0) + i)
            if v >= -50.0:
                out[k] = 20.0
                spikes.append(k * DT)
                v, ref = -60.0, 2.0
                continue
        out[k] = v
    return out, np.array(spikes)


def series(group, name, ntype, data, unit, conversion, sweep, start_s):
    g = group.create_group(name)
    typed(g, "core", ntype)
    g.attrs["description"] = "fixture sweep %d" % sweep
    g.attrs["sweep_number"] = np.uint32(sweep)
    d = g.create_dataset("data", data=data)
    d.attrs["unit"] = unit
    d.attrs["conversion"] = np.float32(conversion)
    d.attrs["resolution"] = np.float32(-1)
    d.attrs["offset"] = np.float32(0)
    t = g.create_dataset("starting_time", data=np.float64(start_s))
    t.attrs["rate"] = np.float32(RATE)
    t.attrs["unit"] = "seconds"
    g.create_dataset("gain", data=np.float64(1.0))
    g["electrode"] = h5py.SoftLink("/general/intracellular_ephys/electrode_0")
    return g


def main(out):
    with h5py.File(out, "w") as f:
        typed(f, "core", "NWBFile")
        f.attrs["nwb_version"] = "2.6.0"
        for k, v in [("identifier", "fixture"), ("session_description", "format/nwb reader fixture"),
                     ("session_start_time", "2026-01-01T00:00:00.000Z"),
                     ("timestamps_reference_time", "2026-01-01T00:00:00.000Z")]:
            f.create_dataset(k, data=v, dtype=h5py.string_dtype())
        f.create_dataset("file_create_date", data=["2026-01-01T00:00:00.000Z"], dtype=h5py.string_dtype())
        for g in ["acquisition", "analysis", "processing", "stimulus/presentation", "stimulus/templates",
                  "general/devices"]:
            f.require_group(g)
        e = f.require_group("general/intracellular_ephys").create_group("electrode_0")
        typed(e, "core", "IntracellularElectrode")
        e.attrs["description"] = "fixture electrode"
        n = int(0.8 * RATE)  # 800 ms
        rng = np.random.default_rng(7)
        for sweep, amp, noise, start in [(3, 300.0, 0.0, 1.0), (4, 220.0, 120.0, 2.0)]:
            i = np.zeros(n, dtype=np.float32)
            x, a = 0.0, np.exp(-DT / 5.0)
            for k in range(int(100 / DT), int(600 / DT)):
                x = a * x + noise * np.sqrt(1 - a * a) * rng.standard_normal()
                i[k] = amp + x
            v, spikes = lif(i.astype(np.float64))
            stim = "data_%05d_DA0" % sweep
            resp = "data_%05d_AD0" % sweep
            series(f["stimulus/presentation"], stim, "CurrentClampStimulusSeries", i, "amperes", 1e-12, sweep, start)
            raw = np.round(v * 1e-3 / 1e-5).astype(np.int16)
            series(f["acquisition"], resp, "CurrentClampSeries", raw, "volts", 1e-5, sweep, start)
            f["analysis"].create_dataset(resp + "_spike_times_ms", data=spikes)
        vc = series(f["acquisition"], "data_00005_AD0", "VoltageClampSeries", np.zeros(100, dtype=np.float32),
                    "amperes", 1.0, 5, 3.0)
        vc.attrs["description"] = "a voltage-clamp sweep, not readable as current clamp"


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
