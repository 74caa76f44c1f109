package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/neuron-sim/neuron/brain/analysis"
)

func init() {
	register(command{
		name:    "phase-lines",
		summary: "Hopf lines of Brunel's phase diagram from the Fokker–Planck mean-field theory (JSON)",
		run:     runPhaseLines,
	})
}

const phaseLinesSynopsis = `[--ce 1000] [--j 0.1] [--delay 1.5] --out lines.json

Computes the lines on which the asynchronous state of Brunel's (2000) model A
(CE excitatory and CE/4 inhibitory inputs of J and −g·J mV, delay D, his cell)
loses its stability — towards synchronous regular firing (SR), fast and slow
synchronous irregular oscillations (SI fast, SI slow) — by linear stability of
the Fokker–Planck equation (brain/analysis: AsyncStability, BrunelHopfLine),
and writes them as JSON: per line, points (g, η, stationary rate, frequency).`

func runPhaseLines(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("phase-lines", phaseLinesSynopsis, stderr)
	ce := fs.Int("ce", 1000, "excitatory inputs per cell CE")
	j := fs.Float64("j", 0.1, "EPSP amplitude J (mV)")
	delay := fs.Float64("delay", 1.5, "transmission delay D (ms)")
	out := fs.String("out", "", "output file (JSON)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("--out is required")
	}
	pl, err := analysis.BrunelPhaseLines(*ce, *j, *delay)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(pl, "", " ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	for _, l := range pl.Lines {
		a, z := l.Points[0], l.Points[len(l.Points)-1]
		fmt.Fprintf(stderr, "neuron phase-lines: %s: %d points from (g %.2f, η %.2f, %.0f Hz) to (g %.2f, η %.2f, %.0f Hz)\n",
			l.Name, len(l.Points), a.G, a.Eta, a.FreqHz, z.G, z.Eta, z.FreqHz)
	}
	for _, m := range pl.Missing {
		fmt.Fprintf(stderr, "neuron phase-lines: not found: %s\n", m)
	}
	return nil
}
