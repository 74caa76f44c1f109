package brain

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// PoissonGroup is N independent Poisson spike generators (PyNN's
// SpikeSourcePoisson; NEST's poisson_generator with one process per
// target). Spikes are generated event by event: each generator draws its
// next spike time from an exponential inter-spike interval and waits in a
// calendar queue of time steps, so the work is proportional to the number
// of spikes, not to N × steps. A generator that fires twice within one step
// is emitted twice. Each generator has its own random stream keyed by its
// global source id.
//
// The rate is RateHz (all generators), or Rates[i] per generator, or, when
// RateFunc is set, the time-varying RateFunc(t) (Hz, at t in ms) for every
// generator, realised by thinning (Lewis & Shedler 1979) with the bound
// MaxRateHz ≥ RateFunc(t) for all t.
type PoissonGroup struct {
	// Name labels the group.
	Name string
	// N is the number of generators.
	N int
	// RateHz is the rate of every generator (Hz) when Rates and RateFunc
	// are unset.
	RateHz float64
	// Rates, when not nil, gives each generator its own constant rate (Hz).
	Rates []float64
	// RateFunc, when not nil, is the time-varying rate (Hz) of every
	// generator at time t (ms), in [0, MaxRateHz]: a value outside (or
	// NaN) stops Run with an error (Err).
	RateFunc func(tMS float64) float64
	// MaxRateHz bounds RateFunc (Hz); thinning draws candidates at this rate.
	MaxRateHz float64
	// StartMS and StopMS limit firing to [StartMS, StopMS) (ms); StopMS = 0
	// means no end.
	StartMS, StopMS float64
	// Inhibitory makes the group's synapses inhibitory (weights ≤ 0).
	Inhibitory bool

	dt      float64
	pcg     []rand.PCG
	next    []float64 // next spike time of each generator (ms); +Inf: none
	due     []int64   // step of next, or −1 when none
	link    []int32   // calendar bucket lists (next generator in bucket, −1 ends)
	head    []int32   // first generator of each bucket
	mask    int64     // len(head) − 1
	stopMS  float64
	prepped bool
	bad     error // the first RateFunc value outside [0, MaxRateHz] (Err)
}

// NewPoissonGroup returns n generators firing at rateHz.
func NewPoissonGroup(name string, n int, rateHz float64) (*PoissonGroup, error) {
	g := &PoissonGroup{Name: name, N: n, RateHz: rateHz}
	return g, g.validate()
}

// Len is the number of generators.
func (g *PoissonGroup) Len() int { return g.N }

// SourceName is the group's name.
func (g *PoissonGroup) SourceName() string { return g.Name }

// IsInhibitory reports whether the group's synapses are inhibitory.
func (g *PoissonGroup) IsInhibitory() bool { return g.Inhibitory }

// MaxPoissonRateHz bounds the rate of one Poisson generator (Hz): a mean
// interval of 10 µs, far above any neuron's rate (a higher rate stands for
// many generators and is better written as more of them or a larger
// weight). It keeps the event-by-event generation finite.
const MaxPoissonRateHz = 1e5

func (g *PoissonGroup) validate() error {
	bad := func(f string, v any, why string) error {
		return fmt.Errorf("brain: PoissonGroup %q: %s = %v: %s", g.Name, f, v, why)
	}
	if g.N <= 0 || g.N > math.MaxInt32 {
		return bad("N", g.N, "must be in [1, 2³¹)")
	}
	if !(g.RateHz >= 0 && g.RateHz <= MaxPoissonRateHz) {
		return bad("RateHz", g.RateHz, fmt.Sprintf("must be in [0, %g] Hz", float64(MaxPoissonRateHz)))
	}
	if g.Rates != nil {
		if len(g.Rates) != g.N {
			return bad("len(Rates)", len(g.Rates), fmt.Sprintf("must equal N = %d", g.N))
		}
		for i, r := range g.Rates {
			if !(r >= 0 && r <= MaxPoissonRateHz) {
				return bad(fmt.Sprintf("Rates[%d]", i), r, fmt.Sprintf("must be in [0, %g] Hz", float64(MaxPoissonRateHz)))
			}
		}
	}
	if g.RateFunc != nil && !(g.MaxRateHz > 0 && g.MaxRateHz <= MaxPoissonRateHz) {
		return bad("MaxRateHz", g.MaxRateHz, fmt.Sprintf("must be in (0, %g] Hz with RateFunc", float64(MaxPoissonRateHz)))
	}
	if !(g.StartMS >= 0) || math.IsInf(g.StartMS, 0) {
		return bad("StartMS", g.StartMS, "must be finite and ≥ 0")
	}
	if g.StopMS != 0 && !(g.StopMS > g.StartMS) {
		return bad("StopMS", g.StopMS, "must exceed StartMS (0: no end)")
	}
	return nil
}

