package fit

import (
	"math"
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
