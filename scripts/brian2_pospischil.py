#!/usr/bin/env python3
"""Pospischil et al. (2008) RS, FS and IB cells in Brian2, for the held-out
part of the fitter's validation suite (`neuron validate`).

An implementation independent of brain/reference: the equations are written
here again from the paper (Biol Cybern 99:427, Sect. 2), integrated by
Brian2's exponential Euler at 0.02 ms (DT_MS), spikes taken at the first time step
with V > 0 mV (no interpolation), the resting state found by this script.

Input: for every protocol, <brian2 dir>/<id>.json (written by
`neuron validate --export-brian2 <tmp>`) and <tmp>/<id>.I.f32 (its current,
little-endian float32, pA). Output into the brian2 dir: <id>.out.json (spike
times of the noise sweep, of the training steps and of the f–I steps, ms) and,
if the protocol records voltage, <id>.v.i16.gz (V in units of 0.01 mV,
little-endian int16, one sample per current sample).

    neuron validate --export-brian2 /tmp/b2in --brian2 testdata/brian2
    /usr/bin/python3 scripts/brian2_pospischil.py testdata/brian2 /tmp/b2in

Needs Debian's python3-brian (Brian2 2.5.1); CI only reads the stored output.
"""
import gzip
import json
import math
import os
import sys

import numpy as np
import brian2 as b2

# Integration step (ms): exponential Euler is first order; at 0.02 ms the
# spike times of these cells move by well under 0.1 ms against 0.01 ms,
# far below the ±2 ms precision of the scores.
DT_MS = 0.02

EQS = """
dv/dt = (I_inj/area - gleak*(v - Eleak) - gNa*m**3*h*(v - ENa)
         - gKd*n**4*(v - EK) - gM*p*(v - EK) - gL*q**2*r*(v - ECa)) / Cm : volt
dm/dt = am*(1 - m) - bm*m : 1
dh/dt = ah*(1 - h) - bh*h : 1
dn/dt = an*(1 - n) - bn*n : 1
dp/dt = (pinf - p)/taup : 1
dq/dt = aq*(1 - q) - bq*q : 1
dr/dt = ar*(1 - r) - br*r : 1
u = v - VT : volt
am = 1.28/exprel(-(u - 13*mV)/(4*mV))/ms : Hz
bm = 1.4/exprel((u - 40*mV)/(5*mV))/ms : Hz
ah = 0.128*exp(-(u - 17*mV)/(18*mV))/ms : Hz
bh = 4/(1 + exp(-(u - 40*mV)/(5*mV)))/ms : Hz
an = 0.16/exprel(-(u - 15*mV)/(5*mV))/ms : Hz
bn = 0.5*exp(-(u - 10*mV)/(40*mV))/ms : Hz
pinf = 1/(1 + exp(-(v + 35*mV)/(10*mV))) : 1
taup = taumax/(3.3*exp((v + 35*mV)/(20*mV)) + exp(-(v + 35*mV)/(20*mV))) : second
aq = 0.209/exprel((-27*mV - v)/(3.8*mV))/ms : Hz
bq = 0.94*exp((-75*mV - v)/(17*mV))/ms : Hz
ar = 0.000457*exp((-13*mV - v)/(50*mV))/ms : Hz
br = 0.0065/(exp((-15*mV - v)/(28*mV)) + 1)/ms : Hz
I_inj = stim(t, i) : amp
area : metre**2
Cm : farad/metre**2
gleak : siemens/metre**2
Eleak : volt
gNa : siemens/metre**2
gKd : siemens/metre**2
gM : siemens/metre**2
gL : siemens/metre**2
VT : volt
taumax : second
ENa : volt
EK : volt
ECa : volt
"""


def exprel(x):
    return np.where(np.abs(x) < 1e-9, 1.0, np.expm1(x) / np.where(x == 0, 1, x))


def gates(P, v):
    """Steady-state gates at v (mV), numpy, for the resting state."""
    u = v - P["VT"]
    am, bm = 1.28 / exprel(-(u - 13) / 4), 1.4 / exprel((u - 40) / 5)
    ah, bh = 0.128 * np.exp(-(u - 17) / 18), 4 / (1 + np.exp(-(u - 40) / 5))
    an, bn = 0.16 / exprel(-(u - 15) / 5), 0.5 * np.exp(-(u - 10) / 40)
    aq, bq = 0.209 / exprel((-27 - v) / 3.8), 0.94 * np.exp((-75 - v) / 17)
    ar, br = 0.000457 * np.exp((-13 - v) / 50), 0.0065 / (np.exp((-15 - v) / 28) + 1)
    return dict(m=am / (am + bm), h=ah / (ah + bh), n=an / (an + bn),
                p=1 / (1 + np.exp(-(v + 35) / 10)), q=aq / (aq + bq), r=ar / (ar + br))


def rest(P):
    """Most hyperpolarised stable zero of the steady-state current (mV)."""
    def cur(v):
        g = gates(P, v)
        return (P["GLeak"] * (v - P["ELeak"]) + P["GNa"] * g["m"] ** 3 * g["h"] * (v - P["ENa"])
                + P["GKd"] * g["n"] ** 4 * (v - P["EK"]) + P["GM"] * g["p"] * (v - P["EK"])
                + P["GL"] * g["q"] ** 2 * g["r"] * (v - P["ECa"]))
    vs = np.arange(-120, -20, 0.05)
    c = cur(vs)
    k = np.nonzero((c[:-1] < 0) & (c[1:] >= 0))[0][0]
    a, b = vs[k], vs[k + 1]
    for _ in range(60):
        mid = 0.5 * (a + b)
        a, b = (mid, b) if cur(mid) < 0 else (a, mid)
    return 0.5 * (a + b)


