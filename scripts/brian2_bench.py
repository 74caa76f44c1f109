#!/usr/bin/python3
"""Brian2 C++ standalone versions of the standard benchmark networks.

The same models as models.CUBA, models.COBA and models.SongSTDP (package brain/models)
(docs/benchmarks.md; Brette et al. 2007, J Comput Neurosci 23:349;
Vogels & Abbott 2005, J Neurosci 25:10786; Song, Miller & Abbott 2000, Nat
Neurosci 3:919), written the way Brian2's own examples write them
(examples/CUBA.py, examples/COBA.py, examples/synapses/STDP.py), built and
run with the C++ standalone device.

`neuron bench -compare-brian2` runs this script once per model, in a fresh
project directory, and reads the last stdout line, which starts with
"BRIAN2_JSON " and carries:

    model, n, duration_s, seed, threads
    spikes, rate_exc_hz, rate_inh_hz, synapses
    sim_s          Brian2's own timing of the time-step loop
                   (Network::_last_run_time: process CPU clock with one
                   thread, omp_get_wtime with OpenMP); the median over
                   --repeat runs of the binary (sim_all_s lists them)
    binary_wall_s  wall time of the first run of the compiled binary (init,
                   run, result files)
    binary_cpu_s   user + system CPU time of the compiled binary
    peak_rss_kb    peak resident memory of the compiled binary (/usr/bin/time %M)
    codegen_s      Python: model set-up and code generation until make starts
    make_s         C++ compilation (make -j)
    script_s       wall time from the script's first line to the end
    stdp only:     w_below_10pct, w_above_90pct, w_mean_over_gmax

The caller measures the wall time of the whole process (interpreter start,
import brian2, code generation, compilation, run): the "cold total" that a
user of C++ standalone waits for whenever the model changes.

Run with the Debian interpreter, which has python3-brian (Brian2 2.5.1):

    /usr/bin/python3 scripts/brian2_bench.py --model cuba --n 4000 --duration 1
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

T_START = time.time()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", choices=["cuba", "coba", "stdp"], required=True)
    ap.add_argument("--n", type=int, default=None,
                    help="neurons (cuba, coba; default 4000) or Poisson inputs (stdp; default 1000)")
    ap.add_argument("--duration", type=float, default=None,
                    help="biological time (s); default 1 (cuba, coba) or 100 (stdp)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0,
                    help="OpenMP threads (0: single-threaded code, Brian2's default)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run the compiled binary this many times; sim_s is the median")
    ap.add_argument("--dir", default=None,
                    help="project directory (default: a fresh temporary one, removed afterwards)")
    args = ap.parse_args()
    if args.n is None:
        args.n = 1000 if args.model == "stdp" else 4000
    if args.duration is None:
        args.duration = 100.0 if args.model == "stdp" else 1.0

    import brian2 as b2
    from brian2 import (ms, mV, Hz, second, NeuronGroup, Synapses, PoissonGroup,
                        SpikeMonitor, prefs, set_device, device, run, seed,
                        defaultclock)

    keep = args.dir is not None
    directory = args.dir or tempfile.mkdtemp(prefix="brian2_bench_")
    set_device("cpp_standalone", directory=directory, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = args.threads
    # Time the binary and its peak memory from inside the project directory.
    prefs.devices.cpp_standalone.run_cmd_unix = [
        "/usr/bin/time", "-f", "%M %e %U %S", "-o", "results/time.txt", "./main"]
    prefs.logging.console_log_level = "WARNING"
    seed(args.seed)
    defaultclock.dt = 0.1 * ms

    out = {"model": args.model, "n": args.n, "duration_s": args.duration,
           "seed": args.seed, "threads": args.threads, "brian2": b2.__version__}

    if args.model in ("cuba", "coba"):
        n = args.n
        ne = n * 4 // 5
        p = min(1.0, 80.0 / n)  # 0.02 at n = 4000: in-degree 80
        taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
        Vt, Vr = -50 * mV, -60 * mV
        if args.model == "cuba":
            # Brette et al. 2007 benchmark 2; Brian2 examples/CUBA.py
            El = -49 * mV
            eqs = """
            dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
            dge/dt = -ge/taue : volt
            dgi/dt = -gi/taui : volt
            """
            P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr",
                            refractory=5 * ms, method="exact")
            P.v = "Vr + rand() * (Vt - Vr)"
            P.ge = 0 * mV
            P.gi = 0 * mV
            we = (60 * 0.27 / 10) * mV  # 1.62 mV
            wi = (-20 * 4.5 / 10) * mV  # -9 mV
        else:
            # Brette et al. 2007 benchmark 1; Brian2 examples/COBA.py
            El = -60 * mV
            Ee, Ei = 0 * mV, -80 * mV
            eqs = """
            dv/dt  = (ge*(Ee-v)+gi*(Ei-v)-(v-El))/taum : volt (unless refractory)
            dge/dt = -ge/taue : 1
            dgi/dt = -gi/taui : 1
            """
            P = NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr",
                            refractory=5 * ms, method="euler")
            P.v = "El + (randn() * 5 - 5)*mV"
            P.ge = "randn() * 1.5 + 4"
            P.gi = "randn() * 12 + 20"
            we = 6 / 10.0   # 6 nS in units of gL = 10 nS
            wi = 67 / 10.0  # 67 nS
        Ce = Synapses(P, P, on_pre="ge += we")
        Ci = Synapses(P, P, on_pre="gi += wi")
        Ce.connect("i<%d" % ne, p=p)
        Ci.connect("i>=%d" % ne, p=p)
        mon = SpikeMonitor(P)
        run(args.duration * second)
        t_codegen0 = time.time()
        device.build(directory=directory, compile=True, run=True, debug=False)
        t_build = time.time() - t_codegen0
        i = mon.i[:]
        out["spikes"] = int(len(i))
        out["rate_exc_hz"] = float((i < ne).sum()) / ne / args.duration
        out["rate_inh_hz"] = float((i >= ne).sum()) / (n - ne) / args.duration
        out["synapses"] = int(len(Ce) + len(Ci))
    else:
        # Song, Miller & Abbott 2000; Brian2 examples/synapses/STDP.py
        N = args.n
        taum, taupre, taupost = 10 * ms, 20 * ms, 20 * ms
        Ee, vt, vr, El, taue = 0 * mV, -54 * mV, -60 * mV, -74 * mV, 5 * ms
        F = 15 * Hz
        gmax = 0.01
        dApre = 0.01
        dApost = -dApre * taupre / taupost * 1.05
        dApost *= gmax
        dApre *= gmax
        eqs = """
        dv/dt = (ge * (Ee-v) + El - v) / taum : volt
        dge/dt = -ge / taue : 1
        """
        inp = PoissonGroup(N, rates=F)
        post = NeuronGroup(1, eqs, threshold="v>vt", reset="v = vr", method="euler")
        post.v = vr
        S = Synapses(inp, post,
                     """w : 1
                        dApre/dt = -Apre / taupre : 1 (event-driven)
                        dApost/dt = -Apost / taupost : 1 (event-driven)""",
                     on_pre="""ge += w
                               Apre += dApre
                               w = clip(w + Apost, 0, gmax)""",
                     on_post="""Apost += dApost
                                w = clip(w + Apre, 0, gmax)""")
        S.connect()
        S.w = "rand() * gmax"
        mon = SpikeMonitor(post)
        run(args.duration * second)
        t_codegen0 = time.time()
        device.build(directory=directory, compile=True, run=True, debug=False)
        t_build = time.time() - t_codegen0
        w = S.w[:] / gmax
        out["spikes"] = int(mon.num_spikes)
        out["rate_exc_hz"] = float(mon.num_spikes) / args.duration
        out["rate_inh_hz"] = 0.0
        out["synapses"] = int(len(S))
        out["w_below_10pct"] = float((w < 0.1).mean())
        out["w_above_90pct"] = float((w > 0.9).mean())
        out["w_mean_over_gmax"] = float(w.mean())

    sims = [float(device._last_run_time)]
    out["binary_wall_s"] = float(device.timers.get("run_binary", float("nan")))
    for _ in range(args.repeat - 1):
        device.run(directory, False, [])
        sims.append(float(device._last_run_time))
    out["sim_all_s"] = sims
    out["sim_s"] = sorted(sims)[len(sims) // 2]
    make = device.timers.get("compile", {})
    out["make_s"] = float(make.get("make", 0.0)) + float(make.get("clean", 0.0) or 0.0)
    # Python set-up and code generation: everything before the binary runs
    # except the compiler.
    out["codegen_s"] = float(t_codegen0 - T_START + t_build - out["make_s"] - out["binary_wall_s"])
    try:
        with open(os.path.join(directory, "results", "time.txt")) as f:
            last = f.read().split("\n")
            fields = [l for l in last if l.strip()][-1].split()
        out["peak_rss_kb"] = int(fields[0])
        out["binary_cpu_s"] = float(fields[2]) + float(fields[3])
    except (OSError, ValueError, IndexError):
        out["peak_rss_kb"] = 0
        out["binary_cpu_s"] = float("nan")
    out["script_s"] = time.time() - T_START
    if not keep:
        shutil.rmtree(directory, ignore_errors=True)
    sys.stdout.flush()
    print("BRIAN2_JSON " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
