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
// inhibitory afferents in 8 channels (100 + 25 each) whose trains share
// the channel's signal (Input; by default the paper's statistics, from
// its Supplementary 6.2.1 and its published code, ModelDB 143751).
// Excitatory weights are tuned to channel 4, gE(k) = 0.14 nS·(0.3 +
// 1.1/(1 + (k − 4)⁴)) (+ U(0, 0.014) nS with the paper's input);
// inhibitory weights start equal, at InitialInhNS, and learn with
// plasticity.VogelsSprekeler (τ = 20 ms, ρ0 = Rho0Hz, η = EtaNS).
//
// The run has three phases: FrozenS seconds with the rule off (before),
// LearnS seconds of learning, FrozenS seconds with the rule off again
// (after). The paper's claims, measured here: the output rate settles
// near ρ0, and the inhibitory current comes to track the excitatory one
// (their correlation, in 50 ms bins, rises). BalanceResult.Kappa
// measures how far the trains' correlations move the rule's fixed point
// below ρ0.
type Balance struct {
	LearnS, FrozenS float64 // s
	Rho0Hz          float64 // target rate (Hz; 0: 5 Hz, the paper's)
	EtaNS           float64 // learning rate (nS; 0: 3.5e−4 nS, the published code's 1e−3 of its 350 pS quantum)
	InitialInhNS    float64 // initial inhibitory weights (nS)
	// Input chooses the afferents' statistics (PaperInput by default).
	Input BalanceInput
	Seed  uint64
}

// BalanceInput is the input statistics of Balance.
type BalanceInput int

const (
	// PaperInput is the paper's (Supplementary 6.2.1 and its published
	// code): the trains of a channel fire at 5 Hz plus the rectified
	// part of a shared filtered noise (bursts up to about 500 Hz), with a
	// 5-ms dead time; excitatory weights carry the code's jitter of
	// +U(0, 0.1) quanta.
	PaperInput BalanceInput = iota
	// OUInput: Poisson trains at a channel's rectified Ornstein–Uhlenbeck
	// rate (τ = 50 ms, mean 10 Hz, s.d. 10 Hz), no weight jitter.
	OUInput
	// IndependentInput: every train Poisson at a constant 40 Hz, no
	// shared signal, so presynaptic and postsynaptic spikes are
	// correlated only through the inhibitory synapse itself: the case
	// in which the rule's fixed point is exactly ρ0.
	IndependentInput
)

