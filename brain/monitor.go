package brain

import (
	"fmt"
	"math"
	"slices"
)

// SpikeRecorder stores the spikes of one population compactly, as
// (step, neuron) pairs of int32 (8 bytes per spike). A spike recorded for
// step k is reported at time (k+1)·dt, the end of the step in which it was
// emitted (NEST's convention for grid-constrained neurons). Steps must
// stay below 2³¹−1 (59.6 h of network time at dt = 0.1 ms, 36 min at
// 0.001 ms): a Run that would record a later step returns an error
// before it starts.
type SpikeRecorder struct {
	// N is the number of neurons of the recorded population.
	N int
	// DT is the step (ms).
	DT float64
	// ExpectedRate is the mean firing rate (Hz) EstimateBytes assumes;
	// NewSpikeRecorder sets it to 10 Hz.
	ExpectedRate float64

	steps   []int32
	neurons []int32
}

// NewSpikeRecorder returns a recorder for a population of n neurons
// stepped with dt (ms).
func NewSpikeRecorder(n int, dt float64) (*SpikeRecorder, error) {
	if n <= 0 {
		return nil, fmt.Errorf("brain: spike recorder: N = %d: must be > 0", n)
	}
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("brain: spike recorder: dt = %v: must be a finite number > 0 ms", dt)
	}
	return &SpikeRecorder{N: n, DT: dt, ExpectedRate: 10}, nil
}

// Record appends the spikes that Population.Step returned for step
// (0 ≤ step < 2³¹−1).
func (r *SpikeRecorder) Record(step int64, spikes []int32) {
	if len(r.steps)+len(spikes) > min(cap(r.steps), cap(r.neurons)) {
		r.regrow(r.grownCap(len(spikes)))
	}
	for _, i := range spikes {
		r.steps = append(r.steps, int32(step))
		r.neurons = append(r.neurons, i)
	}
}

// Growing the buffers. A Run reserves room for the spikes it expects
// (ExpectedRate, at most runReserveMax of them; spikeMonitor.StartRun),
// and full buffers double up to doubleMax spikes, then grow by a quarter.
// New buffers are made and the spikes copied (rather than append's
// growth, which clears the new room): memory fresh from the system is
// then touched only when a spike is written to it. On the 2-vCPU VM of
// docs/benchmarks.md the first touch of a page costs about 12 µs, and
// append's growth (to 1.25× at a time) wrote each of COBA's 70 000 spikes
// of a 1 s run about five times: 654 of the program's 1626 page faults.
const (
	runReserveMax = 1 << 20 // spikes (8 MB)
	doubleMax     = 1 << 22 // spikes (32 MB)
)

// grownCap is the capacity of the buffers that hold n more spikes: at
// least double (a quarter more past doubleMax) the present one.
func (r *SpikeRecorder) grownCap(n int) int {
	c := cap(r.steps)
	if c < doubleMax {
		c *= 2
	} else {
		c += c / 4
	}
	return max(c, len(r.steps)+n, 64)
}

// regrow moves the spikes into buffers of capacity c ≥ Len.
func (r *SpikeRecorder) regrow(c int) {
	s := make([]int32, len(r.steps), c)
	copy(s, r.steps)
	i := make([]int32, len(r.neurons), c)
	copy(i, r.neurons)
	r.steps, r.neurons = s, i
}

// reserveRun makes room for the spikes a Run of steps steps is expected
// to record (EstimateBytes' assumption), at most runReserveMax.
func (r *SpikeRecorder) reserveRun(steps int64) {
	want := float64(r.N) * r.ExpectedRate * float64(steps) * r.DT / 1000
	if !(want >= 1) { // also NaN
		return
	}
	if n := int(min(want, runReserveMax)); len(r.steps)+n > min(cap(r.steps), cap(r.neurons)) {
		r.regrow(r.grownCap(n)) // at least doubling: many short Runs copy the spikes O(log) times
	}
}

// Len is the number of recorded spikes.
func (r *SpikeRecorder) Len() int { return len(r.steps) }

