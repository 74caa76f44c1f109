package analysis

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrCoincidence is wrapped by every error of the coincidence functions.
var ErrCoincidence = errors.New("brain: invalid coincidence-factor input")

// Coincidence is the comparison of a model spike train with a data
// (reference) spike train at precision Δ (Kistler et al. 1997; Jolivet et
// al. 2008).
type Coincidence struct {
	NData  int     // spikes in the data train
	NModel int     // spikes in the model train
	NCoinc int     // data spikes matched one-to-one by a model spike within ±Δ
	Expect float64 // ⟨N_coinc⟩ = 2 ν_model Δ N_data, chance coincidences of a Poisson model
	Norm   float64 // 𝒩 = 1 − 2 ν_model Δ
	Gamma  float64 // the coincidence factor Γ
}

// CountCoincidences returns the largest number of one-to-one pairs (data
// spike, model spike) whose times differ by at most deltaMS. Both trains
// must be sorted ascending (ms). Each spike takes part in at most one pair,
// so a burst in one train cannot be credited twice for one spike of the
// other. Matching every data spike, in time order, to the earliest unmatched
// model spike within reach is optimal for intervals on a line.
func CountCoincidences(data, model []float64, deltaMS float64) int {
	n := 0
	j := 0
	for _, t := range data {
		for j < len(model) && model[j] < t-deltaMS {
			j++
		}
		if j < len(model) && model[j] <= t+deltaMS {
			n++
			j++
		}
	}
	return n
}

// GammaFactor compares a model spike train with data over a recording of
// durationMS at precision deltaMS (ms); the standard precision is Δ = 2 ms
// (Jolivet et al. 2008, J Neurosci Methods 169:417). Following Kistler,
// Gerstner & van Hemmen (1997, Neural Comput 9:1015) and Jolivet et al.
// (2008),
//
//	Γ = (N_coinc − ⟨N_coinc⟩) / (½ (N_data + N_model)) · 1/𝒩
//	⟨N_coinc⟩ = 2 ν Δ N_data,   𝒩 = 1 − 2 ν Δ
//
// where ν = N_model / duration is the rate of the model train: ⟨N_coinc⟩ is
// the number of coincidences a Poisson process of that rate would reach by
// chance, so a Poisson model scores Γ ≈ 0 whatever the data, and identical
// trains score Γ = 1. (Some texts write 𝒩 with the data rate; the two agree
// when the rates agree, which is where Γ is used to rank good models.)
// Spike times must be finite, sorted ascending and lie in [0, durationMS];
// 2νΔ must be below 1.
//
// If both trains are empty, Γ is defined as 1 (nothing to predict, nothing
// predicted); if exactly one is empty, Γ = 0.
func GammaFactor(data, model []float64, deltaMS, durationMS float64) (Coincidence, error) {
	if err := checkTrain("data", data, durationMS); err != nil {
		return Coincidence{}, err
	}
	if err := checkTrain("model", model, durationMS); err != nil {
		return Coincidence{}, err
	}
	if !(deltaMS > 0) || math.IsInf(deltaMS, 0) {
		return Coincidence{}, fmt.Errorf("%w: delta = %v ms", ErrCoincidence, deltaMS)
	}
	c := Coincidence{NData: len(data), NModel: len(model)}
	if c.NData == 0 && c.NModel == 0 {
		c.Norm = 1
		c.Gamma = 1
		return c, nil
	}
	nu := float64(c.NModel) / durationMS // spikes per ms
	c.Norm = 1 - 2*nu*deltaMS
	if !(c.Norm > 0) {
		return Coincidence{}, fmt.Errorf("%w: model rate %.4g Hz too high for delta = %v ms (2νΔ = %.3g ≥ 1)",
			ErrCoincidence, nu*1000, deltaMS, 1-c.Norm)
	}
	c.NCoinc = CountCoincidences(data, model, deltaMS)
	c.Expect = 2 * nu * deltaMS * float64(c.NData)
	c.Gamma = (float64(c.NCoinc) - c.Expect) / (0.5 * float64(c.NData+c.NModel)) / c.Norm
	return c, nil
}

// Gamma is GammaFactor returning only Γ.
func Gamma(data, model []float64, deltaMS, durationMS float64) (float64, error) {
	c, err := GammaFactor(data, model, deltaMS, durationMS)
	return c.Gamma, err
}

func checkTrain(name string, s []float64, durationMS float64) error {
	if !(durationMS > 0) || math.IsInf(durationMS, 0) {
		return fmt.Errorf("%w: duration = %v ms", ErrCoincidence, durationMS)
	}
	for i, t := range s {
		if math.IsNaN(t) || t < 0 || t > durationMS {
			return fmt.Errorf("%w: %s[%d] = %v ms outside [0, %v]", ErrCoincidence, name, i, t, durationMS)
		}
	}
	if !sort.Float64sAreSorted(s) {
		return fmt.Errorf("%w: %s spike times not sorted", ErrCoincidence, name)
	}
	return nil
}
