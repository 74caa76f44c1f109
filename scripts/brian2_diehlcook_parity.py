#!/usr/bin/python3
"""Brian2 reference run of the Diehl & Cook (2015) network, for the parity test of
brain/models/diehlcook (TestBrian2Parity).

usage: brian2_diehlcook_parity.py INPUT.json OUTPUT.json.gz [numpy|cython]

INPUT.json is written by `go test ./brain/models/diehlcook -run TestBrian2Parity -parity.write DIR`:
the parameters, the initial weights and thresholds, and for every training image the input spike
trains of its presentations (the ones the Go model drew). This script builds the same network in
Brian2 from the equations and parameters alone (no code shared with the Go model):

  excitatory  dv/dt = ((E_rest - v) + ge (E_exc - v) + gi (E_inh - v)) / tau_e   (unless refractory;
              with FreeRefractory, as Brian 1 runs the published code, v is not held and the
              refractory period only blocks spikes)
              dge/dt = -ge/tau_ge, dgi/dt = -gi/tau_gi, dtheta/dt = -theta/tau_theta
              spike when v > theta + v_thresh - offset and at least hold since the last spike;
              reset v = v_reset, theta += theta_plus
  inhibitory  dv/dt = ((E_rest_i - v) + ge (E_exc - v)) / tau_i                    (unless refractory)
  input->exc  the paper's rule (x += 1 at input spikes; w += eta (x - x_tar)(w_max - w)^mu at
              excitatory spikes, clipped to [0, w_max]) or the published code's triplet rule
              (pre = 1, w -= eta_pre post1 at input spikes; w += eta_post pre post2, then
              post1 = post2 = 1, at excitatory spikes; clipped)
  exc->inh    one to one, ge += w_ei;  inh->exc  all but the partner, gi += w_ie

integrated by Brian's Euler method at dt = 0.5 ms in Brian's schedule (state update, threshold,
synaptic pre then post pathways, reset). As the Go model does, each presentation starts from rest
(v at rest, no conductance, traces zero), the weights of each cell are scaled to sum to NormSum
before it, theta decays by exp(-rest/tau_theta) after it, and an image is shown again (the next
input train of the file) while the layer fires fewer than MinSpikes spikes.

The output (gzipped JSON) holds every presentation's excitatory spikes (step, cell) and after
every image theta, the per-cell sums of the weights and of their squares and every
sample_stride-th weight. Needs python3-brian (Debian) and nothing else.
"""
import gzip
import json
import math
import sys

import numpy as np
from brian2 import (Network, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, Synapses,
                    __version__, defaultclock, ms, prefs, second)


def build(inp):
    p = inp["params"]
    n, n_in = p["NExc"], p["InputPerCell"]
    dt = p["Dt"]
    defaultclock.dt = dt * ms
    ns = {
        "tau_e": p["TauE"] * ms, "vrest_e": p["VRestE"], "vreset_e": p["VResetE"],
        "e_exc": p["EExc"], "e_inh_e": p["EInhE"], "v_off": p["VThreshE"] - p["ThetaShift"],
        "theta_plus": p["ThetaPlus"], "tau_theta": p["TauTheta"] * ms,
        "hold": (inp["hold_steps"] - 0.5) * dt * ms,
        "tau_i": p["TauI"] * ms, "vrest_i": p["VRestI"], "vreset_i": p["VResetI"], "vth_i": p["VThreshI"],
        "tau_ge": p["TauGe"] * ms, "tau_gi": p["TauGi"] * ms,
        "w_ei": p["WEI"], "w_ie": p["WIE"],
        "tau_pre": p["TauPre"] * ms, "tau_post1": p["TauPost1"] * ms, "tau_post2": p["TauPost2"] * ms,
        "eta_pre": p["EtaPre"], "eta_post": p["EtaPost"], "w_max": p["WMax"], "x_tar": p["XTar"],
        "mu": p["Mu"],
    }
    # Potentials are plain numbers in mV; times carry units.
    if p.get("FreeRefractory"):
        # Brian 1's handling of the published code's reset: spikes are blocked for the
        # refractory period, v is not held
        ns["refrac"] = (inp["refrac_steps"] - 0.5) * dt * ms
        exc = NeuronGroup(n, """
            dv/dt = ((vrest_e - v) + ge*(e_exc - v) + gi*(e_inh_e - v)) / tau_e : 1
            dge/dt = -ge / tau_ge : 1
            dgi/dt = -gi / tau_gi : 1
            dtheta/dt = -theta / tau_theta : 1
            tlast : second
            """, threshold="v > theta + v_off and t - tlast > hold and t - tlast > refrac",
            reset="v = vreset_e; theta += theta_plus; tlast = t",
            method="euler", namespace=ns, name="exc")
    else:
        exc = NeuronGroup(n, """
            dv/dt = ((vrest_e - v) + ge*(e_exc - v) + gi*(e_inh_e - v)) / tau_e : 1 (unless refractory)
            dge/dt = -ge / tau_ge : 1
            dgi/dt = -gi / tau_gi : 1
            dtheta/dt = -theta / tau_theta : 1
            tlast : second
            """, threshold="v > theta + v_off and t - tlast > hold",
            reset="v = vreset_e; theta += theta_plus; tlast = t",
            refractory=p["RefracE"] * ms, method="euler", namespace=ns, name="exc")
    inh = NeuronGroup(n, """
        dv/dt = ((vrest_i - v) + ge*(e_exc - v)) / tau_i : 1 (unless refractory)
        dge/dt = -ge / tau_ge : 1
        """, threshold="v > vth_i", reset="v = vreset_i", refractory=p["RefracI"] * ms,
        method="euler", namespace=ns, name="inh")
    inputs = SpikeGeneratorGroup(n_in, [], [] * second, name="inputs")
    if inp["rule"] == "paper":
        plastic = Synapses(inputs, exc, """
            w : 1
            dx/dt = -x / tau_pre : 1 (event-driven)
            """, on_pre="ge_post += w\nx += 1",
            on_post="w = clip(w + eta_post*(x - x_tar)*clip(w_max - w, 0, w_max)**mu, 0, w_max)",
            namespace=ns, name="plastic")
        traces = ["x"]
    elif inp["rule"] == "triplet":
        plastic = Synapses(inputs, exc, """
            w : 1
            dxpre/dt = -xpre / tau_pre : 1 (event-driven)
            dpost1/dt = -post1 / tau_post1 : 1 (event-driven)
            dpost2/dt = -post2 / tau_post2 : 1 (event-driven)
            """, on_pre="ge_post += w\nxpre = 1\nw = clip(w - eta_pre*post1, 0, w_max)",
            on_post="w = clip(w + eta_post*xpre*post2, 0, w_max)\npost1 = 1\npost2 = 1",
            namespace=ns, name="plastic")
        # (not "pre": Synapses.pre is the presynaptic pathway)
        traces = ["xpre", "post1", "post2"]
    else:
        raise SystemExit(f"unknown rule {inp['rule']!r}")
    ii = np.repeat(np.arange(n_in), n)
    jj = np.tile(np.arange(n), n_in)
    plastic.connect(i=ii, j=jj)
    assert np.array_equal(plastic.i[:], ii) and np.array_equal(plastic.j[:], jj)
    plastic.w = np.asarray(inp["w0"], dtype=float)
    e2i = Synapses(exc, inh, on_pre="ge_post += w_ei", namespace=ns, name="e2i")
    e2i.connect(j="i")
    i2e = Synapses(inh, exc, on_pre="gi_post += w_ie", namespace=ns, name="i2e")
    i2e.connect(condition="i != j")
    exc.theta = np.asarray(inp["theta0"], dtype=float)
    mon = SpikeMonitor(exc, name="excspikes")
    net = Network(exc, inh, inputs, plastic, e2i, i2e, mon)
    return net, exc, inh, inputs, plastic, traces, mon


