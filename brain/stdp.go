package brain

import (
	"fmt"
	"math"
)

// Pairing selects which pre/post spike pairs interact in STDP (Morrison,
// Diesmann & Gerstner 2008, Biol Cybern 98:459, section 4.1).
type Pairing uint8

const (
	// PairAllToAll: every presynaptic spike pairs with every postsynaptic
	// spike; each spike adds 1 to its trace.
	PairAllToAll Pairing = iota
	// PairNearest: symmetric nearest-spike pairing; each spike resets its
	// trace to 1, so only the most recent spike of the other side counts.
	PairNearest
)

func (p Pairing) String() string {
	switch p {
	case PairAllToAll:
		return "PairAllToAll"
	case PairNearest:
		return "PairNearest"
	}
	return fmt.Sprintf("Pairing(%d)", uint8(p))
}

// WeightDependence selects how the size of an STDP update depends on the
// current weight.
type WeightDependence uint8

const (
	// Additive: updates do not depend on w; w is clipped to [WMin, WMax]
	// (hard bounds; Song, Miller & Abbott 2000).
	Additive WeightDependence = iota
	// Multiplicative: potentiation scales with (WMax − w), depression with
	// (w − WMin), both divided by WMax − WMin (soft bounds; van Rossum, Bi &
	// Turrigiano 2000; Rubin, Lee & Sompolinsky 2001).
	Multiplicative
)

func (d WeightDependence) String() string {
	switch d {
	case Additive:
		return "Additive"
	case Multiplicative:
		return "Multiplicative"
	}
	return fmt.Sprintf("WeightDependence(%d)", uint8(d))
}

// STDP is spike-timing-dependent plasticity with pre- and postsynaptic
// traces (Song, Miller & Abbott 2000; Morrison et al. 2008), optionally
// with the triplet terms of Pfister & Gerstner 2006 (J Neurosci 26:9673).
//
// Each presynaptic cell i has traces r1 (τ+) and r2 (τx), each
// postsynaptic cell j traces o1 (τ−) and o2 (τy); they decay
// exponentially and jump at the cell's spikes (by 1, or to 1 with PairNearest
// pairing). On a presynaptic spike of i, every synapse i→j is depressed,
// then i's traces jump; on a postsynaptic spike of j, every synapse i→j is
// potentiated, then j's traces jump:
//
//	pre  spike of i:  w_ij ← w_ij − f−(w)·o1_j·(AMinus + A3Minus·r2_i)
//	post spike of j:  w_ij ← w_ij + f+(w)·r1_i·(APlus  + A3Plus·o2_j)
//
// with f± = 1 (Additive, then w clipped to [WMin, WMax]) or
// f+ = (WMax−w)/(WMax−WMin), f− = (w−WMin)/(WMax−WMin) (Multiplicative).
// For one isolated pair at Δt = t_post − t_pre the pair rule (A3± = 0)
// gives the exponential window
//
//	Δw = +APlus·exp(−Δt/τ+)   for Δt ≥ 0
//	Δw = −AMinus·exp(+Δt/τ−)  for Δt < 0
//
// (see Window). Within one time step presynaptic spikes are processed
// before postsynaptic ones, so Δt = 0 potentiates. Pairing uses somatic
// spike times: the synaptic delay does not enter Δt. A spike is delivered
// with the weight from before this step's updates, as in the statement
// order of the Brian2 example of Song et al. 2000 ("ge += w", then "w =
// clip(w + Apost, 0, gmax)"). NEST delivers the depressed
// weight instead; the difference is one depression step, A−·o1 (about 1 %
// of gmax in the Song network), but the output rate of a neuron driven
// near threshold is sensitive to it.
//
// Weights are magnitudes in the projection's units (pA or nS, before the
// presynaptic Efficacy factor), and so are APlus, AMinus, A3Plus, A3Minus,
// WMin and WMax.
type STDP struct {
	// TauPlus is the decay time of the presynaptic trace r1 (ms).
	TauPlus float64
	// TauMinus is the decay time of the postsynaptic trace o1 (ms).
	TauMinus float64
	// APlus is the potentiation amplitude (weight units, ≥ 0).
	APlus float64
	// AMinus is the depression amplitude (weight units, ≥ 0; the weight
	// decreases by AMinus·o1).
	AMinus float64
	// WMin and WMax bound the weight magnitude (weight units, 0 ≤ WMin < WMax).
	WMin, WMax float64
	// Pairing is PairAllToAll (the zero value) or PairNearest.
	Pairing Pairing
	// Dependence is Additive (the zero value) or Multiplicative.
	Dependence WeightDependence

	// TauX is the decay time of the slow presynaptic trace r2 (ms); needed
	// when A3Minus ≠ 0 (Pfister & Gerstner 2006 visual-cortex fit: 101 ms).
	TauX float64
	// TauY is the decay time of the slow postsynaptic trace o2 (ms); needed
	// when A3Plus ≠ 0 (visual-cortex fit: 125 ms).
	TauY float64
	// A3Plus is the triplet potentiation amplitude (weight units, ≥ 0).
	A3Plus float64
	// A3Minus is the triplet depression amplitude (weight units, ≥ 0).
	A3Minus float64
}

