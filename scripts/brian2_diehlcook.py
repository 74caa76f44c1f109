#!/usr/bin/python3
"""Time the Diehl & Cook (2015) network in Brian2, for the speed ratio against `neuron mnist`.

usage: brian2_diehlcook.py N_EXC N_IMAGES MNIST_DATA_DIR

Builds the model of brain/models/diehlcook with the same parameters (the paper's STDP rule,
Euler integration at dt = 0.5 ms, the published code's 50 ms minimum interval between
excitatory spikes) in Brian2's Cython runtime, trains it on the first N_IMAGES MNIST training
images (350 ms presentation, re-presented brighter below 5 spikes, 150 ms rest, weights
normalised to 78 before each presentation; a weight that normalisation pushed above 1 gets no
update and is clipped to 1, as in the Go model, instead of (1 - w)**0.2 turning it into NaN) and prints the CPU seconds per image, leaving out
the first image (code generation and compilation). Needs python3-brian (Debian) and nothing else.
"""
import gzip
import sys
import time

import numpy as np
from brian2 import (Hz, Network, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, defaultclock,
                    mV, ms, prefs, second, seed)


def main():
    n, n_images, data_dir = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    with gzip.open(data_dir + "/train-images-idx3-ubyte.gz") as f:
        raw = f.read()
    images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 784).astype(float)

    prefs.codegen.target = "cython"
    defaultclock.dt = 0.5 * ms
    seed(1)
    np.random.seed(1)

    exc = NeuronGroup(n, """
        dv/dt = ((-65*mV - v) + ge*(0*mV - v) + gi*(-100*mV - v)) / (100*ms) : volt (unless refractory)
        dge/dt = -ge / (1*ms) : 1
        dgi/dt = -gi / (2*ms) : 1
        dtheta/dt = -theta / (1e7*ms) : volt
        dtimer/dt = 0.1 : second
        """, threshold="v > theta - 72*mV and timer > 5*ms",
        reset="v = -65*mV; theta += 0.05*mV; timer = 0*second", refractory=5 * ms, method="euler")
    inh = NeuronGroup(n, """
        dv/dt = ((-60*mV - v) + ge*(0*mV - v)) / (10*ms) : volt (unless refractory)
        dge/dt = -ge / (1*ms) : 1
        """, threshold="v > -40*mV", reset="v = -45*mV", refractory=2 * ms, method="euler")
    exc.v, exc.theta, exc.timer = -65 * mV, 20 * mV, 1 * second
    inh.v = -60 * mV
    inputs = PoissonGroup(784, 0 * Hz)
    plastic = Synapses(inputs, exc, """
        w : 1
        dx/dt = -x / (20*ms) : 1 (event-driven)
        """, on_pre="ge_post += w; x += 1",
        on_post="w = clip(w + 0.01*(x - 0.4)*clip(1 - w, 0, 1)**0.2, 0, 1)")
    plastic.connect()
    plastic.w = (np.random.rand(784 * n) + 0.01) * 0.3
    e2i = Synapses(exc, inh, on_pre="ge_post += 10.4")
    e2i.connect(j="i")
    i2e = Synapses(inh, exc, on_pre="gi_post += 17")
    i2e.connect(condition="i != j")
    spikes = SpikeMonitor(exc)
    net = Network(exc, inh, inputs, plastic, e2i, i2e, spikes)

    times = []
    for k in range(n_images):
        t0 = time.process_time()
        scale = 0.25
        while True:
            w = np.asarray(plastic.w[:]).reshape(784, n)
            plastic.w = (w * (78.0 / w.sum(axis=0))).ravel()
            before = spikes.num_spikes
            inputs.rates = images[k] * scale * Hz
            net.run(350 * ms)
            fired = spikes.num_spikes - before
            inputs.rates = 0 * Hz
            net.run(150 * ms)
            if fired >= 5 or scale > 2.6:
                break
            scale += 0.125
        times.append(time.process_time() - t0)
        print(f"image {k}: {fired} spikes, {times[-1]:.3f} s CPU", file=sys.stderr)
    per = np.mean(times[1:]) if len(times) > 1 else times[0]
    print(f"brian2 {n} cells: {per:.3f} s CPU per training image (mean over images 2..{n_images}), "
          f"first image {times[0]:.1f} s (compilation)")


if __name__ == "__main__":
    main()
