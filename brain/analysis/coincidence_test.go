package analysis_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/neuron-sim/neuron/brain/analysis"
)

// coincPoisson draws a homogeneous Poisson train of rate hz over [0, T) ms.
func coincPoisson(rng *rand.Rand, hz, durationMS float64) []float64 {
	var s []float64
	t := 0.0
	for {
		t += rng.ExpFloat64() / hz * 1000
		if t >= durationMS {
			return s
		}
		s = append(s, t)
	}
}

func coincRegular(isiMS, startMS, durationMS float64) []float64 {
	var s []float64
	for t := startMS; t < durationMS; t += isiMS {
		s = append(s, t)
	}
	return s
}

func coincShifted(s []float64, d float64) []float64 {
	out := make([]float64, len(s))
	for i, t := range s {
		out[i] = t + d
	}
	return out
}

func TestGammaHandComputed(t *testing.T) {
	// ν below is the model rate in spikes/ms; ⟨N⟩ = 2νΔN_data, 𝒩 = 1 − 2νΔ.
	reg := coincRegular(100, 50, 10000) // 100 spikes at 10 Hz over 10 s
	cases := []struct {
		name        string
		data, model []float64
		delta, T    float64
		nCoinc      int
		gamma       float64
		tol         float64
	}{
		{
			name: "identical", data: reg, model: reg, delta: 2, T: 10000,
			nCoinc: 100, gamma: 1, tol: 1e-12,
		},
		{
			// 10↔11 coincide; 50 vs 52.5 is 2.5 ms off; 90 has no partner.
			// ν = 3/1000, ⟨N⟩ = 2·0.003·2·3 = 0.036, 𝒩 = 0.988,
			// Γ = (1 − 0.036)/(0.5·6)/0.988 = 0.964/2.964.
			name: "three spikes", data: []float64{10, 50, 90}, model: []float64{11, 52.5, 200},
			delta: 2, T: 1000, nCoinc: 1, gamma: 0.964 / 2.964, tol: 1e-12,
		},
		{
			// One data spike flanked by two model spikes: one coincidence,
			// not two. ν = 2/100, ⟨N⟩ = 2·0.02·2·1 = 0.08, 𝒩 = 0.92,
			// Γ = (1 − 0.08)/(0.5·3)/0.92 = 2/3.
			name: "one-to-one", data: []float64{50}, model: []float64{49, 51},
			delta: 2, T: 100, nCoinc: 1, gamma: 2.0 / 3, tol: 1e-12,
		},
		{
			// Every spike coincShifted by 1 ms: all coincide, Γ = 1 exactly.
			name: "shift 1 ms", data: reg, model: coincShifted(reg, 1), delta: 2, T: 10050,
			nCoinc: 100, gamma: 1, tol: 1e-12,
		},
		{
			// Shifted by 3 ms: no coincidence. ν = 100/10000 ms = 0.01/ms,
			// 2νΔ = 0.04, so Γ = −0.04·100/(0.5·200)/0.96 = −0.04/0.96.
			name: "shift 3 ms", data: reg, model: coincShifted(reg, 3), delta: 2, T: 10000,
			nCoinc: 0, gamma: -0.04 / 0.96, tol: 1e-12,
		},
		{
			name: "both empty", data: nil, model: nil, delta: 2, T: 1000,
			nCoinc: 0, gamma: 1, tol: 0,
		},
		{
			name: "model silent", data: []float64{10, 20}, model: nil, delta: 2, T: 1000,
			nCoinc: 0, gamma: 0, tol: 0,
		},
		{
			name: "data silent", data: nil, model: []float64{10, 20}, delta: 2, T: 1000,
			nCoinc: 0, gamma: 0, tol: 0,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := analysis.GammaFactor(c.data, c.model, c.delta, c.T)
			if err != nil {
				t.Fatal(err)
			}
			if got.NCoinc != c.nCoinc {
				t.Errorf("NCoinc = %d, want %d", got.NCoinc, c.nCoinc)
			}
			if math.Abs(got.Gamma-c.gamma) > c.tol {
				t.Errorf("Γ = %.15g, want %.15g", got.Gamma, c.gamma)
			}
		})
	}
}

