package plasticity

import (
	"fmt"
	"math"
	"slices"

	"github.com/neuron-sim/neuron/brain"
)

// RewardSTDP is reward-modulated (three-factor) STDP with eligibility
// traces: dopamine-modulated STDP of Izhikevich (2007, Cereb Cortex
// 17:2443). Spike pairs do not change a weight directly; they change the
// synapse's eligibility c, which decays slowly, and a neuromodulator
// (dopamine; brain.SynapseSpec.Modulator) turns eligibility into weight
// change:
//
//	dc/dt = −c/TauCMS + STDP(Δt)·δ(t − t_pair)
//	dw/dt = Rate·c·(BaselineDA + DA(t))
//
// STDP(Δt) is the pair window, APlus·exp(−Δt/TauPlusMS) for a
// presynaptic spike Δt ≥ 0 before a postsynaptic one and
// −AMinus·exp(Δt/TauMinusMS) for Δt < 0, from per-cell traces (all-to-all
// or nearest pairing, as brain.STDP; somatic spike times). DA(t) is the
// modulator's level (Synapses.Modulation), BaselineDA a tonic level.
// Weights are clipped to [WMin, WMax].
//
// As in Izhikevich's published code, the weights and the decay of c are
// updated in batches every UpdateEveryMS (rounded to whole steps, at
// least one): at each update every synapse moves by
// Rate·c·∫(BaselineDA + DA)dt over the batch, and c decays by
// exp(−UpdateEveryMS/TauCMS); pairings add to c as they happen. With
// UpdateEveryMS ≤ dt this is the forward-Euler solution step by step.
//
// State: c per synapse (8 bytes) and traces per cell.
type RewardSTDP struct {
	// TauPlusMS and TauMinusMS are the decay times of the pre- and
	// postsynaptic pair traces (ms, > 0).
	TauPlusMS, TauMinusMS float64
	// APlus and AMinus are the eligibility changes of a pre-before-post
	// and a post-before-pre pair at Δt = 0 (≥ 0).
	APlus, AMinus float64
	// Pairing is brain.PairAllToAll (traces add 1 per spike) or
	// brain.PairNearest (traces reset to 1).
	Pairing brain.Pairing
	// TauCMS is the decay time of the eligibility trace (ms, > 0).
	TauCMS float64
	// Rate converts c·dopamine into weight change (weight units per unit
	// of c and dopamine per ms, ≥ 0).
	Rate float64
	// BaselineDA is the tonic dopamine level added to the modulator's
	// (dimensionless, ≥ 0).
	BaselineDA float64
	// WMin and WMax bound the weight magnitudes (0 ≤ WMin < WMax).
	WMin, WMax float64
	// UpdateEveryMS is the batch interval of weight updates and
	// eligibility decay (ms; ≤ dt means every step).
	UpdateEveryMS float64
	// CoincidentDepress pairs spikes as Izhikevich's published program
	// does: a postsynaptic spike pairs with the presynaptic spikes of
	// earlier steps only, reading their trace as it was one step before
	// (a presynaptic spike Δ steps earlier adds
	// APlus·exp(−(Δ−1)·dt/TauPlusMS)), and a presynaptic spike pairs with
	// the postsynaptic spikes of its own step and earlier, so spikes in
	// the same step depress. Without it a same-step pair potentiates
	// (APlus) and a presynaptic spike Δ steps before a postsynaptic one
	// adds APlus·exp(−Δ·dt/TauPlusMS).
	CoincidentDepress bool

	dt             float64
	every          int64
	dPlus, dMinus  float64 // dt/τ of the pair traces
	dC             float64 // decay of c per batch
	c              []float64
	xPre, xPost    []float64 // pair traces, at steps tPre, tPost
	tPre, tPost    []int64
	da             float64 // ∫(baseline + DA) dt over the current batch
	colPtr, colSyn []uint32
}

// Izhikevich2007 returns the rule of Izhikevich's (2007) network as his
// published program (daspnet.m) computes it: eligibility jumps of 0.1 and
// 0.15 for pre-before-post and post-before-pre pairs with nearest-spike
// pairing and his pairing steps (CoincidentDepress); traces decaying by
// 0.95 per ms (τ = −1 ms/ln 0.95 ≈ 19.5 ms; his traces are set to 0.1 at
// each spike), τc = 1 s, tonic dopamine 0.002, weights in [0, 4] (mV, or
// pA at 1 pF), batch updates every 10 ms with Rate = 0.1 per ms (his
// weights move by (0.002 + DA)·c every 10 ms). Use it with dt = 1 ms, his
// step.
func Izhikevich2007() *RewardSTDP {
	tau := -1 / math.Log(0.95)
	return &RewardSTDP{
		TauPlusMS: tau, TauMinusMS: tau, APlus: 0.1, AMinus: 0.15, Pairing: brain.PairNearest,
		TauCMS: 1000, Rate: 0.1, BaselineDA: 0.002, WMin: 0, WMax: 4, UpdateEveryMS: 10,
		CoincidentDepress: true,
	}
}

