package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
)

func init() {
	register(command{
		name:    "predict",
		summary: "simulate fitted parameters on a current; spike times (ms) as CSV on stdout",
		run:     runPredict,
	})
}

const predictSynopsis = `--params params.json --current I.f32 --dt 0.1 > spikes.csv

params.json is the output of "neuron fit" (its "params" object is used) or a
bare brain.Params object. The model starts from rest at t = 0 and is driven
by the whole current.`

func runPredict(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predict", predictSynopsis, stderr)
	paramsPath := fs.String("params", "", "fitted parameters (JSON)")
	currentPath := fs.String("current", "", "injected current file (pA)")
	dt := fs.Float64("dt", 0, "sampling interval of the current (ms)")
	simDT := fs.Float64("simdt", fit.DefaultSimDT, "integration step of the model (ms)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *paramsPath == "" || *currentPath == "" || *dt <= 0 {
		fs.Usage()
		return errors.New("--params, --current and --dt are required")
	}
	p, err := readParams(*paramsPath)
	if err != nil {
		return err
	}
	current, err := fit.ReadTrace(*currentPath)
	if err != nil {
		return err
	}
	spikes, _, err := fit.Simulate(p, current, *dt, *simDT, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "neuron predict: %d spikes in %.1f ms\n", len(spikes), float64(len(current))**dt)
	return fit.WriteSpikes(stdout, spikes)
}

// readParams reads brain.Params from the output of "neuron fit" (its
// "params" object) or from a bare brain.Params object, strictly (see
// brain.ParseParamsJSON: unknown and missing fields are errors).
func readParams(path string) (brain.Params, error) {
	f, err := os.Open(path)
	if err != nil {
		return brain.Params{}, err
	}
	defer f.Close()
	const limit = 64 << 20
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return brain.Params{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > limit {
		return brain.Params{}, fmt.Errorf("%s: more than %d bytes: not a parameter file", path, limit)
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(b, &wrapped); err != nil {
		return brain.Params{}, fmt.Errorf("%s: %w", path, err)
	}
	if inner, ok := wrapped["params"]; ok {
		b = inner
	}
	p, err := brain.ParseParamsJSON(b)
	if err != nil {
		return brain.Params{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}