// Independent Poisson trains score Γ ≈ 0: by construction ⟨N_coinc⟩ is the
// chance level of a Poisson model. At 10 Hz over 1000 s, N ≈ 10⁴ and
// N_coinc ≈ 400 ± 20, so the s.d. of Γ is ≈ 20/(10⁴·0.96) ≈ 0.002; the
// tolerance 0.01 is five s.d.
func TestGammaIndependentPoisson(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const T = 1e6
	for _, rates := range [][2]float64{{10, 10}, {10, 20}, {5, 10}} {
		data := coincPoisson(rng, rates[0], T)
		model := coincPoisson(rng, rates[1], T)
		g, err := analysis.Gamma(data, model, 2, T)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(g) > 0.01 {
			t.Errorf("rates %v Hz: Γ = %.4f, want ≈ 0", rates, g)
		}
	}
}

// A model that reproduces every spike with a uniform jitter in [−J, J],
// J = 4 ms, hits the ±2 ms window with probability 1/2, so
//
//	Γ = (N/2 − 2νΔN)/(N(1 − 2νΔ)) = (0.5 − 0.04)/0.96 = 0.4792
//
// at ν = 10 Hz, Δ = 2 ms (regular data, ISI 100 ms ≫ J, no ambiguity).
// With N = 10⁴ the binomial s.d. of Γ is 0.005; tolerance 0.02.
func TestGammaKnownJitter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const T = 1e6
	data := coincRegular(100, 50, T-50)
	model := make([]float64, len(data))
	for i, s := range data {
		model[i] = s + (2*rng.Float64()-1)*4
	}
	g, err := analysis.Gamma(data, model, 2, T)
	if err != nil {
		t.Fatal(err)
	}
	want := (0.5 - 0.04) / 0.96
	if math.Abs(g-want) > 0.02 {
		t.Errorf("Γ = %.4f, want %.4f ± 0.02", g, want)
	}
}

func TestGammaErrors(t *testing.T) {
	cases := []struct {
		name        string
		data, model []float64
		delta, T    float64
	}{
		{"unsorted", []float64{5, 3}, nil, 2, 100},
		{"negative time", []float64{-1}, nil, 2, 100},
		{"beyond duration", nil, []float64{101}, 2, 100},
		{"NaN", []float64{math.NaN()}, nil, 2, 100},
		{"zero delta", nil, nil, 0, 100},
		{"zero duration", nil, nil, 2, 0},
		{"rate too high", []float64{1}, coincRegular(1, 0, 100), 2, 100},
	}
	for _, c := range cases {
		_, err := analysis.GammaFactor(c.data, c.model, c.delta, c.T)
		if !errors.Is(err, analysis.ErrCoincidence) {
			t.Errorf("%s: err = %v, want ErrCoincidence", c.name, err)
		}
	}
}

func TestCountCoincidencesGreedyIsMaximal(t *testing.T) {
	// data 0 and 3 with model 1.5 and 4.5 at Δ = 2: greedy pairs 0↔1.5 and
	// 3↔4.5 (two pairs), not 3↔1.5 leaving 0 alone.
	if n := analysis.CountCoincidences([]float64{0, 3}, []float64{1.5, 4.5}, 2); n != 2 {
		t.Errorf("N = %d, want 2", n)
	}
}

func ExampleGammaFactor() {
	data := []float64{10, 50, 90, 130}
	model := []float64{11, 49.5, 95, 130.5}
	c, _ := analysis.GammaFactor(data, model, 2, 1000)
	fmt.Printf("coincidences %d of %d, Γ = %.3f\n", c.NCoinc, c.NData, c.Gamma)
	// Output: coincidences 3 of 4, Γ = 0.746
}
