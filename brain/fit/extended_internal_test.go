package fit

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// extendedSearch keeps the extended terms only if they predict the part
// of the training data they were not fitted to better: with an objective
// in which the extended terms help on the first 75 % of the window, the
// result is extended when they also help on the rest, and is the end
// point unchanged when they hurt there (an overfitting term).
func TestExtendedSearchCrossValidates(t *testing.T) {
	best := initialDefault() // B > 0, τw 100 ms: every extended start applies
	var spikes []float64
	for s := 50.0; s < 10000; s += 100 {
		spikes = append(spikes, s)
	}
	fitW := Window{0, 10000}
	for _, helps := range []bool{true, false} {
		evals := 0
		var valCalls, cvCalls int
		objective := func(p brain.Params, w Window, ex []extraSweep) float64 {
			evals++
			// a bowl around best's VT and B
			f := math.Pow((p.VT-best.VT)/2, 2) + math.Pow((p.B-best.B)/best.B, 2)
			gain := 0.0
			if p.Extended() {
				gain = -0.3
			}
			switch {
			case w.StartMS == 0 && w.EndMS == 0.75*fitW.EndMS && len(ex) == 1:
				cvCalls++
				f += gain
			case w.StartMS == 0.75*fitW.EndMS && w.EndMS == fitW.EndMS && len(ex) == 1:
				valCalls++
				if !helps {
					gain = -gain
				}
				f += gain
			case w == fitW && len(ex) == 2:
				f += gain
			default:
				t.Fatalf("objective on window %v with %d sweeps", w, len(ex))
			}
			return f
		}
		cv := extendedCV{
			o: Options{MaxEvals: 200}, fitW: fitW, spikes: spikes, extras: make([]extraSweep, 2),
			free: []string{"VT", "B", "TauW"}, thetaOn: true, evals: &evals,
			score:     func(p brain.Params) float64 { return objective(p, fitW, make([]extraSweep, 2)) },
			objective: objective, keep: func(brain.Params) {},
		}
		got, f := extendedSearch(best, 0, cv)
		t.Logf("extended terms help on the held-out part: %v → Extended %v (Δθ2 %.2f, WSat %.0f), objective %.3f, %d simulations (%d on the held-out part)",
			helps, got.Extended(), got.DeltaTheta2, got.WSat, f, evals, valCalls)
		if got.Extended() != helps || valCalls != 2 || cvCalls == 0 {
			t.Errorf("helps %v: Extended %v, %d evaluations on the held-out part (want 2), %d on the fitted part", helps, got.Extended(), valCalls, cvCalls)
		}
		if !helps && (got != best || f != 0) {
			t.Errorf("rejected terms changed the end point: %+v, objective %v", got, f)
		}
		if evals > 200/4+200/4+200/8+12*SettleEvals+10 {
			t.Errorf("%d simulations, beyond the documented budget", evals)
		}
	}
}

// crossValidate holds back the sweep cvChoice.held names (not the last):
// the candidates are fitted on the others and compared on it alone.
func TestCrossValidateHoldsBackTheNamedSweep(t *testing.T) {
	best := initialDefault()
	var spikes []float64
	for s := 50.0; s < 10000; s += 100 {
		spikes = append(spikes, s)
	}
	fitW := Window{0, 10000}
	extras := []extraSweep{{w: Window{0, 1}}, {w: Window{0, 2}}, {w: Window{0, 3}}} // told apart by their windows
	for _, held := range []int{0, 1, 2} {
		evals := 0
		var fitted, compared [][]extraSweep
		objective := func(p brain.Params, w Window, ex []extraSweep) float64 {
			evals++
			if w.EndMS == 0.75*fitW.EndMS {
				fitted = append(fitted, ex)
			}
			return math.Pow((p.VT-best.VT)/2, 2)
		}
		cv := extendedCV{
			o: Options{MaxEvals: 40}, fitW: fitW, spikes: spikes, extras: extras,
			free: []string{"VT"}, evals: &evals,
			score:     func(p brain.Params) float64 { return objective(p, fitW, extras) },
			objective: objective, keep: func(brain.Params) {},
		}
		start := best
		start.VT += 1
		_, _, ok := crossValidate(best, 0, cv, cvChoice{
			rng:    rand.New(rand.NewPCG(1, 2)),
			held:   held,
			starts: func(float64) []brain.Params { return []brain.Params{start} },
			settle: func(brain.Params) []string { return []string{"VT"} },
			polish: func(brain.Params) []string { return []string{"VT"} },
			base:   []string{"VT"},
			better: func(c, b brain.Params, valW Window, exVal []extraSweep) bool {
				compared = append(compared, exVal)
				return true
			},
			refit:       func(f []string) []string { return f },
			settleEvals: SettleEvals,
		})
		if !ok || len(compared) != 1 || len(compared[0]) != 1 || compared[0][0].w != extras[held].w {
			t.Fatalf("held %d: chosen %v, compared on %v", held, ok, compared)
		}
		for _, ex := range fitted {
			if len(ex) != 2 || slices.ContainsFunc(ex, func(e extraSweep) bool { return e.w == extras[held].w }) {
				t.Fatalf("held %d: fitted on sweeps %v", held, ex)
			}
		}
	}
}
