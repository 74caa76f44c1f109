package brain

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// A CurrentSource is a current clamp (PyNN's current sources) injected into
// chosen neurons of a population with Network.Inject. Each step the
// network zeroes the populations' IExt and every source adds its current
// (pA) for the step t = step·dt … (step+1)·dt, evaluated at the start of
// the step. The sources are DCClamp, StepClamp, RampClamp,
// SineClamp, TraceClamp and OUNoise.
type CurrentSource interface {
	validate() error
	// prepare readies the source for n target cells; ids are the global
	// neuron ids of the targets (stream keys).
	prepare(dt float64, seed uint64, ids []uint64) error
	// add adds the current of step into dst[cells[k]].
	add(step int64, dt float64, cells []int32, dst []float64)
	appendState(b []byte) []byte
	restoreState(d *decoder) error
	String() string
}

// window reports whether t lies in [start, stop) (stop == 0: no end).
func window(t, start, stop float64) bool { return t >= start && (stop == 0 || t < stop) }

func checkWindow(name string, start, stop float64) error {
	if !(start >= 0) || math.IsInf(start, 0) {
		return fmt.Errorf("brain: %s: StartMS = %v must be finite and ≥ 0", name, start)
	}
	if stop != 0 && !(stop > start) {
		return fmt.Errorf("brain: %s: StopMS = %v must exceed StartMS = %v (0: no end)", name, stop, start)
	}
	return nil
}

func finiteAll(name string, xs ...float64) error {
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("brain: %s: parameters must be finite", name)
		}
	}
	return nil
}

// statelessCurrent is the part of CurrentSource shared by the
// deterministic clamps, which carry no state between steps.
type statelessCurrent struct{}

func (statelessCurrent) prepare(float64, uint64, []uint64) error { return nil }
func (statelessCurrent) appendState(b []byte) []byte             { return b }
func (statelessCurrent) restoreState(*decoder) error             { return nil }

func addConst(v float64, cells []int32, dst []float64) {
	for _, c := range cells {
		dst[c] += v
	}
}

// DCClamp is a constant AmpPA (pA) during [StartMS, StopMS) (PyNN
// DCSource; StopMS = 0: no end).
type DCClamp struct {
	statelessCurrent
	AmpPA           float64
	StartMS, StopMS float64
}

func (c DCClamp) String() string { return fmt.Sprintf("DCClamp{%v pA}", c.AmpPA) }

func (c DCClamp) validate() error {
	if err := finiteAll(c.String(), c.AmpPA); err != nil {
		return err
	}
	return checkWindow(c.String(), c.StartMS, c.StopMS)
}

func (c DCClamp) add(step int64, dt float64, cells []int32, dst []float64) {
	if window(float64(step)*dt, c.StartMS, c.StopMS) {
		addConst(c.AmpPA, cells, dst)
	}
}

// StepClamp is piecewise constant (PyNN StepClampSource): AmpsPA[k]
// (pA) from TimesMS[k] until TimesMS[k+1]; 0 before TimesMS[0]. The last
// amplitude holds forever (end with a 0 to switch off).
type StepClamp struct {
	statelessCurrent
	TimesMS []float64 // ascending
	AmpsPA  []float64
}

func (c StepClamp) String() string { return fmt.Sprintf("StepClamp{%d steps}", len(c.TimesMS)) }

func (c StepClamp) validate() error {
	if len(c.TimesMS) != len(c.AmpsPA) || len(c.TimesMS) == 0 {
		return fmt.Errorf("brain: StepClamp: %d times for %d amplitudes (need equal, ≥ 1)", len(c.TimesMS), len(c.AmpsPA))
	}
	if err := finiteAll(c.String(), append(append([]float64{}, c.TimesMS...), c.AmpsPA...)...); err != nil {
		return err
	}
	for k := 1; k < len(c.TimesMS); k++ {
		if !(c.TimesMS[k] > c.TimesMS[k-1]) {
			return fmt.Errorf("brain: StepClamp: TimesMS[%d] = %v must exceed TimesMS[%d] = %v", k, c.TimesMS[k], k-1, c.TimesMS[k-1])
		}
	}
	return nil
}

func (c StepClamp) add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step) * dt
	k := -1
	for k+1 < len(c.TimesMS) && c.TimesMS[k+1] <= t {
		k++
	}
	if k >= 0 && c.AmpsPA[k] != 0 {
		addConst(c.AmpsPA[k], cells, dst)
	}
}

// RampClamp rises linearly from FromPA at StartMS to ToPA at StopMS (pA)
// and is 0 outside [StartMS, StopMS).
type RampClamp struct {
	statelessCurrent
	FromPA, ToPA    float64
	StartMS, StopMS float64
}

func (c RampClamp) String() string {
	return fmt.Sprintf("RampClamp{%v→%v pA, %v–%v ms}", c.FromPA, c.ToPA, c.StartMS, c.StopMS)
}

func (c RampClamp) validate() error {
	if err := finiteAll(c.String(), c.FromPA, c.ToPA, c.StartMS, c.StopMS); err != nil {
		return err
	}
	if !(c.StopMS > c.StartMS) || c.StartMS < 0 {
		return fmt.Errorf("brain: %v: needs 0 ≤ StartMS < StopMS", c)
	}
	return nil
}

func (c RampClamp) add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step) * dt
	if window(t, c.StartMS, c.StopMS) {
		addConst(c.FromPA+(c.ToPA-c.FromPA)*(t-c.StartMS)/(c.StopMS-c.StartMS), cells, dst)
	}
}