// BalanceResult is what RunBalance measured.
type BalanceResult struct {
	// RateTimesS and RateHz are the output rate in 2-s bins over the whole run.
	RateTimesS, RateHz []float64
	// RateBeforeHz, RateAfterHz are the rates of the frozen phases;
	// RateLateHz the rate over the second half of the learning phase.
	RateBeforeHz, RateAfterHz, RateLateHz float64
	// Kappa measures, over the second half of learning, how much the
	// spike trains' correlations raise the rule's pairing terms above
	// their values for independent trains: the mean postsynaptic trace at
	// inhibitory presynaptic spikes over ρ_post·τ, and the mean
	// presynaptic trace at postsynaptic spikes over ρ_pre·τ, averaged.
	// With the summed inhibitory weight at rest the rule's fixed point is
	// ρ_post = ρ0/Kappa (exactly ρ0 for independent trains, Kappa = 1).
	Kappa float64
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

// vogelsInput is one channel's excitatory or inhibitory afferents with
// the input statistics of Vogels et al. (2011, Supplementary 6.2.1, and
// their published code, ModelDB 143751): a signal s(t) is uniform white
// noise on [−½, ½] low-pass filtered with τ = 50 ms (updated every step);
// each of the N trains fires in a step with probability
// 5 Hz·dt + max(0, 0.05·s/0.03) (a 5 Hz background plus bursts peaking
// near 500 Hz, s/0.03 being about 1 at the signal's peaks) unless it fired
// within the last 5 ms (dead time). Both sources of a channel draw the
// signal from the same seed, so they share it. Not Stateful: for
// experiments only.
type vogelsInput struct {
	name     string
	n        int
	inh      bool
	sigSeed  uint64
	seed     uint64
	sig, rng *rand.Rand
	s, a     float64 // signal, its per-step decay
	bg, gain float64 // per-step background probability, signal gain
	dead     int64   // dead time (steps)
	last     []int64 // step of each train's last spike
}

func newVogelsInput(name string, n int, inh bool, sigSeed, seed uint64) *vogelsInput {
	return &vogelsInput{name: name, n: n, inh: inh, sigSeed: sigSeed, seed: seed}
}

func (v *vogelsInput) Len() int           { return v.n }
func (v *vogelsInput) SourceName() string { return v.name }
func (v *vogelsInput) IsInhibitory() bool { return v.inh }

func (v *vogelsInput) Prepare(dt float64, _ brain.Streams) error {
	v.sig = rand.New(rand.NewPCG(v.sigSeed, 0x5197a1))
	v.rng = rand.New(rand.NewPCG(v.seed, 0x7a1a5))
	v.s, v.a = 0, math.Exp(-dt/50)
	v.bg, v.gain = 5*dt/1000, 0.05*dt/0.1/0.03 // 500 Hz·dt at s = 0.03
	v.dead = int64(math.Round(5 / dt))
	v.last = make([]int64, v.n)
	for k := range v.last {
		v.last[k] = -v.dead - 1
	}
	return nil
}

func (v *vogelsInput) Emit(step int64, dst []int32) []int32 {
	u := v.sig.Float64() - 0.5
	v.s = u - (u-v.s)*v.a
	p := v.bg + v.gain*max(0, v.s)
	dst = dst[:0]
	for k, t := range v.last {
		if v.rng.Float64() < p && step-t > v.dead {
			dst = append(dst, int32(k))
			v.last[k] = step
		}
	}
	return dst
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
		eta = 3.5e-4
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
		ge := 0.14 * (0.3 + 1.1/(1+math.Pow(float64(k-4), 4)))
		var e, i brain.Source
		w := brain.Const(ge)
		switch c.Input {
		case IndependentInput:
			e = &brain.PoissonGroup{Name: fmt.Sprintf("E%d", k), N: nE, RateHz: 40}
			i = &brain.PoissonGroup{Name: fmt.Sprintf("I%d", k), N: nI, RateHz: 40, Inhibitory: true}
		case OUInput:
			sig := ouSignal(rng, int(totalMS)+1, 50, 10, 10)
			peak := 0.0
			for _, x := range sig {
				peak = max(peak, x)
			}
			rate := func(t float64) float64 { return sig[int(t)%len(sig)] } // periodic beyond the run
			e = &brain.PoissonGroup{Name: fmt.Sprintf("E%d", k), N: nE, RateFunc: rate, MaxRateHz: peak + 1}
			i = &brain.PoissonGroup{Name: fmt.Sprintf("I%d", k), N: nI, RateFunc: rate, MaxRateHz: peak + 1, Inhibitory: true}
		case PaperInput:
			sigSeed := rng.Uint64()
			e = newVogelsInput(fmt.Sprintf("E%d", k), nE, false, sigSeed, rng.Uint64())
			i = newVogelsInput(fmt.Sprintf("I%d", k), nI, true, sigSeed, rng.Uint64())
			w = brain.Uniform(ge, ge+0.014) // the paper's code: +U(0, 0.1) quanta of 140 pS
			ge += 0.007
		default:
			return BalanceResult{}, fmt.Errorf("experiments: Balance.Input = %d: unknown", c.Input)
		}
		res.ExcWeights = append(res.ExcWeights, ge)
		if _, err := net.ConnectSource(e, cell, brain.AllToAll{}, brain.SynapseSpec{Weight: w}); err != nil {
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
	fz := c.FrozenS * 1000
	pm := &pairMonitor{from: fz + c.LearnS*500, to: fz + c.LearnS*1000, decay: math.Exp(-dt / rule.TauMS)}
	if err := net.AddMonitor(pm); err != nil {
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
	res.RateBeforeHz = float64(count(0, fz)) / c.FrozenS
	res.RateAfterHz = float64(count(totalMS-fz, totalMS)) / c.FrozenS
	if c.LearnS > 0 {
		res.RateLateHz = float64(count(fz+c.LearnS*500, fz+c.LearnS*1000)) / (c.LearnS / 2)
		res.Kappa = pm.kappa(rule.TauMS, nch*nI)
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

// pairMonitor follows the traces of the inhibitory plasticity rule (τ,
// +1 per spike) in [from, to) ms and sums the pairing terms: the
// postsynaptic trace at every inhibitory presynaptic spike (read before
// the step's postsynaptic spikes, as the rule does) and the summed
// presynaptic traces at every postsynaptic spike (after the step's
// presynaptic ones).
type pairMonitor struct {
	from, to, decay float64
	dt              float64
	xPost, xPre     float64 // postsynaptic trace; presynaptic traces summed over all inhibitory trains
	sumA, sumB      float64
	nPre, nPost     int64
	steps           int64
}

func (m *pairMonitor) Observe(v *brain.StepView) error {
	m.xPost *= m.decay
	m.xPre *= m.decay
	on := v.TimeMS() >= m.from && v.TimeMS() < m.to
	for k := range v.NumSources() {
		if !v.Source(k).IsInhibitory() {
			continue
		}
		n := len(v.SourceSpikes(k))
		if on {
			m.sumA += float64(n) * m.xPost
			m.nPre += int64(n)
		}
		m.xPre += float64(n)
	}
	n := len(v.Spikes(0))
	if on {
		m.sumB += float64(n) * m.xPre
		m.nPost += int64(n)
		m.steps++
		m.dt = v.DT()
	}
	m.xPost += float64(n)
	return nil
}

// kappa is the mean of the two pairing terms over their values for
// independent trains (τ in ms, nSyn inhibitory trains).
func (m *pairMonitor) kappa(tauMS float64, nSyn int) float64 {
	if m.nPre == 0 || m.nPost == 0 {
		return math.NaN()
	}
	tS := float64(m.steps) * m.dt / 1000
	rPost, rPre := float64(m.nPost)/tS, float64(m.nPre)/float64(nSyn)/tS
	a := m.sumA / float64(m.nPre) / (rPost * tauMS / 1000)
	b := m.sumB / float64(m.nPost) / float64(nSyn) / (rPre * tauMS / 1000)
	return (a + b) / 2
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