// Reset forgets every recorded spike and keeps the memory.
func (r *SpikeRecorder) Reset() { r.steps, r.neurons = r.steps[:0], r.neurons[:0] }

// Reserve grows the buffers to hold n more spikes without reallocating.
func (r *SpikeRecorder) Reserve(n int) {
	if n > 0 && len(r.steps)+n > min(cap(r.steps), cap(r.neurons)) {
		r.regrow(r.grownCap(n))
	}
}

// Spikes returns the recorded steps and neuron indices (shared with the
// recorder: do not modify).
func (r *SpikeRecorder) Spikes() (steps, neurons []int32) { return r.steps, r.neurons }

// Times returns the spike times (ms) of one neuron, ascending.
func (r *SpikeRecorder) Times(neuron int) []float64 {
	var t []float64
	for k, i := range r.neurons {
		if int(i) == neuron {
			t = append(t, (float64(r.steps[k])+1)*r.DT)
		}
	}
	return t
}

// AllTimes returns the spike times (ms) of every neuron, indexed by neuron.
func (r *SpikeRecorder) AllTimes() [][]float64 {
	t := make([][]float64, r.N)
	for k, i := range r.neurons {
		if int(i) < r.N {
			t[i] = append(t[i], (float64(r.steps[k])+1)*r.DT)
		}
	}
	return t
}

// Counts returns the number of spikes of every neuron.
func (r *SpikeRecorder) Counts() []int {
	c := make([]int, r.N)
	for _, i := range r.neurons {
		if int(i) < r.N {
			c[i]++
		}
	}
	return c
}

// EstimateBytes is the memory (bytes) the recorder will hold after steps
// more steps if every neuron fires at ExpectedRate: 8 bytes per spike.
func (r *SpikeRecorder) EstimateBytes(steps int64) int64 {
	spikes := float64(r.N) * r.ExpectedRate * float64(steps) * r.DT / 1000
	return int64(math.Ceil(spikes))*8 + int64(cap(r.steps)+cap(r.neurons))*4
}

// StateVariables are the names a StateRecorder accepts for a population
// of the GeneralizedNeuron (a population of a NeuronModel accepts its
// declared variables and IExt, IE, II: Population.VarNames).
var StateVariables = []string{"V", "Vd", "W", "Theta", "IExt", "IE", "II", "IEd", "IId"}

// StateRecorder samples selected state variables of selected neurons every
// Every steps into one flat buffer.
//
// A sample is the state at the end of a step, after any reset: a neuron
// that spiked during the step shows VReset (or, in the general model, the
// value it has relaxed to since the spike inside the step), so a recorded
// V never shows the spike itself. NEST's multimeter behaves the same way.
// To draw spikes on a trace, take the spike times (SpikeRecorder.Times,
// the times SimulateCurrent returns) and SpikeSampleIndices: the samples
// it returns are the first ones after each spike, where a plot can put a
// mark or raise V to P.VPeak to draw the upstroke.
type StateRecorder struct {
	// Neurons are the recorded neuron indices.
	Neurons []int
	// Variables are the recorded variable names (see StateVariables).
	Variables []string
	// Every is the decimation: a sample is taken when step % Every == 0.
	Every int64
	// DT is the population step (ms).
	DT float64

	src   [][]float64 // one source slice per variable
	steps []int64
	data  []float64 // per sample: len(Variables)·len(Neurons) values, variable-major
}