// SineClamp is OffsetPA + AmpPA·sin(2π·FreqHz·(t−StartMS)/1000 + PhaseDeg)
// during [StartMS, StopMS) (pA; PyNN ACSource).
type SineClamp struct {
	statelessCurrent
	AmpPA, OffsetPA float64
	FreqHz          float64
	PhaseDeg        float64
	StartMS, StopMS float64
}

func (c SineClamp) String() string {
	return fmt.Sprintf("SineClamp{%v pA at %v Hz}", c.AmpPA, c.FreqHz)
}

func (c SineClamp) validate() error {
	if err := finiteAll(c.String(), c.AmpPA, c.OffsetPA, c.FreqHz, c.PhaseDeg); err != nil {
		return err
	}
	if c.FreqHz < 0 {
		return fmt.Errorf("brain: %v: FreqHz = %v must be ≥ 0", c, c.FreqHz)
	}
	return checkWindow(c.String(), c.StartMS, c.StopMS)
}

func (c SineClamp) add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step) * dt
	if window(t, c.StartMS, c.StopMS) {
		ph := 2*math.Pi*c.FreqHz*(t-c.StartMS)/1000 + c.PhaseDeg*math.Pi/180
		addConst(c.OffsetPA+c.AmpPA*math.Sin(ph), cells, dst)
	}
}

// TraceClamp plays an arbitrary current trace: ValuesPA[k] (pA) during
// [StartMS + k·SampleMS, StartMS + (k+1)·SampleMS); 0 outside.
type TraceClamp struct {
	statelessCurrent
	ValuesPA []float64
	SampleMS float64
	StartMS  float64
}

func (c TraceClamp) String() string {
	return fmt.Sprintf("TraceClamp{%d samples every %v ms}", len(c.ValuesPA), c.SampleMS)
}

func (c TraceClamp) validate() error {
	if len(c.ValuesPA) == 0 || !(c.SampleMS > 0) {
		return fmt.Errorf("brain: %v: needs samples and SampleMS > 0", c)
	}
	if err := finiteAll(c.String(), c.ValuesPA...); err != nil {
		return err
	}
	return checkWindow(c.String(), c.StartMS, 0)
}

func (c TraceClamp) add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step)*dt - c.StartMS
	if t < 0 {
		return
	}
	// The small epsilon keeps t = k·SampleMS in sample k despite rounding.
	k := int(math.Floor(t/c.SampleMS + 1e-9))
	if k < len(c.ValuesPA) {
		addConst(c.ValuesPA[k], cells, dst)
	}
}

// OUNoise is an Ornstein–Uhlenbeck current, independent in every target
// neuron (Uhlenbeck & Ornstein 1930; the "noisy current" of Destexhe et al.
// 2001 point-conductance models):
//
//	τ dI = (MeanPA − I) dt + SigmaPA·√(2τ) dW
//
// so I has stationary mean MeanPA and standard deviation SigmaPA (pA) and
// correlation time TauMS (ms). It is updated exactly each step,
//
//	I ← MeanPA + (I − MeanPA)·e^(−dt/τ) + SigmaPA·√(1 − e^(−2dt/τ))·ξ,
//
// ξ standard normal from each neuron's own stream (keyed by its global id),
// and starts in the stationary distribution.
type OUNoise struct {
	MeanPA, SigmaPA float64
	TauMS           float64

	decay, kick float64
	i           []float64
	pcg         []rand.PCG
}

func (c *OUNoise) String() string {
	return fmt.Sprintf("OUNoise{mean %v pA, sd %v pA, τ %v ms}", c.MeanPA, c.SigmaPA, c.TauMS)
}

func (c *OUNoise) validate() error {
	if err := finiteAll(c.String(), c.MeanPA, c.SigmaPA, c.TauMS); err != nil {
		return err
	}
	if c.SigmaPA < 0 || !(c.TauMS > 0) {
		return fmt.Errorf("brain: %v: needs SigmaPA ≥ 0 and TauMS > 0", c)
	}
	return nil
}

func (c *OUNoise) prepare(dt float64, seed uint64, ids []uint64) error {
	c.decay = math.Exp(-dt / c.TauMS)
	c.kick = c.SigmaPA * math.Sqrt(-math.Expm1(-2*dt/c.TauMS))
	c.i = make([]float64, len(ids))
	c.pcg = make([]rand.PCG, len(ids))
	for k, id := range ids {
		c.pcg[k].Seed(seed, streamKey(streamOU, id, 0))
		r := rand.New(&c.pcg[k])
		c.i[k] = c.MeanPA + c.SigmaPA*r.NormFloat64()
	}
	return nil
}

func (c *OUNoise) add(_ int64, _ float64, cells []int32, dst []float64) {
	m, a, b := c.MeanPA, c.decay, c.kick
	for k, cell := range cells {
		dst[cell] += c.i[k]
		r := rand.New(&c.pcg[k])
		c.i[k] = m + (c.i[k]-m)*a + b*r.NormFloat64()
	}
}

func (c *OUNoise) appendState(b []byte) []byte {
	b = appendF64s(b, c.i)
	for k := range c.pcg {
		b, _ = c.pcg[k].AppendBinary(b)
	}
	return b
}

func (c *OUNoise) restoreState(d *decoder) error {
	d.f64s(c.i)
	for k := range c.pcg {
		if err := d.pcg(&c.pcg[k]); err != nil {
			return err
		}
	}
	return d.err
}
