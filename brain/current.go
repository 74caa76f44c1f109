package brain

import (
	"fmt"
	"math"
)

// Trace is a per-step record of one neuron (values at the end of each
// step, t = (k+1)·dt, after any reset: V never shows a spike itself; see
// StateRecorder and SpikeSampleIndices for drawing spike marks).
type Trace struct {
	T     []float64 // time (ms)
	V     []float64 // somatic potential (mV)
	Vd    []float64 // dendritic potential (mV)
	W     []float64 // adaptation current (pA)
	Theta []float64 // threshold (mV)
}

// SimulateCurrent runs one neuron with parameters p, starting at rest, for
// len(iSoma) steps of dt (ms). iSoma[k] is the current (pA) injected at the
// soma during step k; iDend (nil, or the same length) the current injected
// at the dendrite. It returns the spike times (ms; inside the step for the
// general model, at the end of the step for the exact LIF path) and the
// trace of every step.
func SimulateCurrent(p Params, dt float64, iSoma, iDend []float64) (spikeTimesMS []float64, tr Trace, err error) {
	if len(iSoma) == 0 {
		return nil, Trace{}, fmt.Errorf("brain: SimulateCurrent: iSoma is empty")
	}
	if iDend != nil && len(iDend) != len(iSoma) {
		return nil, Trace{}, fmt.Errorf("brain: SimulateCurrent: len(iDend) = %d: must equal len(iSoma) = %d", len(iDend), len(iSoma))
	}
	for k, x := range iSoma {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, Trace{}, fmt.Errorf("brain: SimulateCurrent: iSoma[%d] = %v: must be finite", k, x)
		}
	}
	for k, x := range iDend {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, Trace{}, fmt.Errorf("brain: SimulateCurrent: iDend[%d] = %v: must be finite", k, x)
		}
	}
	pop, err := NewPopulation(p.Name, 1, p)
	if err != nil {
		return nil, Trace{}, err
	}
	if err := pop.Prepare(dt); err != nil {
		return nil, Trace{}, err
	}
	n := len(iSoma)
	tr = Trace{T: make([]float64, n), V: make([]float64, n), Vd: make([]float64, n), W: make([]float64, n), Theta: make([]float64, n)}
	for k := range n {
		pop.IExt[0] = iSoma[k]
		if iDend != nil {
			if p.Gc > 0 {
				pop.IExtDist[0] = iDend[k]
			} else {
				pop.IExt[0] += iDend[k] // no dendrite: distal lands on the soma
			}
		}
		sp, err := pop.Step(int64(k))
		if err != nil {
			return spikeTimesMS, tr, err
		}
		if len(sp) > 0 {
			spikeTimesMS = append(spikeTimesMS, float64(k)*dt+pop.offset[0])
		}
		tr.T[k] = float64(k+1) * dt
		tr.V[k], tr.Vd[k], tr.W[k], tr.Theta[k] = pop.V[0], pop.Vd[0], pop.W[0], pop.Theta[0]
	}
	return spikeTimesMS, tr, nil
}

// StepCurrent returns a current trace of n steps of dt (ms): amp (pA) from
// onset (ms, inclusive) to offset (ms, exclusive), 0 elsewhere.
func StepCurrent(n int, dt, onset, offset, amp float64) []float64 {
	s := make([]float64, max(n, 0))
	for k := range s {
		t := float64(k) * dt
		if t >= onset-1e-9*dt && t < offset-1e-9*dt {
			s[k] = amp
		}
	}
	return s
}

// ConstantCurrent returns n steps of the constant current amp (pA).
func ConstantCurrent(n int, amp float64) []float64 {
	s := make([]float64, max(n, 0))
	for k := range s {
		s[k] = amp
	}
	return s
}
