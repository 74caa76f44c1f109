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
// the step (the library's clamps take a StartMS, StopMS or TimesMS within
// 1e-9 steps of a step's start as that start, so that times on the grid
// switch in the step they name despite binary rounding). The library's sources are DCClamp, StepClamp, RampClamp,
// SineClamp, TraceClamp and OUNoise; a type of yours that implements
// CurrentSource is injected the same way.
//
// Network.Inject calls Validate; Network.Build calls Prepare once per
// injection; every step the network calls Add from one goroutine. A source
// with state of its own (noise, filters) implements Stateful so that
// Network.Save and Restore carry it, and either implements
// CurrentSourceCopier (as OUNoise does: Inject then injects a copy) or
// must not be injected twice (give each injection its own value).
type CurrentSource interface {
	// Validate reports bad parameters, naming the field and value.
	Validate() error
	// Prepare readies the source for streams.Len() target cells and time
	// step dt (ms). streams holds one random stream per target, keyed by
	// the target's global neuron id (and by the injection, so that two
	// sources injected into one cell draw independent numbers).
	Prepare(dt float64, streams Streams) error
	// Add adds the current (pA) of step to dst[cells[k]] for every target
	// k. It must not allocate.
	Add(step int64, dt float64, cells []int32, dst []float64)
	// String describes the source in messages.
	String() string
}

// A CurrentSourceCopier is a CurrentSource with state of its own that can
// make a fresh copy of itself (OUNoise is one). Network.Inject injects
// Copy() instead of the value it is given, so one value can be injected in
// several places, each with its own state.
type CurrentSourceCopier interface {
	CurrentSource
	// Copy returns a source with the same parameters that shares no state
	// with the receiver.
	Copy() CurrentSource
}

// window reports whether the step that starts at step·dt lies in
// [start, stop) (stop == 0: no end). A start or stop within 1e-9 of a
// step below its grid point counts as on it, as for spike times
// (stepOf): at dt = 0.03 ms, 11·dt is 0.32999999999999996, and a window
// from 0.33 ms must include step 11.
func window(step int64, dt, start, stop float64) bool {
	t := onGrid(step, dt)
	return t >= start && (stop == 0 || t < stop)
}

// onGrid is the start time of step (ms) plus 1e-9 of a step, the time to
// compare with times given in ms.
func onGrid(step int64, dt float64) float64 { return (float64(step) + 1e-9) * dt }

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

// statelessCurrent is the Prepare shared by the deterministic clamps.
type statelessCurrent struct{}

// Prepare does nothing: the clamp is a function of time alone.
func (statelessCurrent) Prepare(float64, Streams) error { return nil }

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

// Validate reports bad parameters.
func (c DCClamp) Validate() error {
	if err := finiteAll(c.String(), c.AmpPA); err != nil {
		return err
	}
	return checkWindow(c.String(), c.StartMS, c.StopMS)
}