def simulate(cells, currents, dt_ms, record_v):
    """Runs one neuron per (params, current) pair; currents in pA, equal
    lengths. Returns spike times (ms) per neuron and V (mV) if record_v."""
    b2.start_scope()
    b2.defaultclock.dt = DT_MS * b2.ms
    T = currents.shape[1]
    stim = b2.TimedArray(currents.T * b2.pA, dt=dt_ms * b2.ms)
    G = b2.NeuronGroup(len(cells), EQS, method="exponential_euler",
                       threshold="v > 0*mV", refractory="v > 0*mV",
                       namespace={"stim": stim})
    for j, P in enumerate(cells):
        v0 = rest(P)
        g = gates(P, v0)
        G.v[j] = v0 * b2.mV
        for k in "mhnpqr":
            getattr(G, k)[j] = g[k]
        G.area[j] = P["area"] * b2.cm ** 2
        G.Cm[j] = P["Cm"] * b2.uF / b2.cm ** 2
        G.Eleak[j], G.VT[j] = P["ELeak"] * b2.mV, P["VT"] * b2.mV
        G.ENa[j], G.EK[j], G.ECa[j] = P["ENa"] * b2.mV, P["EK"] * b2.mV, P["ECa"] * b2.mV
        for name, key in [("gleak", "GLeak"), ("gNa", "GNa"), ("gKd", "GKd"), ("gM", "GM"), ("gL", "GL")]:
            getattr(G, name)[j] = P[key] * b2.msiemens / b2.cm ** 2
        G.taumax[j] = max(P["TauMax"], 1) * b2.ms
    S = b2.SpikeMonitor(G)
    mons = [S, G]
    if record_v:
        M = b2.StateMonitor(G, "v", record=True, dt=dt_ms * b2.ms)
        mons.append(M)
    net = b2.Network(*mons)
    net.run(T * dt_ms * b2.ms)
    trains = S.spike_trains()
    spikes = [list(np.asarray(trains[j] / b2.ms, dtype=float)) for j in range(len(cells))]
    v = np.asarray(M.v / b2.mV)[:, :T] if record_v else None
    return spikes, v


def params(meta):
    P = dict(meta["params"])
    P["area"] = meta["area_cm2"]
    return P


def main(bdir, tmp):
    metas = sorted(f[:-5] for f in os.listdir(bdir) if f.endswith(".json") and not f.endswith(".out.json"))
    metas = [json.load(open(os.path.join(bdir, i + ".json"))) for i in metas]
    b2.prefs.codegen.target = "cython"
    out = {m["protocol"]["id"]: {"spikes": [], "steps": [], "fi": [], "v_scale_mv": 0.01,
                                 "brian2_version": b2.__version__} for m in metas}
    # Noise sweeps, grouped by sampling interval and length.
    groups = {}
    for m in metas:
        groups.setdefault((m["dt_ms"], m["n"]), []).append(m)
    for (dt, n), ms in groups.items():
        cur = np.stack([np.fromfile(os.path.join(tmp, m["protocol"]["id"] + ".I.f32"), dtype="<f4").astype(float) for m in ms])
        assert cur.shape[1] == n
        rec = any(m["protocol"]["voltage_khz"] > 0 for m in ms)
        print(f"brian2: {len(ms)} noise sweeps, {n} samples of {dt} ms", flush=True)
        spikes, v = simulate([params(m) for m in ms], cur, dt, rec)
        for j, m in enumerate(ms):
            o = out[m["protocol"]["id"]]
            o["spikes"] = spikes[j]
            if m["protocol"]["voltage_khz"] > 0:
                q = np.clip(np.round(v[j] / 0.01), -32768, 32767).astype("<i2")
                with gzip.GzipFile(os.path.join(bdir, m["protocol"]["id"] + ".v.i16.gz"), "wb", mtime=0) as f:
                    f.write(q.tobytes())
    # Step sweeps: training steps (on after step_on_ms for step_ms, sampled
    # like the protocol) and f–I steps (from rest, step_ms at fi_dt_ms).
    for kind in ("steps", "fi"):
        cells, curs, owners = [], [], []
        for m in metas:
            if kind == "steps":
                dt = m["dt_ms"]
                n = int(round((2 * m["step_on_ms"] + m["step_ms"]) / dt))
                t = (np.arange(n) + 0.5) * dt
                on = (t >= m["step_on_ms"]) & (t < m["step_on_ms"] + m["step_ms"])
                amps = m["step_amps_pa"]
            else:
                dt = m["fi_dt_ms"]
                n = int(round(m["step_ms"] / dt))
                on = np.ones(n, bool)
                amps = m["fi_amps_pa"]
            for a in amps:
                cells.append(params(m))
                curs.append(np.where(on, a, 0.0))
                owners.append(m["protocol"]["id"])
        dts = {m["dt_ms"] if kind == "steps" else m["fi_dt_ms"] for m in metas}
        assert len(dts) == 1 and len({len(c) for c in curs}) == 1, "step sweeps need one sampling interval"
        print(f"brian2: {len(cells)} {kind} sweeps", flush=True)
        spikes, _ = simulate(cells, np.stack(curs), dts.pop(), False)
        for j, o in enumerate(owners):
            out[o][kind].append(spikes[j])
    for i, o in out.items():
        with open(os.path.join(bdir, i + ".out.json"), "w") as f:
            json.dump(o, f)
        print(f"{i}: {len(o['spikes'])} spikes", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
