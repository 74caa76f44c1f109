package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

func TestDispatch(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(nil, &out, &errb); code != 2 || !strings.Contains(errb.String(), "predict") {
		t.Errorf("no args: code %d, usage %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"nope"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "unknown command") {
		t.Errorf("unknown: code %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"fit"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "required") {
		t.Errorf("fit without flags: code %d, %q", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"fit", "--theta", "sometimes"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "auto, on or off") {
		t.Errorf("fit --theta sometimes: code %d, %q", code, errb.String())
	}
}

// knownAdEx is the adapting AdEx cell whose recordings the fit tests
// (TestFitPredictCommands, TestTruthRecovery) fit: a fit must recover it.
func knownAdEx() brain.Params {
	truth := brain.Generic()
	truth.C, truth.GL, truth.EL, truth.VT, truth.DeltaT, truth.VPeak = 200, 10, -70, -50, 2, 0
	truth.VReset, truth.TRef, truth.A, truth.B, truth.TauW = -60, 2, 2, 40, 150
	return truth
}

// writeTestFile writes dir/name with f and returns its path.
func writeTestFile(t *testing.T, dir, name string, f func(*os.File) error) string {
	t.Helper()
	p := filepath.Join(dir, name)
	w, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// writeStepSweep writes the current and the spikes of truth's step sweep
// (100 → 600 pA, 400 ms on; the fit tests' extra training sweep) to dir;
// n is its number of spikes.
func writeStepSweep(t *testing.T, dir string, truth brain.Params) (current, spikes string, n int) {
	t.Helper()
	step := reference.Step(5000, 0.1, 100, 400, 600)
	sp, _, err := fit.Simulate(truth, step, 0.1, 0.1, false)
	if err != nil {
		t.Fatal(err)
	}
	current = writeTestFile(t, dir, "step.f32", func(w *os.File) error { return fit.WriteFloat32(w, step) })
	spikes = writeTestFile(t, dir, "step.csv", func(w *os.File) error { return fit.WriteSpikes(w, sp) })
	return current, spikes, len(sp)
}

// fit then predict through the command line on a recording of a known
// GeneralizedNeuron; the prediction of the held-out half must match.
func TestFitPredictCommands(t *testing.T) {
	dir := t.TempDir()
	truth := knownAdEx()
	I, err := reference.OU(nil, 60000, 0.1, 250, 200, 5, rand.New(rand.NewPCG(5, 0)))
	if err != nil {
		t.Fatal(err)
	}
	sp, v, err := fit.Simulate(truth, I, 0.1, 0.1, true)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, f func(*os.File) error) string { return writeTestFile(t, dir, name, f) }
	ip := write("I.f32", func(w *os.File) error { return fit.WriteFloat32(w, I) })
	vp := write("v.csv", func(w *os.File) error { return fit.WriteColumn(w, "V_mV", v) })
	sPath := write("ref.csv", func(w *os.File) error { return fit.WriteSpikes(w, sp) })

	stepI, stepS, nStep := writeStepSweep(t, dir, truth)

	var out, errb bytes.Buffer
	if code := run([]string{"fit", "--current", ip, "--dt", "0.1", "--spikes", sPath, "--train", "0:3000",
		"--sweep", stepI}, &out, &errb); code != 2 && !strings.Contains(errb.String(), "current-file:spikes-file") {
		t.Errorf("--sweep without spikes: code %d, stderr %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	code := run([]string{"fit", "--current", ip, "--dt", "0.1", "--spikes", sPath, "--voltage", vp,
		"--train", "0:30000samples", "--test", "3000:6000", "--evals", "60", "--sweep", stepI + ":" + stepS}, &out, &errb)
	if code != 0 {
		t.Fatalf("fit: code %d: %s", code, errb.String())
	}
	var res fitOutput
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Extra) != 1 || res.Extra[0].NData != nStep || nStep < 3 {
		t.Errorf("fit: extra sweep scores %+v, want one with the step's %d spikes", res.Extra, nStep)
	}
	if res.Test == nil || res.GammaTest < 0.9 {
		t.Errorf("fit: Γ test %.3f, want ≥ 0.9", res.GammaTest)
	}
	// The recording is the model's own voltage, so the fitted model follows
	// it between spikes to a fraction of a millivolt.
	if vr := res.Train.VoltageRMS; vr == nil || *vr > 0.5 {
		t.Errorf("fit: train voltage RMS %v mV, want ≤ 0.5", vr)
	} else {
		t.Logf("train voltage RMS %.3f mV", *vr)
	}
	pp := write("params.json", func(w *os.File) error { _, err := w.Write(out.Bytes()); return err })

	out.Reset()
	errb.Reset()
	if code := run([]string{"predict", "--params", pp, "--current", ip, "--dt", "0.1"}, &out, &errb); code != 0 {
		t.Fatalf("predict: code %d: %s", code, errb.String())
	}
	pred, err := fit.ReadColumn(&out)
	if err != nil {
		t.Fatal(err)
	}
	held := func(s []float64) []float64 {
		var o []float64
		for _, x := range s {
			if x >= 3000 {
				o = append(o, x-3000)
			}
		}
		return o
	}
	g, err := analysis.Gamma(held(sp), held(pred), 2, 3000)
	if err != nil {
		t.Fatal(err)
	}
	// predict runs from t = 0 (no warm-up window): the same model as the
	// fit's test score, so Γ agrees with it to within a few spikes.
	if g < 0.85 {
		t.Errorf("predicted held-out Γ = %.3f", g)
	}
}

// Spike times in seconds given to neuron fit as if they were ms crowd into
// the first thousandth of the recording; the command must refuse them with
// advice instead of fitting a burst that never happened, read them right
// when the header or --spike-unit says seconds, and trust --spike-unit ms.
func TestFitSpikeUnits(t *testing.T) {
	dir := t.TempDir()
	cur := filepath.Join(dir, "I.f32")
	f, err := os.Create(cur)
	if err != nil {
		t.Fatal(err)
	}
	if err := fit.WriteFloat32(f, make([]float64, 20000)); err != nil { // 2 s at 0.1 ms
		t.Fatal(err)
	}
	f.Close()
	spikes := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	secs := spikes("sec.csv", "0.1\n0.7\n1.3\n1.9\n")        // seconds, no header
	secsHeader := spikes("sech.csv", "t_s\n0.1\n0.7\n1.3\n") // seconds, said so
	for _, c := range []struct {
		path, unit string
		ok         bool
		spikes     int
	}{
		{secs, "auto", false, 0},
		{secs, "s", true, 4},
		{secs, "ms", true, 4},
		{secsHeader, "auto", true, 3},
		{secsHeader, "ms", false, 0},
	} {
		rec, err := loadRecording(cur, 0.1, c.path, "", c.unit)
		if c.ok != (err == nil) {
			t.Errorf("%s --spike-unit %s: err = %v, want ok %v", filepath.Base(c.path), c.unit, err, c.ok)
			continue
		}
		if err != nil {
			if !strings.Contains(err.Error(), "--spike-unit") && !strings.Contains(err.Error(), "t_s") {
				t.Errorf("%s --spike-unit %s: error %q does not say what to do", filepath.Base(c.path), c.unit, err)
			}
			continue
		}
		if len(rec.Spikes) != c.spikes {
			t.Errorf("%s --spike-unit %s: %d spikes, want %d", filepath.Base(c.path), c.unit, len(rec.Spikes), c.spikes)
		}
		if c.unit != "ms" && rec.Spikes[0] != 100 {
			t.Errorf("%s --spike-unit %s: first spike at %v ms, want 100", filepath.Base(c.path), c.unit, rec.Spikes[0])
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"fit", "--current", cur, "--dt", "0.1", "--spikes", secs, "--train", "0:1000", "--spike-unit", "min"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), `"min"`) {
		t.Errorf("--spike-unit min: code %d, %q", code, errb.String())
	}
}

// --reuse refuses results fitted with other search settings, and says
// which: the saturation step (an option since round six) was compared but
// not printed, so the refusal did not show what differed. The same for
// the cross-validated saturation (round seven).
func TestValidateReuseNamesSettings(t *testing.T) {
	for _, flag := range []string{"saturation-step", "saturation-cv"} {
		var out, errb bytes.Buffer
		code := run([]string{"validate", "--reuse", filepath.Join("..", "..", "testdata", "validation.json"), "--" + flag}, &out, &errb)
		if code != 1 || !strings.Contains(errb.String(), flag+" false") || !strings.Contains(errb.String(), flag+" true") {
			t.Errorf("validate --reuse with --%s: code %d, %q", flag, code, errb.String())
		}
	}
	// The sweeps' Γ window (round eight) is a number.
	var out, errb bytes.Buffer
	code := run([]string{"validate", "--reuse", filepath.Join("..", "..", "testdata", "validation.json"), "--sweep-gamma-ms", "300"}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "sweep-gamma-ms 0") || !strings.Contains(errb.String(), "sweep-gamma-ms 300") {
		t.Errorf("validate --reuse with --sweep-gamma-ms 300: code %d, %q", code, errb.String())
	}
}