// SongRule returns the additive all-to-all rule of Song, Miller & Abbott
// 2000 (Nat Neurosci 3:919) as used in the Brian2 benchmark
// (Brian2 documentation, examples/frompapers): τ+ = τ− = 20 ms, A+ = 0.01·gmax, A− = 1.05·A+, hard
// bounds [0, gmax].
func SongRule(gmax float64) STDP {
	return STDP{
		TauPlus: 20, TauMinus: 20, // ms (Song et al. 2000)
		APlus: 0.01 * gmax, AMinus: 0.0105 * gmax, // A−/A+ = 1.05 (Song et al. 2000)
		WMin: 0, WMax: gmax,
	}
}

// BiPooRule returns an additive pair rule with the time constants of the
// exponential fit to the Bi & Poo 1998 (J Neurosci 18:10464) window:
// τ+ = 16.8 ms, τ− = 33.7 ms (Bi & Poo 2001, Annu Rev Neurosci 24:139;
// also used by Izhikevich & Desai 2003, Neural Comput 15:1511). Amplitudes
// a+ and a− are relative to wmax (Bi & Poo measured ≈ +0.8 and ≈ −0.3
// relative changes at the peaks; choose what the model needs).
func BiPooRule(aPlus, aMinus, wmax float64) STDP {
	return STDP{
		TauPlus: 16.8, TauMinus: 33.7, // ms (Bi & Poo 2001 fit of Bi & Poo 1998)
		APlus: aPlus * wmax, AMinus: aMinus * wmax,
		WMin: 0, WMax: wmax,
	}
}

// Validate checks the rule and names the first bad field.
func (s STDP) Validate() error {
	bad := func(f string, v float64, why string) error {
		return fmt.Errorf("brain: STDP.%s = %v: %s", f, v, why)
	}
	for _, x := range []struct {
		f string
		v float64
	}{{"TauPlus", s.TauPlus}, {"TauMinus", s.TauMinus}, {"APlus", s.APlus}, {"AMinus", s.AMinus},
		{"WMin", s.WMin}, {"WMax", s.WMax}, {"TauX", s.TauX}, {"TauY", s.TauY},
		{"A3Plus", s.A3Plus}, {"A3Minus", s.A3Minus}} {
		if math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return bad(x.f, x.v, "must be finite")
		}
	}
	switch {
	case !(s.TauPlus > 0):
		return bad("TauPlus", s.TauPlus, "must be > 0 ms")
	case !(s.TauMinus > 0):
		return bad("TauMinus", s.TauMinus, "must be > 0 ms")
	case s.APlus < 0:
		return bad("APlus", s.APlus, "must be ≥ 0 (weight units)")
	case s.AMinus < 0:
		return bad("AMinus", s.AMinus, "must be ≥ 0 (the size of depression)")
	case s.WMin < 0:
		return bad("WMin", s.WMin, "must be ≥ 0 (weights are magnitudes)")
	case !(s.WMax > s.WMin):
		return bad("WMax", s.WMax, "must exceed WMin")
	case s.A3Plus < 0:
		return bad("A3Plus", s.A3Plus, "must be ≥ 0")
	case s.A3Minus < 0:
		return bad("A3Minus", s.A3Minus, "must be ≥ 0")
	case s.A3Plus != 0 && !(s.TauY > 0):
		return bad("TauY", s.TauY, "must be > 0 ms when A3Plus ≠ 0")
	case s.A3Minus != 0 && !(s.TauX > 0):
		return bad("TauX", s.TauX, "must be > 0 ms when A3Minus ≠ 0")
	case s.Pairing > PairNearest:
		return bad("Pairing", float64(s.Pairing), "unknown pairing")
	case s.Dependence > Multiplicative:
		return bad("Dependence", float64(s.Dependence), "unknown weight dependence")
	}
	return nil
}

