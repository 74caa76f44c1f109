package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/neuron-sim/neuron/brain/models/microcircuit"
)

const benchMicrocircuitSynopsis = `microcircuit [--scale 1] [--kscale 1] [--duration 1000] [--transient 200] [--cores 2] [--dc] [--json FILE]

Builds and runs the cortical microcircuit of Potjans & Diesmann 2014
(package brain/models/microcircuit; 77 169 cells and about 3·10⁸ synapses
at full scale, Poisson background) and prints, per core count: the rate of
each population against the reference range, the build time, the run's
wall and CPU time, core-seconds per simulated second beside NEST's
published figure, synapses, connectivity bytes and the peak resident
memory. Each core count runs in a child process of this binary, so the
peak memory is that run's alone. Rates are measured after --transient ms.
The full-scale model needs about 4 GB; it takes minutes.`

func runBenchMicrocircuit(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench microcircuit", benchMicrocircuitSynopsis, stderr)
	scale := fs.Float64("scale", 1, "fraction of the full population sizes (NScale)")
	kscale := fs.Float64("kscale", 1, "fraction of the full in-degrees (KScale)")
	dur := fs.Float64("duration", 1000, "simulated time over which rates are measured (ms), after the transient")
	trans := fs.Float64("transient", 200, "simulated time before the measurement (ms)")
	cores := fs.String("cores", strconv.Itoa(runtime.NumCPU()), "comma-separated GOMAXPROCS values to measure")
	seed := fs.Uint64("seed", 1, "network seed")
	dc := fs.Bool("dc", false, "DC background instead of Poisson")
	jsonOut := fs.String("json", "", "also write the measurements to this JSON file")
	child := fs.Bool("child", false, "internal: run one measurement in this process and print it as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p := microcircuit.Scaled(*scale, *kscale)
	if *dc {
		p.Background = microcircuit.DC
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if !(*dur > 0) || !(*trans >= 0) {
		return fmt.Errorf("--duration = %v must be > 0 and --transient = %v ≥ 0", *dur, *trans)
	}
	cs, err := parseInts(*cores)
	if err != nil {
		return fmt.Errorf("--cores: %w", err)
	}
	if *child {
		r, err := measureMicrocircuit(p, *seed, cs[0], *trans, *dur)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(r)
	}
	rep := &microcircuit.Report{
		Model:     "Potjans & Diesmann 2014 cortical microcircuit (brain/models/microcircuit)",
		Command:   "neuron bench " + strings.Join(append([]string{"microcircuit"}, args...), " "),
		Date:      time.Now().UTC().Format(time.RFC3339),
		GoVersion: runtime.Version(),
		NumCPU:    runtime.NumCPU(),
		Nice:      niceness(),
		NEST: map[string]any{
			"source":                 "Kurth et al. 2022, Neuromorph Comput Eng 2:021001, as tabulated in INM-6/microcircuit-PD14-model docs/benchmarking (Senk et al., arXiv:2505.21185)",
			"setup":                  "NEST 2.14, full-scale model, DC background, nodes of 2 AMD EPYC Rome 7702 (128 cores); real-time factor 0.67 on 1 node, 0.53 on 2",
			"core_s_per_sim_s_1node": microcircuit.NESTCoreSecondsPerSimS,
			"core_s_per_sim_s_2node": microcircuit.NESTCores2Nodes * microcircuit.NESTRealTimeFactor2,
		},
	}
	for _, c := range cs {
		fmt.Fprintf(stderr, "microcircuit: scale %g/%g, %d core(s), %g+%g ms ...\n", *scale, *kscale, c, *trans, *dur)
		r, err := runMicrocircuitChild(args, c)
		if err != nil {
			return err
		}
		rep.Runs = append(rep.Runs, r)
	}
	printMicrocircuit(stdout, rep)
	if *jsonOut != "" {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func niceness() int {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		f := strings.Fields(s[i+1:])
		if len(f) > 16 {
			v, _ := strconv.Atoi(f[16]) // field 19 of stat: nice
			return v
		}
	}
	return 0
}

func runMicrocircuitChild(args []string, cores int) (*microcircuit.Measurement, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	var own []string
	for i := 0; i < len(args); i++ { // drop --cores and --json: the child gets its own
		a := args[i]
		if strings.HasPrefix(a, "--cores") || strings.HasPrefix(a, "-cores") || strings.HasPrefix(a, "--json") || strings.HasPrefix(a, "-json") {
			if !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		own = append(own, a)
	}
	cmd := exec.Command(exe, append([]string{"bench", "microcircuit", "--child", "--cores", strconv.Itoa(cores)}, own...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("microcircuit child: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	var r microcircuit.Measurement
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("microcircuit child: %v", err)
	}
	return &r, nil
}

// measureMicrocircuit builds and runs the circuit in this process.
func measureMicrocircuit(p microcircuit.Params, seed uint64, cores int, transMS, durMS float64) (*microcircuit.Measurement, error) {
	runtime.GOMAXPROCS(cores)
	r := &microcircuit.Measurement{NScale: p.NScale, KScale: p.KScale, Background: p.Background.String(), Seed: seed,
		Cores: cores, TransientMS: transMS, DurationMS: durMS, LoadBefore: loadAvg()}
	cpu0, t0 := cpuSeconds(), time.Now()
	c, err := microcircuit.Build(p, seed)
	if err != nil {
		return nil, err
	}
	if err := c.Net.Build(); err != nil {
		return nil, err
	}
	r.BuildS, r.BuildCPUS = time.Since(t0).Seconds(), cpuSeconds()-cpu0
	r.Workers = c.Net.Workers
	if r.Workers == 0 {
		r.Workers = cores
	}
	r.Cells, r.Synapses = c.NumCells(), c.NumSynapses()
	for _, pr := range c.Net.Projections() {
		r.AllSynapses += int64(pr.NumSynapses())
		r.ConnBytes += pr.Bytes()
	}
	runtime.GC() // the build's scratch is garbage: do not count it as the run's
	cpu1, t1 := cpuSeconds(), time.Now()
	if err := c.Net.Run(context.Background(), transMS+durMS, nil); err != nil {
		return nil, err
	}
	r.RunS, r.RunCPUS = time.Since(t1).Seconds(), cpuSeconds()-cpu1
	sim := (transMS + durMS) / 1000
	r.CoreSPerSimS, r.WallPerSimS = r.RunCPUS/sim, r.RunS/sim
	r.Events = c.Net.SynapticEvents()
	rates := c.Rates(transMS, transMS+durMS)
	for k, name := range microcircuit.Names {
		r.Populations = append(r.Populations, name)
		r.RatesHz = append(r.RatesHz, rates[k])
		r.Spikes += int64(c.Spikes[k].Len())
		rg := microcircuit.RateRange[k]
		r.RangesHz = append(r.RangesHz, [2]float64{rg.Lo, rg.Hi})
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.HeapBytes = ms.HeapAlloc
	r.PeakRSSKB = peakRSSKB()
	r.LoadAfter = loadAvg()
	runtime.KeepAlive(c)
	return r, nil
}

func printMicrocircuit(w io.Writer, rep *microcircuit.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rep.Runs {
		full := r.Full()
		fmt.Fprintf(tw, "Potjans & Diesmann 2014 microcircuit: scale %g (K %g), %s background, seed %d, %d core(s) (%d workers), load %s → %s\n",
			r.NScale, r.KScale, r.Background, r.Seed, r.Cores, r.Workers, r.LoadBefore, r.LoadAfter)
		fmt.Fprintf(tw, "population\trate (Hz)\treference (full scale)\t\n")
		for k, name := range r.Populations {
			mark := ""
			if full {
				mark = "ok"
				if rg := microcircuit.RateRange[k]; !rg.Contains(r.RatesHz[k]) {
					mark = "OUTSIDE"
				}
			}
			fmt.Fprintf(tw, "%s\t%.3f\t%v\t%s\n", name, r.RatesHz[k], microcircuit.RateRange[k], mark)
		}
		tw.Flush()
		fmt.Fprintf(w, "cells %d, recurrent synapses %d (%.3g), connectivity %.2f GB (%.2f B/synapse), peak RSS %.2f GB\n",
			r.Cells, r.Synapses, float64(r.Synapses), float64(r.ConnBytes)/1e9, float64(r.ConnBytes)/float64(max(r.AllSynapses, 1)), float64(r.PeakRSSKB)/1e6*1.024)
		fmt.Fprintf(w, "build %.1f s wall (%.1f s CPU); run %.0f ms in %.1f s wall, %.1f s CPU: %.1f core-s per simulated s (wall %.1f s per simulated s); %.3g synaptic events\n",
			r.BuildS, r.BuildCPUS, r.TransientMS+r.DurationMS, r.RunS, r.RunCPUS, r.CoreSPerSimS, r.WallPerSimS, float64(r.Events))
		if full {
			fmt.Fprintf(w, "NEST (Kurth et al. 2022, 128-core AMD EPYC nodes, DC background): %.0f core-s per simulated s on one node, %.0f on two → ours is %.2f× the one-node figure\n\n",
				microcircuit.NESTCoreSecondsPerSimS, microcircuit.NESTCores2Nodes*microcircuit.NESTRealTimeFactor2, r.CoreSPerSimS/microcircuit.NESTCoreSecondsPerSimS)
		} else {
			fmt.Fprintf(w, "(a scaled model: the reference ranges and NEST's figure are for the full scale)\n\n")
		}
	}
}
