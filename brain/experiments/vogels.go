package experiments

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// Balance is the single-cell experiment of Vogels, Sprekeler, Zenke,
// Clopath & Gerstner (2011, Science 334:1569, Figs. 1–2): one
// conductance-based leaky integrate-and-fire cell (brain.Generic with
// ConductanceExp synapses: τm = 20 ms, gL = 10 nS, EL = −60 mV, θ =
// −50 mV, reset −60 mV, refractory 5 ms; τE = 5 ms, τI = 10 ms, EE = 0 mV,
// EI = −80 mV, the paper's cell) receives 800 excitatory and 200
// inhibitory Poisson afferents in 8 channels (100 + 25 each). The
// afferents of a channel share one time-varying rate, a rectified
// Ornstein–Uhlenbeck signal (τ = 50 ms, mean 10 Hz, s.d. 10 Hz, our
// choice), independent between channels. Excitatory weights are tuned to
// channel 4, gE(k) = 0.14 nS·(0.3 + 1.1/(1 + (k − 4)⁴)) (the paper's tuning-curve shape
// with its 140 pS quantum); inhibitory weights start equal, at
// InitialInhNS, and learn with plasticity.VogelsSprekeler (τ = 20 ms,
// ρ0 = Rho0Hz, η = EtaNS).
//
// The run has three phases: FrozenS seconds with the rule off (before),
// LearnS seconds of learning, FrozenS seconds with the rule off again
// (after). The paper's claims, measured here: the output rate settles at
// ρ0, and the inhibitory current comes to track the excitatory one (their
// correlation, in 50 ms bins, rises).
type Balance struct {
	LearnS, FrozenS float64 // s
	Rho0Hz          float64 // target rate (Hz; 0: 5 Hz, the paper's)
	EtaNS           float64 // learning rate (nS; 0: 3.5e−3 nS = 0.01 of the paper's 350 pS quantum, 100 × the paper's for speed)
	InitialInhNS    float64 // initial inhibitory weights (nS)
	Seed            uint64
}

// BalanceResult is what RunBalance measured.
type BalanceResult struct {
	// RateTimesS and RateHz are the output rate in 2-s bins over the whole run.
	RateTimesS, RateHz []float64
	// RateBeforeHz, RateAfterHz are the rates of the frozen phases;
	// RateLateHz the rate over the second half of the learning phase.
	RateBeforeHz, RateAfterHz, RateLateHz float64
	// CorrBefore, CorrAfter are the correlations of the excitatory and
	// (sign-flipped) inhibitory currents in 50-ms bins in the frozen phases.
	CorrBefore, CorrAfter float64
	// CurrentTimesMS, ExcBefore, InhBefore, ExcAfter, InhAfter are the
	// first 2 s of each frozen phase's binned currents (pA; inhibitory
	// sign-flipped), for plotting.
	CurrentTimesMS                           []float64
	ExcBefore, InhBefore, ExcAfter, InhAfter []float64
	// ExcWeights and InhWeights are the mean weights per channel at the end (nS).
	ExcWeights, InhWeights []float64
}

// ouSignal is a rectified Ornstein–Uhlenbeck rate (Hz) sampled every ms.
func ouSignal(r *rand.Rand, nMS int, tau, mean, sd float64) []float64 {
	out := make([]float64, nMS)
	a := math.Exp(-1 / tau)
	b := math.Sqrt(1 - a*a)
	z := r.NormFloat64()
	for k := range out {
		out[k] = max(0, mean+sd*z)
		z = a*z + b*r.NormFloat64()
	}
	return out
}