// Window is the weight change that one isolated pre/post pair makes to a
// synapse of weight w, for Δt = t_post − t_pre (ms), under the pair terms
// of the rule (triplet terms vanish for an isolated pair; the result is
// not clipped). It is the curve Bi & Poo 1998 measured (their Fig. 7).
func (s STDP) Window(dtMS, w float64) float64 {
	if dtMS >= 0 {
		return s.fPlus(w) * s.APlus * math.Exp(-dtMS/s.TauPlus)
	}
	return -s.fMinus(w) * s.AMinus * math.Exp(dtMS/s.TauMinus)
}

func (s STDP) fPlus(w float64) float64 {
	if s.Dependence == Multiplicative {
		return (s.WMax - w) / (s.WMax - s.WMin)
	}
	return 1
}

func (s STDP) fMinus(w float64) float64 {
	if s.Dependence == Multiplicative {
		return (w - s.WMin) / (s.WMax - s.WMin)
	}
	return 1
}

// depress is the presynaptic-spike update of weight w given the
// postsynaptic trace o1 and the presynaptic slow trace r2 (before its jump).
func (s *STDP) depress(w, o1, r2 float64) float64 {
	dw := o1 * (s.AMinus + s.A3Minus*r2)
	if s.Dependence == Multiplicative {
		w -= dw * (w - s.WMin) / (s.WMax - s.WMin)
	} else {
		w -= dw
	}
	if w < s.WMin {
		w = s.WMin
	}
	return w
}

// potentiate is the postsynaptic-spike update of weight w given the
// presynaptic trace r1 and the postsynaptic slow trace o2 (before its jump).
func (s *STDP) potentiate(w, r1, o2 float64) float64 {
	dw := r1 * (s.APlus + s.A3Plus*o2)
	if s.Dependence == Multiplicative {
		w += dw * (s.WMax - w) / (s.WMax - s.WMin)
	} else {
		w += dw
	}
	if w > s.WMax {
		w = s.WMax
	}
	return w
}

// jump applies a spike to a trace value.
func (s *STDP) jump(x float64) float64 {
	if s.Pairing == PairNearest {
		return 1
	}
	return x + 1
}

// NewRule returns the PlasticityRule that applies s to one projection
// (SynapseSpec.STDP does this for you): its state is the traces below,
// saved with the network.
func (s STDP) NewRule() PlasticityRule { return &stdpRule{rule: s} }

// stdpRule is the STDP state of a projection.
//
// The traces are event-driven: each cell's traces are stored as they were
// right after its last spike, at step rt[i] (ot[j]), and decayed to the
// current step only when a spike reads them, x(k) = x(t)·exp(−(k−t)·dt/τ),
// so that a step costs nothing for the cells that do not spike.
type stdpRule struct {
	rule           STDP
	dPlus, dMinus  decay     // decay of r1, o1
	dX, dY         decay     // decay of r2, o2
	r1, r2         []float64 // presynaptic traces (nPre) at step rt; r2 nil without triplet terms
	o1, o2         []float64 // postsynaptic traces (nPost) at step ot; o2 nil without triplet terms
	rt, ot         []int64   // step of each cell's last trace update
	colPtr, colSyn []uint32  // incoming synapses of each postsynaptic cell
}

// decay is exp(−n·dt/τ) for whole numbers of steps n ≥ 0, tabulated for
// small n.
type decay struct {
	tab  []float64
	rate float64 // dt/τ
}

const decayTable = 2048

func newDecay(dt, tau float64) decay {
	d := decay{rate: dt / tau, tab: make([]float64, decayTable)}
	for n := range d.tab {
		d.tab[n] = math.Exp(-float64(n) * d.rate)
	}
	return d
}

// at is exp(−n·dt/τ).
func (d *decay) at(n int64) float64 {
	if uint64(n) < decayTable {
		return d.tab[n]
	}
	return math.Exp(-float64(n) * d.rate)
}

// Prepare checks the rule and the initial weights and allocates the
// traces.
func (pl *stdpRule) Prepare(sy *Synapses, dt float64) error {
	rule := pl.rule
	if err := rule.Validate(); err != nil {
		return err
	}
	if err := sy.CheckWeights(rule.WMin, rule.WMax); err != nil {
		return fmt.Errorf("brain: initial weight outside the STDP bounds [WMin, WMax]: %w", err)
	}
	nPre, nPost := sy.NPre(), sy.NPost()
	pl.dPlus, pl.dMinus = newDecay(dt, rule.TauPlus), newDecay(dt, rule.TauMinus)
	pl.r1, pl.o1 = make([]float64, nPre), make([]float64, nPost)
	pl.rt, pl.ot = make([]int64, nPre), make([]int64, nPost)
	if rule.A3Minus != 0 {
		pl.dX = newDecay(dt, rule.TauX)
		pl.r2 = make([]float64, nPre)
	}
	if rule.A3Plus != 0 {
		pl.dY = newDecay(dt, rule.TauY)
		pl.o2 = make([]float64, nPost)
	}
	pl.colPtr, pl.colSyn = sy.Incoming()
	return nil
}

