package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

var (
	truthCheck = flag.Bool("truth", false, "run TestTruthRecovery: neuron fit on a known AdEx cell, OU seeds 1–5 at 60 and 600 simulations (about 20 fits; minutes)")
	truthArgs  = flag.String("truth.args", "", "extra neuron fit flags for TestTruthRecovery, space-separated (for example \"--saturation --fi-weight 1\")")
)

// truthRoundThree is the held-out Γ (3–6 s) of round three's search (the
// fitter of docs/accuracy.md, round three) on the recording of
// TestFitPredictCommands with OU seeds 1–5, at 60 and at 600 simulations,
// measured by this test at commit ddcc49a (AMD EPYC Zen 5 class); fits are
// deterministic for a seed.
var truthRoundThree = map[int][5]float64{
	60:  {1.000, 1.000, 0.841, 0.903, 0.973},
	600: {1.000, 1.000, 0.972, 1.000, 0.973},
}

// TestTruthRecovery is the known-model check of docs/accuracy.md (round
// six): a fitter change must not fit the cell of TestFitPredictCommands (an
// AdEx without saturation: 6 s of OU noise, one step sweep) worse than round
// three's search did, by more than 0.01 of held-out Γ on any seed. Off by
// default (it takes minutes); run it with
//
//	go test ./cmd/neuron -run TestTruthRecovery -truth -v
func TestTruthRecovery(t *testing.T) {
	if !*truthCheck {
		t.Skip("the known-model check runs with -truth")
	}
	dir := t.TempDir()
	truth := knownAdEx()
	write := func(name string, f func(*os.File) error) string { return writeTestFile(t, dir, name, f) }
	stepI, stepS, _ := writeStepSweep(t, dir, truth)
	extra := strings.Fields(*truthArgs)
	var report strings.Builder
	for _, evals := range []int{600, 60} {
		fmt.Fprintf(&report, "%d simulations:", evals)
		for seed := 1; seed <= 5; seed++ {
			I, err := reference.OU(nil, 60000, 0.1, 250, 200, 5, rand.New(rand.NewPCG(uint64(seed), 0)))
			if err != nil {
				t.Fatal(err)
			}
			sp, v, err := fit.Simulate(truth, I, 0.1, 0.1, true)
			if err != nil {
				t.Fatal(err)
			}
			tag := fmt.Sprint(seed)
			ip := write("I"+tag+".f32", func(w *os.File) error { return fit.WriteFloat32(w, I) })
			vp := write("v"+tag+".csv", func(w *os.File) error { return fit.WriteColumn(w, "V_mV", v) })
			sPath := write("ref"+tag+".csv", func(w *os.File) error { return fit.WriteSpikes(w, sp) })
			args := append([]string{"fit", "--current", ip, "--dt", "0.1", "--spikes", sPath, "--voltage", vp,
				"--train", "0:30000samples", "--test", "3000:6000", "--evals", fmt.Sprint(evals), "--sweep", stepI + ":" + stepS}, extra...)
			var out, errb bytes.Buffer
			if code := run(args, &out, &errb); code != 0 {
				t.Fatalf("seed %d, %d simulations: code %d: %s", seed, evals, code, errb.String())
			}
			var res fitOutput
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&report, " %.3f", res.GammaTest)
			if want := truthRoundThree[evals][seed-1]; res.GammaTest < want-0.01 {
				t.Errorf("seed %d, %d simulations: Γ test %.3f, round three %.3f", seed, evals, res.GammaTest, want)
			}
		}
		report.WriteString("\n")
	}
	t.Logf("held-out Γ, OU seeds 1–5 (flags %q):\n%s", *truthArgs, report.String())
}
