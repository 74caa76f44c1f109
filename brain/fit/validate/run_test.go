package validate_test

import (
	"testing"

	"github.com/neuron-sim/neuron/brain/fit/validate"
)

func TestBySampling(t *testing.T) {
	res := func(split string, khz, g, c float64) validate.Result {
		return validate.Result{Protocol: validate.Protocol{Split: split, VoltageKHz: khz}, GammaTest: g,
			Ceilings: []validate.Ceiling{{Label: "gleak +2 %", GammaTest: c}, {Label: "gleak +5 %", GammaTest: 0}}}
	}
	rs := []validate.Result{
		res(validate.HeldOut, 2, 0.9, 0.95), res(validate.HeldOut, 2, 0.7, 0.9), res(validate.HeldOut, 0, 0.5, 0.8),
		res(validate.HeldOut, 2, 0.8, 0.97), res(validate.Tuning, 2, 0.1, 0.9), res(validate.Tuning, 20, 0.1, 0.9),
	}
	got := validate.BySampling(rs)
	want := []validate.SamplingSummary{
		{VoltageKHz: 0, N: 1, GammaTest: validate.Stat{Median: 0.5, Worst: 0.5}, Ceiling2: 0.8, BelowCeiling: 1},
		{VoltageKHz: 2, N: 3, GammaTest: validate.Stat{Median: 0.8, Worst: 0.7}, Ceiling2: 0.95, BelowCeiling: 2},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