// NewStateRecorder returns a recorder of the named variables of the given
// neurons of pop, sampled every `every` steps. pop must be prepared before
// recording starts (DT is read at the first Record).
func NewStateRecorder(pop *Population, neurons []int, variables []string, every int) (*StateRecorder, error) {
	if pop == nil {
		return nil, fmt.Errorf("brain: state recorder: nil population")
	}
	if every < 1 {
		return nil, fmt.Errorf("brain: state recorder: every = %d: must be ≥ 1", every)
	}
	if len(neurons) == 0 || len(variables) == 0 {
		return nil, fmt.Errorf("brain: state recorder: no neurons (%d) or no variables (%d)", len(neurons), len(variables))
	}
	for _, i := range neurons {
		if i < 0 || i >= pop.N {
			return nil, fmt.Errorf("brain: state recorder: neuron %d: out of range [0, %d)", i, pop.N)
		}
	}
	r := &StateRecorder{Neurons: slices.Clone(neurons), Variables: slices.Clone(variables), Every: int64(every), DT: pop.dt}
	for _, v := range variables {
		s := pop.Var(v)
		if s == nil {
			return nil, fmt.Errorf("brain: state recorder: variable %q: unknown (want one of %v)", v, pop.VarNames())
		}
		r.src = append(r.src, s)
	}
	if r.DT == 0 {
		r.DT = DefaultDT
	}
	return r, nil
}

// Record takes a sample after step `step` if step % Every == 0. Call it
// after Population.Step(step); the sample is the state at (step+1)·dt,
// after the resets of that step's spikes.
func (r *StateRecorder) Record(step int64) {
	if step%r.Every != 0 {
		return
	}
	r.steps = append(r.steps, step)
	for _, s := range r.src {
		for _, i := range r.Neurons {
			r.data = append(r.data, s[i])
		}
	}
}

// Reserve grows the buffer for the samples of `steps` more steps.
func (r *StateRecorder) Reserve(steps int64) {
	n := int(steps / r.Every)
	r.steps = slices.Grow(r.steps, n)
	r.data = slices.Grow(r.data, n*len(r.src)*len(r.Neurons))
}

// Len is the number of samples taken.
func (r *StateRecorder) Len() int { return len(r.steps) }

// Times returns the sample times (ms): (step+1)·dt.
func (r *StateRecorder) Times() []float64 {
	t := make([]float64, len(r.steps))
	for k, s := range r.steps {
		t[k] = float64(s+1) * r.DT
	}
	return t
}

// Trace returns the samples of one variable of one recorded neuron.
func (r *StateRecorder) Trace(neuron int, variable string) ([]float64, error) {
	vi := slices.Index(r.Variables, variable)
	if vi < 0 {
		return nil, fmt.Errorf("brain: state recorder: variable %q not recorded", variable)
	}
	ni := slices.Index(r.Neurons, neuron)
	if ni < 0 {
		return nil, fmt.Errorf("brain: state recorder: neuron %d not recorded", neuron)
	}
	stride := len(r.src) * len(r.Neurons)
	out := make([]float64, len(r.steps))
	for k := range out {
		out[k] = r.data[k*stride+vi*len(r.Neurons)+ni]
	}
	return out, nil
}

// EstimateBytes is the memory (bytes) the recorder will hold after `steps`
// more steps: 8 bytes per sample value plus 8 per sample time.
func (r *StateRecorder) EstimateBytes(steps int64) int64 {
	n := steps/r.Every + 1
	return n*int64(len(r.src)*len(r.Neurons))*8 + n*8 + int64(cap(r.data)+cap(r.steps))*8
}

// SpikeSampleIndices maps spike times onto a sampled trace: for each spike
// time (ms) it returns the index of the first sample at or after it, or
// len(sampleTimesMS) if there is none. sampleTimesMS is ascending
// (StateRecorder.Times, Trace.T). Samples are taken at the end of a step,
// after the reset, so these are the samples just after each spike, where
// a plot draws its spike marks (see StateRecorder). A spike and a sample
// within 1e-9 ms are taken to coincide (a spike reported at the end of
// step k and the sample of step k are both (k+1)·dt).
func SpikeSampleIndices(sampleTimesMS, spikeTimesMS []float64) []int {
	idx := make([]int, len(spikeTimesMS))
	for k, ts := range spikeTimesMS {
		idx[k], _ = slices.BinarySearchFunc(sampleTimesMS, ts-1e-9, func(s, t float64) int {
			if s < t {
				return -1
			}
			return 1
		})
	}
	return idx
}
