package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/experiments"
)

func init() {
	register(command{
		name:    "rstdp",
		summary: "Izhikevich (2007) classical conditioning with dopamine-modulated STDP; writes the weight history as JSON",
		run:     runRSTDP,
	})
}

const rstdpSynopsis = `[--duration 3600] [--every 10] [--seed 1] [--reference] [--out file.json]

Runs the classical-conditioning experiment of Izhikevich (2007, Cereb Cortex
17:2443, Fig. 1) with brain/experiments.RunConditioning: 1000 Izhikevich
cells, 100 000 synapses, every excitatory synapse learning with
dopamine-modulated STDP, one synapse rewarded 1–3 s after each of its
pre-before-post pairings. It samples the rewarded synapse's weight and the
distribution of the others every --every simulated seconds and writes the
result as JSON to --out (default stdout); the project's stored run is
testdata/rstdp_conditioning.json (--duration 3600, --seed 1). With
--reference it runs instead experiments.RunDaspnet, the same experiment
written out as Izhikevich's published program computes it, without
brain (stored: testdata/rstdp_daspnet.json).`

func runRSTDP(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rstdp", rstdpSynopsis, stderr)
	dur := fs.Float64("duration", 3600, "simulated seconds")
	every := fs.Float64("every", 10, "simulated seconds between weight samples")
	seed := fs.Uint64("seed", 1, "network seed")
	out := fs.String("out", "", "output file (default stdout)")
	ref := fs.Bool("reference", false, "run the direct transcription of Izhikevich's program (experiments.RunDaspnet)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !(*dur > 0 && *dur <= 1e6) || !(*every > 0 && *every <= *dur) {
		return fmt.Errorf("rstdp: --duration in (0, 1e6] s and --every in (0, duration] (got %v, %v)", *dur, *every)
	}
	start := time.Now()
	last := start
	cfg := experiments.Conditioning{DurationS: *dur, SampleEveryS: *every, Seed: *seed}
	var res experiments.ConditioningResult
	var err error
	if *ref {
		res, err = experiments.RunDaspnet(context.Background(), cfg)
	} else {
		res, err = experiments.RunConditioning(context.Background(), cfg, func(p brain.Progress) {
			if time.Since(last) > 10*time.Second {
				last = time.Now()
				fmt.Fprintf(stderr, "rstdp: t = %.0f s (%.0f %%), %s\n", p.TimeMS/1000, 100*float64(p.Step)/float64(p.Steps), time.Since(start).Round(time.Second))
			}
		})
	}
	if err != nil {
		return err
	}
	n := len(res.Rewarded) - 1
	fmt.Fprintf(stderr, "rstdp: %v s simulated in %s: rewarded synapse %.3f, others mean %.3f, 99th pct %.3f; %d rewards; rates %.2f / %.2f Hz\n",
		*dur, time.Since(start).Round(time.Second), res.Rewarded[n], res.OthersMean[n], res.OthersP99[n], len(res.RewardTimesS), res.RateExcHz, res.RateInhHz)
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if *out == "" {
		_, err = stdout.Write(b)
		return err
	}
	return os.WriteFile(*out, b, 0o644)
}
