package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/fit/validate"
)

func init() {
	register(command{
		name:    "accuracy",
		summary: "the accuracy issue's protocol of the validation suite: fit the published Pospischil cells, Γ beside its ceilings",
		run:     runAccuracy,
	})
}

const accuracySynopsis = `[--cells RS,FS,IB] [--regimes fluctuation,mean] [--sim go|brian2]
       [--evals 0] [--seed 1] [--brian2 testdata/brian2] [--cache dir] [--out dir]

Runs the "issue" protocols of the validation suite (brain/fit/validate,
"neuron validate"): the published Pospischil et al. (2008) cell driven for
20 s by frozen Ornstein–Uhlenbeck current (τ = 5 ms) at about 10 Hz, zero
mean (fluctuation-driven) or σ/μ = 0.8 (mean-driven), voltage and current
sampled at 10 kHz, recorded by brain/reference (--sim go) or read from the
stored Brian2 recordings (--sim brian2). The fitter's defaults fit the first
10 s and three 1 s current steps; the table gives Γ (±2 ms) and the rate
error on the last 10 s and the f–I error on five other steps, beside the
ceilings (the cell against itself with its leak conductance 2 % and 5 %
off). These protocols are part of the suite's held-out set; "neuron
validate" runs the whole family and reports distributions.

With --out, each protocol's recording is written to dir/<id>/ (I.f32,
v.f32, spikes.csv, 10 kHz) for use with "neuron fit".`

func runAccuracy(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("accuracy", accuracySynopsis, stderr)
	cells := fs.String("cells", "RS,FS,IB", "comma-separated cells (RS, FS, IB)")
	regimes := fs.String("regimes", "fluctuation,mean", "comma-separated regimes (fluctuation, mean)")
	sim := fs.String("sim", validate.SimGo, "recording simulator: go (brain/reference) or brian2 (stored files)")
	evals := fs.Int("evals", 0, "maximum model simulations per fit (0: the fitter's default)")
	seed := fs.Uint64("seed", 1, "seed of the search")
	brian := fs.String("brian2", "testdata/brian2", "directory of the stored Brian2 recordings")
	cache := fs.String("cache", "", "directory caching the generated recordings")
	out := fs.String("out", "", "directory to write each protocol's recording to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *sim != validate.SimGo && *sim != validate.SimBrian2 {
		return fmt.Errorf("--sim %q: want %q or %q", *sim, validate.SimGo, validate.SimBrian2)
	}
	var ids []string
	for _, c := range strings.Split(*cells, ",") {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "RS" && c != "FS" && c != "IB" {
			return fmt.Errorf("--cells: unknown cell %q (RS, FS, IB)", c)
		}
		for _, r := range strings.Split(*regimes, ",") {
			r = strings.TrimSpace(r)
			if r != validate.Fluctuation && r != validate.Mean {
				return fmt.Errorf("--regimes: unknown regime %q (%s, %s)", r, validate.Fluctuation, validate.Mean)
			}
			ids = append(ids, fmt.Sprintf("issue-%s-%s-%s", *sim, c, r[:4]))
		}
	}
	byID := map[string]validate.Protocol{}
	for _, p := range validate.Family(0, 0) {
		byID[p.ID] = p
	}
	o := validate.Options{Fit: fit.Options{Seed: *seed, MaxEvals: *evals}}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "protocol\tspikes\tΓ train\tΓ test\tceiling +2 %\t+5 %\trate err\tf–I err\tceiling f–I +2 %\tfit s\tsims\t")
	for _, id := range ids {
		p, ok := byID[id]
		if !ok {
			return fmt.Errorf("no protocol %s in the validation family", id)
		}
		fmt.Fprintf(stderr, "neuron accuracy: %s …\n", id)
		d, err := validate.Cached(*cache, p)
		if err == nil && p.Simulator == validate.SimBrian2 {
			d, err = validate.WithBrian2(d, *brian)
		}
		if err != nil {
			return err
		}
		r, err := validate.Run(d, o)
		if err != nil {
			return err
		}
		c2, c5 := ceiling(r, "gleak +2 %"), ceiling(r, "gleak +5 %")
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f %%\t%.1f %%\t%.1f %%\t%.1f\t%d\t\n",
			id, len(d.Recording.Spikes), r.GammaTrain, r.GammaTest, c2.GammaTest, c5.GammaTest,
			100*r.RateError, 100*r.FIError, 100*c2.FIError, r.FitSeconds, r.Evals)
		fmt.Fprintf(stderr, "  f–I at %.0f pA: cell %v Hz, model %v Hz\n", r.FIAmpsPA, r.FIRef, r.FIModel)
		fmt.Fprintf(stderr, "  params %+v\n", r.Params)
		if *out != "" {
			if err := writeRecording(filepath.Join(*out, id), d.Recording); err != nil {
				return err
			}
		}
	}
	return tw.Flush()
}

// ceiling returns the ceiling of r with the given label (zero if absent).
func ceiling(r validate.Result, label string) validate.Ceiling {
	for _, c := range r.Ceilings {
		if c.Label == label {
			return c
		}
	}
	return validate.Ceiling{}
}

func writeRecording(dir string, rec fit.Recording) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	write := func(name string, f func(io.Writer) error) error {
		w, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if err := f(w); err != nil {
			w.Close()
			return err
		}
		return w.Close()
	}
	if err := write("I.f32", func(w io.Writer) error { return fit.WriteFloat32(w, rec.Current) }); err != nil {
		return err
	}
	if err := write("v.f32", func(w io.Writer) error { return fit.WriteFloat32(w, rec.Voltage) }); err != nil {
		return err
	}
	return write("spikes.csv", func(w io.Writer) error { return fit.WriteSpikes(w, rec.Spikes) })
}
