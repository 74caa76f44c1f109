package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

func init() {
	register(command{
		name:    "accuracy",
		summary: "spike-time prediction benchmark: fit GeneralizedNeurons to the Pospischil reference cells",
		run:     runAccuracy,
	})
}

const accuracySynopsis = `[--cells RS,FS,IB] [--evals 600] [--seed 1] [--out dir]

For each reference cell: measure its rheobase (1 s steps), drive it for 20 s
with frozen Ornstein–Uhlenbeck current (τ = 5 ms, s.d. = rheobase, mean set
so that it fires at 10 Hz), fit a GeneralizedNeuron on the first 10 s, score
Γ (±2 ms) and the rate on the last 10 s, and compare f–I curves (1 s steps at
1.25, 1.5, 2, 2.5 and 3 × rheobase). With --out, each cell's current (I.f32),
voltage (v.f32) and spikes (spikes.csv) are written to dir/<cell>/ for use
with "neuron fit".`

func referenceCell(name string) (*reference.Cell, error) {
	switch strings.ToUpper(name) {
	case "RS":
		return reference.NewRS(), nil
	case "FS":
		return reference.NewFS(), nil
	case "IB":
		return reference.NewIB(), nil
	case "LTS":
		return reference.NewLTS(), nil
	case "RSINVITRO":
		return reference.NewRSInVitro(), nil
	}
	return nil, fmt.Errorf("unknown reference cell %q (RS, FS, IB, LTS, RSInVitro)", name)
}

func runAccuracy(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("accuracy", accuracySynopsis, stderr)
	cells := fs.String("cells", "RS,FS,IB", "comma-separated reference cells (RS, FS, IB, LTS, RSInVitro)")
	evals := fs.Int("evals", 600, "maximum model simulations per fit")
	seed := fs.Uint64("seed", 1, "seed of the frozen noise and of the search")
	sdFactor := fs.Float64("sd-factor", 1, "s.d. of the current in units of the rheobase")
	duration := fs.Float64("duration", 20000, "recording length (ms); the fit uses the first half")
	out := fs.String("out", "", "directory to write each cell's recording to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "cell\trheobase pA\tμ pA\tσ pA\tref Hz\tΓ train\tΓ test\trate err test\tf–I err\tref s\tfit s\tevals\t")
	for _, name := range strings.Split(*cells, ",") {
		cell, err := referenceCell(strings.TrimSpace(name))
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "neuron accuracy: %s …\n", cell.Params().Name)
		r, err := fit.Benchmark(cell, fit.BenchmarkOptions{
			DurationMS: *duration, SDFactor: *sdFactor, Seed: *seed,
			Fit: fit.Options{Seed: *seed, MaxEvals: *evals},
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.4f\t%.0f\t%.2f\t%.3f\t%.3f\t%.1f %%\t%.1f %%\t%.1f\t%.1f\t%d\t\n",
			r.Cell, r.RheobasePA, r.MeanPA, r.SDPA, r.RateHz, r.Fit.GammaTrain, r.Fit.GammaTest,
			100*r.Fit.Test.RateError(), 100*r.FIError, r.ReferenceTime.Seconds(), r.FitTime.Seconds(), r.Fit.Evals)
		fmt.Fprintf(stderr, "  f–I at %.0f pA: reference %v Hz, model %v Hz\n", r.FIAmpsPA, r.FIRef, r.FIModel)
		fmt.Fprintf(stderr, "  params %+v\n", r.Fit.Params)
		if *out != "" {
			if err := writeRecording(filepath.Join(*out, r.Cell), r.Recording); err != nil {
				return err
			}
		}
	}
	return tw.Flush()
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