// Validate checks the parameters and names the first bad one.
func (r *RewardSTDP) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
		ok   bool
	}{
		{"TauPlusMS", r.TauPlusMS, r.TauPlusMS > 0}, {"TauMinusMS", r.TauMinusMS, r.TauMinusMS > 0},
		{"APlus", r.APlus, r.APlus >= 0}, {"AMinus", r.AMinus, r.AMinus >= 0},
		{"TauCMS", r.TauCMS, r.TauCMS > 0}, {"Rate", r.Rate, r.Rate >= 0},
		{"BaselineDA", r.BaselineDA, r.BaselineDA >= 0}, {"WMin", r.WMin, r.WMin >= 0},
		{"WMax", r.WMax, r.WMax > r.WMin}, {"UpdateEveryMS", r.UpdateEveryMS, r.UpdateEveryMS >= 0},
	} {
		if !f.ok || math.IsInf(f.v, 0) {
			return fmt.Errorf("plasticity: RewardSTDP.%s = %v: out of range (see its doc)", f.name, f.v)
		}
	}
	if r.Pairing > brain.PairNearest {
		return fmt.Errorf("plasticity: RewardSTDP.Pairing = %v: unknown", r.Pairing)
	}
	return nil
}

// Prepare checks the rule and the initial weights and allocates the
// eligibility and the traces.
func (r *RewardSTDP) Prepare(s *brain.Synapses, dt float64) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if err := s.CheckWeights(r.WMin, r.WMax); err != nil {
		return fmt.Errorf("plasticity: RewardSTDP: initial weight outside [WMin, WMax]: %w", err)
	}
	r.dt = dt
	// At most 2⁵³ steps (brain.MaxSteps: never); int64 of a float beyond
	// 2⁶³ is not defined and made a huge interval every step.
	r.every = max(1, int64(min(math.Round(r.UpdateEveryMS/dt), float64(brain.MaxSteps))))
	r.dPlus, r.dMinus = dt/r.TauPlusMS, dt/r.TauMinusMS
	r.dC = math.Exp(-float64(r.every) * dt / r.TauCMS)
	r.c = make([]float64, s.Len())
	r.xPre, r.tPre = make([]float64, s.NPre()), make([]int64, s.NPre())
	r.xPost, r.tPost = make([]float64, s.NPost()), make([]int64, s.NPost())
	r.da = 0
	r.colPtr, r.colSyn = s.Incoming()
	return nil
}

// trace is a pair trace x last set at step t, read at step k, decaying
// by exp(−rate) per step.
func trace(x float64, t, k int64, rate float64) float64 {
	if x == 0 || k == t {
		return x
	}
	return x * math.Exp(-float64(k-t)*rate)
}

func (r *RewardSTDP) jump(x float64) float64 {
	if r.Pairing == brain.PairNearest {
		return 1
	}
	return x + 1
}

// Learn adds the step's pairings to the eligibilities and, every
// UpdateEveryMS, moves the weights by Rate·c·∫dopamine and decays c.
func (r *RewardSTDP) Learn(s *brain.Synapses, k int64, pre, post []int32) {
	if r.CoincidentDepress {
		r.potentiate(s, k, post, k-1)
		r.depress(s, k, pre)
	} else {
		r.depress(s, k, pre)
		r.potentiate(s, k, post, k)
	}
	r.da += (r.BaselineDA + s.Modulation(k)) * r.dt
	if (k+1)%r.every != 0 {
		return
	}
	g, dC, lo, hi, c := r.Rate*r.da, r.dC, r.WMin, r.WMax, r.c
	ws := s.Weights()
	ws = ws[:len(c)]
	for m, e := range c {
		ws[m] = float32(min(max(float64(ws[m])+g*e, lo), hi))
		c[m] = e * dC
	}
	r.da = 0
}

// depress lowers the eligibilities of the synapses of the presynaptic
// cells pre by AMinus times the postsynaptic traces, then updates the
// presynaptic traces.
func (r *RewardSTDP) depress(s *brain.Synapses, k int64, pre []int32) {
	tg, rp, c := s.Targets(), s.RowPtr(), r.c
	for _, i := range pre {
		lo, hi := rp[i], rp[i+1]
		cs, ts := c[lo:hi], tg[lo:hi]
		cs = cs[:len(ts)]
		for m, j := range ts {
			cs[m] -= r.AMinus * trace(r.xPost[j], r.tPost[j], k, r.dMinus)
		}
		r.xPre[i] = r.jump(trace(r.xPre[i], r.tPre[i], k, r.dPlus))
		r.tPre[i] = k
	}
}