// Learn applies STDP at step k: presynaptic spikes depress (then bump
// r1, r2), postsynaptic spikes potentiate (then bump o1, o2), every trace
// read at its value at step k.
func (pl *stdpRule) Learn(sy *Synapses, k int64, pre, post []int32) {
	for _, i := range pre {
		pl.preSpike(sy, k, i)
	}
	for _, j := range post {
		pl.postSpike(sy, k, j)
	}
}

// preSpike depresses the outgoing synapses of presynaptic cell i at step
// k, then bumps its traces.
func (pl *stdpRule) preSpike(sy *Synapses, k int64, i int32) {
	rule := &pl.rule
	age := k - pl.rt[i]
	r2 := 0.0
	if pl.r2 != nil {
		r2 = pl.r2[i] * pl.dX.at(age)
	}
	rp := sy.RowPtr()
	lo, hi := rp[i], rp[i+1]
	ts, ww := sy.Targets()[lo:hi], sy.Weights()[lo:hi]
	ww = ww[:len(ts)]
	o1, ot := pl.o1, pl.ot
	for s, j := range ts {
		ww[s] = float32(rule.depress(float64(ww[s]), o1[j]*pl.dMinus.at(k-ot[j]), r2))
	}
	pl.r1[i] = rule.jump(pl.r1[i] * pl.dPlus.at(age))
	if pl.r2 != nil {
		pl.r2[i] = rule.jump(r2)
	}
	pl.rt[i] = k
}

// postSpike potentiates the incoming synapses of postsynaptic cell j at
// step k, then bumps its traces.
func (pl *stdpRule) postSpike(sy *Synapses, k int64, j int32) {
	rule := &pl.rule
	age := k - pl.ot[j]
	o2 := 0.0
	if pl.o2 != nil {
		o2 = pl.o2[j] * pl.dY.at(age)
	}
	ws, rp := sy.Weights(), sy.RowPtr()
	r1, rt := pl.r1, pl.rt
	i := 0
	for _, s := range pl.colSyn[pl.colPtr[j]:pl.colPtr[j+1]] {
		// Presynaptic cell of s: incoming synapses are ascending, so it
		// is the last one's or a later one: most often the next
		// (all-to-all, one synapse per pair), else found by galloping.
		if rp[i+1] <= s {
			if i++; rp[i+1] <= s {
				i = sy.RowOf(s, i)
			}
		}
		ws[s] = float32(rule.potentiate(float64(ws[s]), r1[i]*pl.dPlus.at(k-rt[i]), o2))
	}
	pl.o1[j] = rule.jump(pl.o1[j] * pl.dMinus.at(age))
	if pl.o2 != nil {
		pl.o2[j] = rule.jump(o2)
	}
	pl.ot[j] = k
}

// SaveState writes the traces and the steps of their last updates.
func (pl *stdpRule) SaveState(e *StateEncoder) {
	e.Float64s(pl.r1)
	e.Float64s(pl.r2)
	e.Float64s(pl.o1)
	e.Float64s(pl.o2)
	e.Int64s(pl.rt)
	e.Int64s(pl.ot)
}

// RestoreState reads what SaveState wrote.
func (pl *stdpRule) RestoreState(d *StateDecoder) error {
	d.Float64s(pl.r1)
	d.Float64s(pl.r2)
	d.Float64s(pl.o1)
	d.Float64s(pl.o2)
	d.Int64s(pl.rt)
	d.Int64s(pl.ot)
	return d.Err()
}

// WeightBounds is [WMin, WMax], kept: every update clips to it.
func (pl *stdpRule) WeightBounds() (lo, hi float64, kept bool) {
	return pl.rule.WMin, pl.rule.WMax, true
}

// StorageBytes counts the traces and their times (per cell).
func (pl *stdpRule) StorageBytes() (perSynapse, perCell int64) {
	return 0, int64(8 * (len(pl.r1) + len(pl.r2) + len(pl.o1) + len(pl.o2) + len(pl.rt) + len(pl.ot)))
}