def main():
    src, dst = sys.argv[1], sys.argv[2]
    prefs.codegen.target = sys.argv[3] if len(sys.argv) > 3 else "numpy"
    with open(src) as f:
        inp = json.load(f)
    p = inp["params"]
    n, n_in, dt = p["NExc"], p["InputPerCell"], p["Dt"]
    steps = int(round(p["PresentMs"] / dt))
    net, exc, inh, inputs, plastic, traces, mon = build(inp)
    rest_decay = math.exp(-p["RestMs"] / p["TauTheta"])
    out = {"brian2": __version__, "codegen": prefs.codegen.target, "rule": inp["rule"],
           "inputs_sha256": inp["inputs_sha256"], "presentations": [], "after": []}
    seen = 0
    for img in inp["images"]:
        for a, att in enumerate(img["attempts"]):
            wm = np.asarray(plastic.w[:]).reshape(n_in, n)
            s = wm.sum(axis=0)
            f = np.where(s > 0, p["NormSum"] / np.where(s > 0, s, 1), 1.0)
            plastic.w = (wm * f).ravel()
            # start from rest, as the Go model does
            exc.v, exc.ge, exc.gi = p["VRestE"], 0, 0
            exc.tlast = -1e4 * second
            if not p.get("FreeRefractory"):
                exc.lastspike, exc.not_refractory = -1e4 * second, True
            inh.v, inh.ge = p["VRestI"], 0
            inh.lastspike, inh.not_refractory = -1e4 * second, True
            for tr in traces:
                setattr(plastic, tr, 0)
            start = int(round(float(net.t / (dt * ms))))
            sp = np.asarray(att["spikes"], dtype=np.int64).reshape(-1, 2)
            inputs.set_spikes(sp[:, 1], (start + sp[:, 0]) * dt * ms)
            net.run(p["PresentMs"] * ms)
            ti = np.asarray(mon.t[seen:] / (dt * ms))
            ci = np.asarray(mon.i[seen:])
            seen = mon.num_spikes
            ev = [[int(round(t)) - start, int(c)] for t, c in zip(ti, ci)]
            assert all(0 <= e[0] < steps for e in ev)
            out["presentations"].append({"image": img["index"], "attempt": a, "spikes": ev})
            exc.theta = np.asarray(exc.theta[:]) * rest_decay
            print(f"image {img['index']} attempt {a}: {len(ev)} spikes", file=sys.stderr)
            if len(ev) >= p["MinSpikes"]:
                break
            if a + 1 == len(img["attempts"]):
                raise SystemExit(f"image {img['index']}: Brian2 needs more presentations than the input file holds")
        wm = np.asarray(plastic.w[:]).reshape(n_in, n)
        out["after"].append({
            "theta": [float(v) for v in exc.theta[:]],
            "wsum": [float(v) for v in wm.sum(axis=0)],
            "wsq": [float(v) for v in (wm * wm).sum(axis=0)],
            "wsample": [float(v) for v in wm.ravel()[::inp["sample_stride"]]],
        })
    with gzip.open(dst, "wt") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
