package fit

import (
	"math"
	"sort"
)

// Subthreshold voltage comparison (the voltage term of the objective and
// Score.VoltageRMS).
//
// The model runs freely (its own spikes, its own resets) and its voltage is
// compared with the recorded one at every integration step of the window,
// except near spikes: from VoltagePreMS before to VoltagePostMS after every
// recorded and every model spike, where the two waveforms differ by
// construction (action potential against reset), and where the recording
// is above VoltageCutMV.
const (
	VoltagePreMS  = 2   // exclusion before a spike (ms): the upswing
	VoltagePostMS = 5   // exclusion after a spike (ms): spike, reset, refractoriness
	VoltageCutMV  = -35 // recorded samples above this are not compared (mV)
)

// vtrace is the recorded voltage on the simulation grid with the steps
// that are never compared (near recorded spikes, above VoltageCutMV)
// marked, plus a buffer for the model's voltage.
type vtrace struct {
	v    []float64 // recorded V at the start of each simulation step (mV)
	skip []bool    // step excluded whatever the model does
	buf  []float64 // model voltage, reused
}

// newVTrace resamples the recorded voltage v (every dt ms) onto n steps of
// h ms and marks the steps near the recorded spikes, above VoltageCutMV and
// below lo (mV).
func newVTrace(v []float64, dt float64, spikes []float64, h float64, n int, lo float64) *vtrace {
	t := &vtrace{v: make([]float64, n), skip: make([]bool, n), buf: make([]float64, n)}
	for k := range n {
		i := min(len(v)-1, int(math.Round(float64(k)*h/dt)))
		t.v[k] = v[i]
		t.skip[k] = v[i] > VoltageCutMV || v[i] < lo
	}
	for _, s := range spikes {
		k0 := max(0, int(math.Floor((s-VoltagePreMS)/h)))
		k1 := min(n, int(math.Ceil((s+VoltagePostMS)/h)))
		for k := k0; k < k1; k++ {
			t.skip[k] = true
		}
	}
	return t
}

// rms is the RMS difference (mV) between t.buf (the model) and the
// recording over steps [k0, k1), skipping the marked steps and those near
// a model spike (times in ms, sorted); NaN if no step is compared.
func (t *vtrace) rms(k0, k1 int, h float64, model []float64) float64 {
	var ss float64
	n := 0
	j := sort.SearchFloat64s(model, float64(k0)*h-VoltagePostMS)
	for k := k0; k < k1; k++ {
		if t.skip[k] {
			continue
		}
		tk := float64(k) * h
		for j < len(model) && model[j]+VoltagePostMS <= tk {
			j++
		}
		if j < len(model) && model[j]-VoltagePreMS <= tk {
			continue
		}
		d := t.buf[k] - t.v[k]
		ss += d * d
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return math.Sqrt(ss / float64(n))
}