// potentiate raises the eligibilities of the synapses onto the
// postsynaptic cells post by APlus times the presynaptic traces as of
// step at, then updates the postsynaptic traces.
func (r *RewardSTDP) potentiate(s *brain.Synapses, k int64, post []int32, at int64) {
	rp, c := s.RowPtr(), r.c
	for _, j := range post {
		i := 0
		for _, syn := range r.colSyn[r.colPtr[j]:r.colPtr[j+1]] {
			if rp[i+1] <= syn {
				i = s.RowOf(syn, i)
			}
			if r.tPre[i] <= at {
				c[syn] += r.APlus * trace(r.xPre[i], r.tPre[i], at, r.dPlus)
			}
		}
		r.xPost[j] = r.jump(trace(r.xPost[j], r.tPost[j], k, r.dMinus))
		r.tPost[j] = k
	}
}

// Eligibility returns the eligibility trace c of every synapse (read
// only), as of the last batch update plus the pairings since.
func (r *RewardSTDP) Eligibility() []float64 { return r.c }

// SaveState writes the eligibilities, traces and the dopamine integral.
func (r *RewardSTDP) SaveState(e *brain.StateEncoder) {
	e.Float64s(r.c)
	e.Float64s(r.xPre)
	e.Float64s(r.xPost)
	e.Int64s(r.tPre)
	e.Int64s(r.tPost)
	e.Float64s([]float64{r.da})
}

// RestoreState reads what SaveState wrote.
func (r *RewardSTDP) RestoreState(d *brain.StateDecoder) error {
	d.Float64s(r.c)
	d.Float64s(r.xPre)
	d.Float64s(r.xPost)
	d.Int64s(r.tPre)
	d.Int64s(r.tPost)
	da := []float64{0}
	d.Float64s(da)
	r.da = da[0]
	return d.Err()
}

// WeightBounds is [WMin, WMax], kept: every update clips to it, and the
// network stops a Run whose Modulator gives a level that is not finite.
func (r *RewardSTDP) WeightBounds() (lo, hi float64, kept bool) { return r.WMin, r.WMax, true }

// StorageBytes counts c (per synapse) and the traces (per cell).
func (r *RewardSTDP) StorageBytes() (perSynapse, perCell int64) {
	return int64(8 * len(r.c)), int64(16 * (len(r.xPre) + len(r.xPost)))
}

// Dopamine is a neuromodulator made of rewards: each reward at time t_r
// adds Amount·exp(−(t − t_r)/TauMS) to the level for t ≥ t_r (a jump
// decaying with TauMS; Izhikevich 2007: 0.5 and 200 ms). Schedule rewards
// with Reward before the network reaches them (from a brain.Monitor that
// watches the spikes, for instance). The rewards are part of a network
// checkpoint (Stateful, saved once however many projections share the
// Dopamine). Rewards older than 40·TauMS are left
// out of the sum (their share is below 1e−17 of one).
type Dopamine struct {
	Amount float64 // jump per reward (dimensionless)
	TauMS  float64 // decay time (ms)

	times []float64 // ascending
	first int       // rewards before first are older than the cut-off for the last level asked
}

// Reward schedules a reward at tMS (any order).
func (d *Dopamine) Reward(tMS float64) {
	k, _ := slices.BinarySearch(d.times, tMS)
	for k < len(d.times) && d.times[k] == tMS {
		k++
	}
	d.times = slices.Insert(d.times, k, tMS)
	if k <= d.first {
		d.first = 0
	}
}

// Rewards returns the scheduled reward times, ascending (ms; read only).
func (d *Dopamine) Rewards() []float64 { return d.times }

// Level is the dopamine level at tMS.
func (d *Dopamine) Level(tMS float64) float64 {
	cut := tMS - 40*d.TauMS
	for d.first > 0 && d.times[d.first-1] >= cut {
		d.first--
	}
	for d.first < len(d.times) && d.times[d.first] < cut {
		d.first++
	}
	s := 0.0
	for _, r := range d.times[d.first:] {
		if r > tMS {
			break
		}
		s += d.Amount * math.Exp(-(tMS-r)/d.TauMS)
	}
	return s
}

// SaveState writes the rewards (all of them, so that Rewards is the same
// after a restore), for Network.Save.
func (d *Dopamine) SaveState(e *brain.StateEncoder) { e.Float64s(d.times) }

// RestoreState replaces the rewards by those SaveState wrote.
func (d *Dopamine) RestoreState(dec *brain.StateDecoder) error {
	times := dec.AppendFloat64s(nil)
	if err := dec.Err(); err != nil {
		return err
	}
	for k, t := range times {
		if math.IsNaN(t) || (k > 0 && t < times[k-1]) {
			return dec.Fail("Dopamine reward %d at %v ms: not ascending", k, t)
		}
	}
	d.times, d.first = times, 0
	return nil
}

var (
	_ brain.Stateful      = (*RewardSTDP)(nil)
	_ brain.WeightBounder = (*RewardSTDP)(nil)
	_ brain.Modulator     = (*Dopamine)(nil)
	_ brain.Stateful      = (*Dopamine)(nil)
)