// RunBalance runs the experiment.
func RunBalance(ctx context.Context, c Balance) (BalanceResult, error) {
	if !(c.LearnS >= 0 && c.FrozenS > 0) || math.IsInf(c.LearnS+c.FrozenS, 0) {
		return BalanceResult{}, fmt.Errorf("experiments: Balance LearnS = %v, FrozenS = %v: want LearnS ≥ 0, FrozenS > 0", c.LearnS, c.FrozenS)
	}
	rho0, eta := c.Rho0Hz, c.EtaNS
	if rho0 == 0 {
		rho0 = 5
	}
	if eta == 0 {
		eta = 3.5e-3
	}
	const dt, nch, nE, nI = 0.1, 8, 100, 25
	totalMS := (c.LearnS + 2*c.FrozenS) * 1000
	p := brain.Generic()
	p.Synapse.Model = brain.ConductanceExp
	cell, err := brain.NewPopulation("cell", 1, p)
	if err != nil {
		return BalanceResult{}, err
	}
	net := brain.NewNetwork(dt, c.Seed)
	rng := rand.New(rand.NewPCG(c.Seed, 0x0090ce15))
	rule := &plasticity.VogelsSprekeler{TauMS: 20, Eta: 0, Rho0Hz: rho0, WMin: 0, WMax: 50}
	var res BalanceResult
	var inh []*brain.Projection
	var rules []*plasticity.VogelsSprekeler
	for k := range nch {
		sig := ouSignal(rng, int(totalMS)+1, 50, 10, 10)
		peak := 0.0
		for _, x := range sig {
			peak = max(peak, x)
		}
		rate := func(t float64) float64 { return sig[int(t)%len(sig)] } // periodic beyond the run
		ge := 0.14 * (0.3 + 1.1/(1+math.Pow(float64(k-4), 4)))
		res.ExcWeights = append(res.ExcWeights, ge)
		e := &brain.PoissonGroup{Name: fmt.Sprintf("E%d", k), N: nE, RateFunc: rate, MaxRateHz: peak + 1}
		i := &brain.PoissonGroup{Name: fmt.Sprintf("I%d", k), N: nI, RateFunc: rate, MaxRateHz: peak + 1, Inhibitory: true}
		if _, err := net.ConnectSource(e, cell, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(ge)}); err != nil {
			return res, err
		}
		r := rule
		if k > 0 {
			cp := *rule
			r = &cp
		}
		pr, err := net.ConnectSource(i, cell, brain.AllToAll{}, brain.SynapseSpec{Weight: brain.Const(-c.InitialInhNS), Plasticity: r})
		if err != nil {
			return res, err
		}
		inh = append(inh, pr)
		rules = append(rules, r)
	}
	spikes, err := net.RecordSpikes(cell)
	if err != nil {
		return res, err
	}
	st, err := net.RecordState(cell, []int{0}, []string{"V", "IE", "II"}, 10)
	if err != nil {
		return res, err
	}
	setEta := func(x float64) {
		for _, r := range rules {
			r.Eta = x
		}
	}
	for _, ph := range []struct {
		eta, s float64
	}{{0, c.FrozenS}, {eta, c.LearnS}, {0, c.FrozenS}} {
		setEta(ph.eta)
		if err := net.Run(ctx, ph.s*1000, nil); err != nil {
			return res, err
		}
	}
	// Rates.
	ts := spikes.Times(0)
	nb := int(math.Ceil(totalMS / 2000))
	res.RateTimesS = make([]float64, nb)
	res.RateHz = make([]float64, nb)
	for b := range nb {
		res.RateTimesS[b] = 2*float64(b) + 1
	}
	count := func(a, b float64) int {
		n := 0
		for _, t := range ts {
			if t >= a && t < b {
				n++
			}
		}
		return n
	}
	for _, t := range ts {
		res.RateHz[min(int(t/2000), nb-1)] += 0.5
	}
	fz := c.FrozenS * 1000
	res.RateBeforeHz = float64(count(0, fz)) / c.FrozenS
	res.RateAfterHz = float64(count(totalMS-fz, totalMS)) / c.FrozenS
	if c.LearnS > 0 {
		res.RateLateHz = float64(count(fz+c.LearnS*500, fz+c.LearnS*1000)) / (c.LearnS / 2)
	}
	// Currents in 50-ms bins.
	v, _ := st.Trace(0, "V")
	ge, _ := st.Trace(0, "IE")
	gi, _ := st.Trace(0, "II")
	bins := func(a, b float64) (ex, in []float64) {
		const w = 50.0 // ms
		for t0 := a; t0+w <= b; t0 += w {
			var se, si float64
			n := 0
			for k := int(t0); k < int(t0+w) && k < len(v); k++ { // samples every 1 ms
				se += -ge[k] * (v[k] - p.Synapse.EE)
				si += gi[k] * (v[k] - p.Synapse.EI)
				n++
			}
			ex, in = append(ex, se/float64(n)), append(in, si/float64(n))
		}
		return ex, in
	}
	eb, ib := bins(0, fz)
	ea, ia := bins(totalMS-fz, totalMS)
	res.CorrBefore, res.CorrAfter = pearson(eb, ib), pearson(ea, ia)
	n := min(40, len(eb), len(ea))
	for k := range n {
		res.CurrentTimesMS = append(res.CurrentTimesMS, 50*float64(k)+25)
	}
	res.ExcBefore, res.InhBefore, res.ExcAfter, res.InhAfter = eb[:n], ib[:n], ea[:n], ia[:n]
	for _, pr := range inh {
		s := 0.0
		for k := range pr.NumSynapses() {
			s += pr.Weight(k)
		}
		res.InhWeights = append(res.InhWeights, s/float64(pr.NumSynapses()))
	}
	return res, nil
}

// pearson is the correlation coefficient of x and y.
func pearson(x, y []float64) float64 {
	n := float64(len(x))
	var mx, my float64
	for k := range x {
		mx += x[k]
		my += y[k]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for k := range x {
		sxy += (x[k] - mx) * (y[k] - my)
		sxx += (x[k] - mx) * (x[k] - mx)
		syy += (y[k] - my) * (y[k] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}