func (g *PoissonGroup) rate(i int) float64 {
	switch {
	case g.RateFunc != nil:
		return g.MaxRateHz
	case g.Rates != nil:
		return g.Rates[i]
	}
	return g.RateHz
}

// Prepare readies the group for time step dt (ms): each generator's
// random stream comes from streams (keyed by its global id).
func (g *PoissonGroup) Prepare(dt float64, streams Streams) error {
	if err := g.validate(); err != nil {
		return err
	}
	g.dt = dt
	g.bad = nil
	g.stopMS = math.Inf(1)
	if g.StopMS != 0 {
		g.stopMS = g.StopMS
	}
	// Calendar of about two mean inter-spike intervals, 16…4096 steps.
	maxRate := 0.0
	for i := range g.N {
		maxRate = max(maxRate, g.rate(i))
	}
	h := 16
	if maxRate > 0 {
		isiSteps := 1000 / maxRate / dt
		if isiSteps > 8 {
			h = 1 << bits.Len(uint(min(2*isiSteps, 4096)))
		}
	}
	h = min(max(h, 16), 4096)
	g.head = make([]int32, h)
	g.mask = int64(h - 1)
	g.pcg = make([]rand.PCG, g.N)
	g.next = make([]float64, g.N)
	g.due = make([]int64, g.N)
	g.link = make([]int32, g.N)
	for k := range g.head {
		g.head[k] = -1
	}
	for i := range g.N {
		streams.Seed(&g.pcg[i], i)
		g.next[i] = g.StartMS
		g.advance(i)
		g.schedule(int32(i))
	}
	g.prepped = true
	return nil
}

// Err reports the first time RateFunc exceeded MaxRateHz, was negative or
// NaN, where thinning cannot realise the rate asked for (SourceChecker).
func (g *PoissonGroup) Err() error { return g.bad }

// thinLookaheadMS bounds how far past its last event one call of advance
// may thin a generator's candidates. A RateFunc that stays 0 (or NaN)
// would otherwise keep it drawing forever; past the bound the generator
// is parked with a wake-up (a negative next time) at the last rejected
// candidate and resumes thinning from there when that step comes, with
// the same random numbers as an unbounded loop.
const thinLookaheadMS = 1000

// advance moves generator i's next spike time past its current value.
func (g *PoissonGroup) advance(i int) {
	if g.RateFunc != nil {
		g.advanceThinned(i)
		return
	}
	r := g.RateHz
	if g.Rates != nil {
		r = g.Rates[i]
	}
	t := math.Inf(1)
	if r > 0 {
		scale := 1000 / r // mean ISI (ms)
		t = g.next[i] + scale*rand.New(&g.pcg[i]).ExpFloat64()
	}
	if t >= g.stopMS || t/g.dt >= float64(MaxSteps) {
		g.next[i], g.due[i] = math.Inf(1), -1
		return
	}
	g.next[i], g.due[i] = t, int64(t/g.dt)
}

// advanceThinned is advance with RateFunc: candidates at MaxRateHz are
// thinned to RateFunc(t).
func (g *PoissonGroup) advanceThinned(i int) {
	r := g.rate(i)
	t := g.next[i]
	wake := false
	if r <= 0 {
		t = math.Inf(1)
	} else {
		scale := 1000 / r // mean ISI (ms)
		rng := rand.New(&g.pcg[i])
		t0 := t
		for {
			t += scale * rng.ExpFloat64()
			if g.RateFunc == nil || t >= g.stopMS {
				break
			}
			rt := g.RateFunc(t)
			if !(rt >= 0 && rt <= g.MaxRateHz) && g.bad == nil {
				if rt < 0 {
					g.bad = fmt.Errorf("brain: PoissonGroup %q: RateFunc(%g ms) = %v Hz: a rate cannot be negative (thinning would take it as 0; write max(0, ·) if that is meant)", g.Name, t, rt)
				} else {
					g.bad = fmt.Errorf("brain: PoissonGroup %q: RateFunc(%g ms) = %v Hz: above MaxRateHz = %g Hz (thinning would clip it; raise MaxRateHz)", g.Name, t, rt, g.MaxRateHz)
				}
			}
			if rng.Float64()*g.MaxRateHz < rt {
				break
			}
			if t-t0 > thinLookaheadMS {
				wake = true
				break
			}
		}
	}
	if t >= g.stopMS || t/g.dt >= float64(MaxSteps) {
		t = math.Inf(1) // past the clock's last step: never
	}
	if math.IsInf(t, 1) {
		g.due[i] = -1
	} else {
		g.due[i] = int64(t / g.dt)
	}
	if wake && g.due[i] >= 0 {
		t = -t
	}
	g.next[i] = t
}