// Add adds the step's current to dst[cells[k]].
func (c DCClamp) Add(step int64, dt float64, cells []int32, dst []float64) {
	if window(step, dt, c.StartMS, c.StopMS) {
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

// Validate reports bad parameters.
func (c StepClamp) Validate() error {
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

// Add adds the step's current to dst[cells[k]].
func (c StepClamp) Add(step int64, dt float64, cells []int32, dst []float64) {
	t := onGrid(step, dt)
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

// Validate reports bad parameters.
func (c RampClamp) Validate() error {
	if err := finiteAll(c.String(), c.FromPA, c.ToPA, c.StartMS, c.StopMS); err != nil {
		return err
	}
	if !(c.StopMS > c.StartMS) || c.StartMS < 0 {
		return fmt.Errorf("brain: %v: needs 0 ≤ StartMS < StopMS", c)
	}
	return nil
}

// Add adds the step's current to dst[cells[k]].
func (c RampClamp) Add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step) * dt
	if window(step, dt, c.StartMS, c.StopMS) {
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

// Validate reports bad parameters.
func (c SineClamp) Validate() error {
	if err := finiteAll(c.String(), c.AmpPA, c.OffsetPA, c.FreqHz, c.PhaseDeg); err != nil {
		return err
	}
	if c.FreqHz < 0 {
		return fmt.Errorf("brain: %v: FreqHz = %v must be ≥ 0", c, c.FreqHz)
	}
	return checkWindow(c.String(), c.StartMS, c.StopMS)
}

// Add adds the step's current to dst[cells[k]].
func (c SineClamp) Add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step) * dt
	if window(step, dt, c.StartMS, c.StopMS) {
		ph := 2*math.Pi*c.FreqHz*(t-c.StartMS)/1000 + c.PhaseDeg*math.Pi/180
		addConst(c.OffsetPA+c.AmpPA*math.Sin(ph), cells, dst)
	}
}

// TraceClamp plays an arbitrary current trace: ValuesPA[k] (pA) during
// [StartMS + k·SampleMS, StartMS + (k+1)·SampleMS); 0 outside. A step gets
// the sample in force at its start when SampleMS ≥ dt (as Brian2's
// TimedArray does); a trace sampled finer than dt gives each step its mean
// over the step, so the charge it carries is kept (sampling it once per
// step would drop a pulse that falls between two step starts).
type TraceClamp struct {
	statelessCurrent
	ValuesPA []float64
	SampleMS float64
	StartMS  float64
}

func (c TraceClamp) String() string {
	return fmt.Sprintf("TraceClamp{%d samples every %v ms}", len(c.ValuesPA), c.SampleMS)
}

// Validate reports bad parameters.
func (c TraceClamp) Validate() error {
	if len(c.ValuesPA) == 0 || !(c.SampleMS > 0) {
		return fmt.Errorf("brain: %v: needs samples and SampleMS > 0", c)
	}
	if err := finiteAll(c.String(), c.ValuesPA...); err != nil {
		return err
	}
	return checkWindow(c.String(), c.StartMS, 0)
}

// Add adds the step's current to dst[cells[k]].
func (c TraceClamp) Add(step int64, dt float64, cells []int32, dst []float64) {
	t := float64(step)*dt - c.StartMS
	if c.SampleMS < dt {
		if v, ok := c.mean(t, dt); ok {
			addConst(v, cells, dst)
		}
		return
	}
	if t < 0 {
		return
	}
	// The small epsilon keeps t = k·SampleMS in sample k despite rounding.
	// Compare before converting: past 2⁶³ int() is not defined (a tiny
	// SampleMS made it negative).
	if k := math.Floor(t/c.SampleMS + 1e-9); k < float64(len(c.ValuesPA)) {
		addConst(c.ValuesPA[int(k)], cells, dst)
	}
}

// mean is the trace's average over [t, t+dt) (t relative to StartMS),
// counting 0 outside the trace; ok is false when the step misses it.
func (c TraceClamp) mean(t, dt float64) (v float64, ok bool) {
	a, b := t/c.SampleMS, (t+dt)/c.SampleMS // the step in samples
	lo, hi := max(a, 0), min(b, float64(len(c.ValuesPA)))
	if !(hi > lo) {
		return 0, false
	}
	var sum float64
	for k := int(lo); float64(k) < hi; k++ { // at most len(ValuesPA) samples
		sum += (min(float64(k+1), hi) - max(float64(k), lo)) * c.ValuesPA[k]
	}
	return sum / (b - a), true
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

// Validate reports bad parameters.
func (c *OUNoise) Validate() error {
	if err := finiteAll(c.String(), c.MeanPA, c.SigmaPA, c.TauMS); err != nil {
		return err
	}
	if c.SigmaPA < 0 || !(c.TauMS > 0) {
		return fmt.Errorf("brain: %v: needs SigmaPA ≥ 0 and TauMS > 0", c)
	}
	return nil
}

// Prepare draws every target's initial current from the stationary
// distribution with its own stream.
func (c *OUNoise) Prepare(dt float64, streams Streams) error {
	c.decay = math.Exp(-dt / c.TauMS)
	c.kick = c.SigmaPA * math.Sqrt(-math.Expm1(-2*dt/c.TauMS))
	n := streams.Len()
	c.i = make([]float64, n)
	c.pcg = make([]rand.PCG, n)
	for k := range n {
		streams.Seed(&c.pcg[k], k)
		r := rand.New(&c.pcg[k])
		c.i[k] = c.MeanPA + c.SigmaPA*r.NormFloat64()
	}
	return nil
}

// Add adds the step's current to dst[cells[k]].
func (c *OUNoise) Add(_ int64, _ float64, cells []int32, dst []float64) {
	m, a, b := c.MeanPA, c.decay, c.kick
	for k, cell := range cells {
		dst[cell] += c.i[k]
		r := rand.New(&c.pcg[k])
		c.i[k] = m + (c.i[k]-m)*a + b*r.NormFloat64()
	}
}

// Copy returns an OUNoise with c's parameters and no state
// (CurrentSourceCopier).
func (c *OUNoise) Copy() CurrentSource {
	return &OUNoise{MeanPA: c.MeanPA, SigmaPA: c.SigmaPA, TauMS: c.TauMS}
}

// SaveState writes the currents and random states.
func (c *OUNoise) SaveState(e *StateEncoder) {
	e.Float64s(c.i)
	for k := range c.pcg {
		e.PCG(&c.pcg[k])
	}
}

// RestoreState reads what SaveState wrote.
func (c *OUNoise) RestoreState(d *StateDecoder) error {
	d.Float64s(c.i)
	for k := range c.pcg {
		d.PCG(&c.pcg[k])
	}
	return d.Err()
}
