package fit_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

// stepSweeps records p on 1 s current steps of the given amplitudes (pA).
func stepSweeps(t *testing.T, p brain.Params, amps ...float64) []fit.Recording {
	t.Helper()
	var out []fit.Recording
	for _, a := range amps {
		in := reference.Step(10000, 0.1, 0, 1000, a)
		sp, _, err := fit.Simulate(p, in, 0.1, 0.1, false)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fit.Recording{DT: 0.1, Current: in, Spikes: sp})
	}
	return out
}

// fiError is Σ|ν_model − ν_cell| / Σ ν_cell over the extra sweeps' scores.
func fiError(sc []fit.Score) float64 {
	var num, den float64
	for _, s := range sc {
		num += math.Abs(s.RateModel - s.RateData)
		den += s.RateData
	}
	return num / den
}

// fitBoth fits truth's recording (4 s of OU current, three step sweeps)
// with options o, then again with the option that on sets, and logs what
// changed; it returns the recording and the options used for the second
// fit too.
func fitBoth(t *testing.T, name string, truth brain.Params, o fit.Options, on func(*fit.Options)) (fit.Recording, fit.Options, fit.Result, fit.Result) {
	t.Helper()
	rec := syntheticP(t, truth, 4000, 3)
	o.Train, o.MaxEvals, o.Extra = fit.Window{StartMS: 0, EndMS: 4000}, 120, stepSweeps(t, truth, 300, 600, 1200)
	plain, err := fit.Fit(rec, o)
	if err != nil {
		t.Fatal(err)
	}
	on(&o)
	with, err := fit.Fit(rec, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: f–I error %.1f → %.1f %%, Γ train %.3f → %.3f, WSat %.0f pA, %d → %d simulations",
		name, 100*fiError(plain.Extra), 100*fiError(with.Extra), plain.GammaTrain, with.GammaTrain, with.Params.WSat, plain.Evals, with.Evals)
	return rec, o, plain, with
}

// Options.SaturationStep: on a cell whose adaptation saturates, a fit
// that fires too slowly on the fastest sweep takes a saturation and fits
// the sweeps better; on a cell without saturation the fit is the one
// without the option, to the last digit.
func TestSaturationStep(t *testing.T) {
	if testing.Short() {
		t.Skip("fits")
	}
	sat := adex()
	sat.WSat = 200 // pA: the fixed increment would build up 40·τw·ν ≈ 500 pA at 80 Hz
	for _, c := range []struct {
		name  string
		truth brain.Params
	}{{"saturating", sat}, {"AdEx", adex()}} {
		_, _, plain, step := fitBoth(t, c.name, c.truth, fit.Options{}, func(o *fit.Options) { o.SaturationStep = true })
		fp, fs := fiError(plain.Extra), fiError(step.Extra)
		switch c.name {
		case "saturating":
			if !(step.Params.WSat > 0) || !(fs < fp) {
				t.Errorf("saturating cell: WSat %v, f–I error %.3f with the step, %.3f without", step.Params.WSat, fs, fp)
			}
		default:
			if !reflect.DeepEqual(step.Params, plain.Params) {
				t.Errorf("AdEx: the step changed the fit:\n%+v\n%+v", plain.Params, step.Params)
			}
		}
	}
}

// Options.SaturationCV: the saturation step chosen by cross-validation
// inside the training window. On a cell whose adaptation saturates (WSat
// 100 pA), the saturation fitted without the fastest sweep predicts that
// sweep's rate and the end of the window better than the end point does,
// so the fit takes it and fits the sweeps better than without the option;
// on a cell without saturation the fit is the one without it, to the last
// digit; on one with a stronger saturation (WSat 200 pA) and this short
// window, the saturation predicts the fastest sweep but not the spikes at
// the end of the window, and is left out. (The extended terms, which may
// also take a saturation, are left out.)
func TestSaturationCV(t *testing.T) {
	if testing.Short() {
		t.Skip("fits")
	}
	sat, sat2 := adex(), adex()
	sat.WSat, sat2.WSat = 100, 200
	for _, c := range []struct {
		name  string
		truth brain.Params
	}{{"saturating", sat}, {"timing", sat2}, {"AdEx", adex()}} {
		rec, o, plain, cv := fitBoth(t, c.name, c.truth, fit.Options{NoExtended: true}, func(o *fit.Options) { o.SaturationCV = true })
		fp, fc := fiError(plain.Extra), fiError(cv.Extra)
		switch c.name {
		case "saturating":
			if plain.Params.WSat != 0 || !(cv.Params.WSat > 0) || !(fc < fp) {
				t.Errorf("saturating cell: WSat %v → %v, f–I error %.3f with the option, %.3f without", plain.Params.WSat, cv.Params.WSat, fc, fp)
			}
		case "timing":
			// The saturation fitted without the fastest sweep predicts
			// that sweep's rate better (0 against 15 Hz off) but the
			// spikes at the end of the window worse (objective −0.822
			// against −0.841), so it is not taken, although
			// SaturationStep takes one here (TestSaturationStep).
			if !reflect.DeepEqual(cv.Params, plain.Params) {
				t.Errorf("WSat 200 pA: the option changed the fit:\n%+v\n%+v", plain.Params, cv.Params)
			}
			o.SaturationCV, o.SaturationStep = false, true
			step, err := fit.Fit(rec, o)
			if err != nil {
				t.Fatal(err)
			}
			if !(step.Params.WSat > 0) {
				t.Errorf("WSat 200 pA: SaturationStep took no saturation (WSat %v)", step.Params.WSat)
			}
		default:
			if !reflect.DeepEqual(cv.Params, plain.Params) {
				t.Errorf("AdEx: the option changed the fit:\n%+v\n%+v", plain.Params, cv.Params)
			}
		}
	}
}