// schedule puts generator i into the bucket of its due step.
func (g *PoissonGroup) schedule(i int32) {
	d := g.due[i]
	if d < 0 {
		return
	}
	b := d & g.mask
	g.link[i] = g.head[b]
	g.head[b] = i
}

// Emit appends the generators firing during step to out[:0].
func (g *PoissonGroup) Emit(step int64, out []int32) []int32 {
	out = out[:0]
	b := step & g.mask
	cur := g.head[b]
	g.head[b] = -1
	for cur >= 0 {
		nx := g.link[cur]
		if g.due[cur] == step {
			for g.due[cur] == step {
				if t := g.next[cur]; t < 0 {
					g.next[cur] = -t // a wake-up: thinning resumes from there
				} else {
					out = append(out, cur)
				}
				g.advance(int(cur))
			}
		} else if g.due[cur] < step {
			// Only possible after Restore into a later step; drop the
			// stale event and draw a fresh one from now.
			g.next[cur] = float64(step) * g.dt
			g.advance(int(cur))
		}
		g.schedule(cur)
		cur = nx
	}
	return out
}

// SpikesPerStep is four times the expected spikes of one step, plus 64.
func (g *PoissonGroup) SpikesPerStep() int {
	total := 0.0
	for i := range g.N {
		total += g.rate(i)
	}
	return int(4*total*g.dt/1000) + 64
}

// Next returns generator i's next scheduled spike time (ms; +Inf: none).
// With RateFunc, a generator whose candidates were all rejected for a
// long stretch is parked at a wake-up: Next then returns −t, the time (ms)
// from which it goes on thinning.
func (g *PoissonGroup) Next(i int) float64 { return g.next[i] }

// SaveState writes the generators' random states and queue.
func (g *PoissonGroup) SaveState(e *StateEncoder) {
	for i := range g.pcg {
		e.PCG(&g.pcg[i])
	}
	e.Float64s(g.next)
	e.Int64s(g.due)
	e.Int32s(g.link)
	e.Int32s(g.head)
}

// RestoreState reads what SaveState wrote.
func (g *PoissonGroup) RestoreState(d *StateDecoder) error {
	for i := range g.pcg {
		d.PCG(&g.pcg[i])
	}
	d.Float64s(g.next)
	d.Int64s(g.due)
	d.Int32s(g.link)
	d.Int32s(g.head)
	if err := d.Err(); err != nil {
		return err
	}
	return g.checkQueue()
}

// checkQueue verifies a restored calendar queue, so that a crafted
// checkpoint cannot make Emit loop forever or index out of range: every
// next time is +Inf (due −1), a finite time ≥ 0 in step due, or (with
// RateFunc) a wake-up −t; every
// bucket list holds distinct generators due in that bucket, and together
// they hold every generator with a due step exactly once.
func (g *PoissonGroup) checkQueue() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("brain: PoissonGroup %q: restored queue: %s", g.Name, fmt.Sprintf(format, a...))
	}
	pending := 0
	for i, t := range g.next {
		switch {
		case math.IsInf(t, 1):
			if g.due[i] != -1 {
				return bad("generator %d has no next spike but is due at step %d", i, g.due[i])
			}
		case !(math.Abs(t) >= 0) || math.IsInf(t, -1) || g.due[i] < 0 || g.due[i] > MaxSteps || (t < 0 && g.RateFunc == nil):
			return bad("generator %d: next spike at %v ms, due step %d", i, t, g.due[i])
		default:
			pending++
		}
	}
	seen := make([]bool, g.N)
	listed := 0
	for b, cur := range g.head {
		for steps := 0; cur != -1; steps++ {
			if cur < 0 || int(cur) >= g.N || seen[cur] || steps > g.N {
				return bad("bucket %d: bad or repeated generator %d", b, cur)
			}
			if g.due[cur] < 0 || g.due[cur]&g.mask != int64(b) {
				return bad("generator %d (due step %d) listed in bucket %d", cur, g.due[cur], b)
			}
			seen[cur] = true
			listed++
			cur = g.link[cur]
		}
	}
	if listed != pending {
		return bad("%d generators listed, %d have a next spike", listed, pending)
	}
	return nil
}
