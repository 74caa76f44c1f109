package diehlcook

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuron-sim/neuron/brain"
)

// This file builds the same network from brain's public parts: the two
// cell types as brain.NeuronModel, the input→excitatory rule of equation
// (3) as brain.PlasticityRule, the Poisson image input as brain.Source and
// the all-but-one inhibition as brain.Connector, run by brain.Network.
// [OpenNet] drives it (presentation, re-presentation, normalisation) as
// [Sim.Show] drives the specialised loop. The two compute the same
// arithmetic in the same order; the only difference is that a
// brain.Network stores plastic weights in 32 bits where [Model] keeps 64,
// so with weights that are exact in 32 bits the frozen network's spikes
// are identical, and training agrees spike for spike until a rounding of
// a weight update happens to decide a threshold crossing
// (TestOpenCoreMatchesFastPath). The specialised loop is kept for speed.

const neverStep = -1e9 // "no spike yet" in the models' Last variables (steps)

// ExcCell is the excitatory cell of the network as a brain.NeuronModel:
// a conductance-based leaky integrate-and-fire cell with the adaptive
// threshold θ (package documentation, same equations and parameters P).
// The synaptic inputs are dimensionless conductances (in units of the
// leak conductance): brain.Excitatory is g_e, brain.Inhibitory is g_i.
// The network's step is split into presentations of PresentMs: at the
// first step of each the cell returns to rest (v, g_e, g_i, the spike
// timer and Count), as [Sim] does between images.
type ExcCell struct {
	P Params
	// Learn makes θ adapt (training); false freezes it (labelling, testing).
	Learn bool

	steps                   int64
	dtTau, decGe, decGi     float64
	decTheta, restDecay     float64
	off, refE, holdE, vRest float64
}

// Vars declares V (mV), Theta (mV), Last (the step within the
// presentation of the last spike) and Count (spikes in this presentation).
func (m *ExcCell) Vars() []brain.Var {
	return []brain.Var{
		{Name: "V", Unit: "mV", Init: m.P.VRestE},
		{Name: "Theta", Unit: "mV", Init: m.P.ThetaInit},
		{Name: "Last", Unit: "step", Init: neverStep},
		{Name: "Count", Unit: "1", Init: 0},
	}
}

// Prepare checks P and that dt is P.Dt.
func (m *ExcCell) Prepare(dt float64, _ *brain.State) error {
	if err := m.P.Validate(); err != nil {
		return err
	}
	if dt != m.P.Dt {
		return fmt.Errorf("diehlcook: ExcCell: dt = %g ms: the parameters are for Dt = %g ms", dt, m.P.Dt)
	}
	p := m.P
	m.steps = int64(math.Round(p.PresentMs / p.Dt))
	m.dtTau = p.Dt / p.TauE
	m.decGe, m.decGi = math.Exp(-p.Dt/p.TauGe), math.Exp(-p.Dt/p.TauGi)
	if p.EulerConductances {
		m.decGe, m.decGi = 1-p.Dt/p.TauGe, 1-p.Dt/p.TauGi
	}
	m.decTheta = math.Exp(-p.Dt / p.TauTheta)
	m.restDecay = math.Exp(-p.RestMs / p.TauTheta)
	m.off = p.VThreshE - p.ThetaShift
	m.refE, m.holdE = math.Round(p.RefracE/p.Dt), math.Round(p.HoldE/p.Dt)
	m.vRest = p.VRestE
	return nil
}

// Step advances cells lo … hi−1 by one step (forward Euler for v, exact
// relaxation where Euler would overshoot (see [Params.EulerMembrane]), the
// conductances decayed after use, θ decayed when learning, and θ decayed
// through the rest period after the last step of a presentation).
func (m *ExcCell) Step(s *brain.State, lo, hi int, step int64, dst []int32) []int32 {
	v, th := s.Var(0)[lo:hi], s.Var(1)[lo:hi]
	last, cnt := s.Var(2)[lo:hi], s.Var(3)[lo:hi]
	ge, gi := s.Input(brain.Excitatory)[lo:hi], s.Input(brain.Inhibitory)[lo:hi]
	th, last, cnt, ge, gi = th[:len(v)], last[:len(v)], cnt[:len(v)], ge[:len(v)], gi[:len(v)]
	local := step % m.steps
	vRest, eExc, eInh := m.vRest, m.P.EExc, m.P.EInhE
	dtTau, decGe, decGi, decTheta := m.dtTau, m.decGe, m.decGi, m.decTheta
	off, refE, holdE, learn := m.off, m.refE, m.holdE, m.Learn
	plainEuler := m.P.EulerMembrane
	if local == 0 {
		for k := range v {
			v[k], last[k], cnt[k], ge[k], gi[k] = vRest, neverStep, 0, 0, 0
		}
	}
	lastStep := local == m.steps-1
	fl := float64(local)
	for k := range v {
		spiked := false
		if since := fl - last[k]; since >= refE {
			x, g, h := v[k], ge[k], gi[k]
			if c := dtTau * (1 + g + h); c <= 1 || plainEuler {
				x += dtTau * ((vRest - x) + g*(eExc-x) + h*(eInh-x))
			} else {
				x = relax(x, vRest, g, eExc, h, eInh, c)
			}
			v[k] = x
			spiked = x > th[k]+off && since >= holdE
		}
		ge[k] *= decGe
		gi[k] *= decGi
		if learn {
			th[k] *= decTheta
		}
		if spiked {
			v[k], last[k] = m.P.VResetE, fl
			cnt[k]++
			if learn {
				th[k] += m.P.ThetaPlus
			}
			dst = append(dst, int32(lo+k))
		}
		if learn && lastStep {
			th[k] *= m.restDecay
		}
	}
	return dst
}

// InhCell is the inhibitory cell as a brain.NeuronModel: a
// conductance-based leaky integrate-and-fire cell driven by its partner
// excitatory cell through brain.Excitatory (decaying with τ_ge). It
// returns to rest at the first step of each presentation.
type InhCell struct {
	P Params

	steps                  int64
	dtTau, decGe, refI     float64
	vRest, vReset, vThresh float64
}

// Vars declares V (mV) and Last (the step within the presentation of the
// last spike).
func (m *InhCell) Vars() []brain.Var {
	return []brain.Var{
		{Name: "V", Unit: "mV", Init: m.P.VRestI},
		{Name: "Last", Unit: "step", Init: neverStep},
	}
}

// Prepare checks P and that dt is P.Dt.
func (m *InhCell) Prepare(dt float64, _ *brain.State) error {
	if err := m.P.Validate(); err != nil {
		return err
	}
	if dt != m.P.Dt {
		return fmt.Errorf("diehlcook: InhCell: dt = %g ms: the parameters are for Dt = %g ms", dt, m.P.Dt)
	}
	p := m.P
	m.steps = int64(math.Round(p.PresentMs / p.Dt))
	m.dtTau = p.Dt / p.TauI
	m.decGe = math.Exp(-p.Dt / p.TauGe)
	if p.EulerConductances {
		m.decGe = 1 - p.Dt/p.TauGe
	}
	m.refI = math.Round(p.RefracI / p.Dt)
	m.vRest, m.vReset, m.vThresh = p.VRestI, p.VResetI, p.VThreshI
	return nil
}

// Step advances cells lo … hi−1 by one step.
func (m *InhCell) Step(s *brain.State, lo, hi int, step int64, dst []int32) []int32 {
	v, last := s.Var(0)[lo:hi], s.Var(1)[lo:hi]
	ge := s.Input(brain.Excitatory)[lo:hi]
	last, ge = last[:len(v)], ge[:len(v)]
	local := step % m.steps
	vRest, eExc, dtTau, decGe, refI := m.vRest, m.P.EExc, m.dtTau, m.decGe, m.refI
	if local == 0 {
		for k := range v {
			v[k], last[k], ge[k] = vRest, neverStep, 0
		}
	}
	fl := float64(local)
	for k := range v {
		g := ge[k]
		if fl-last[k] >= refI && (g != 0 || v[k] != vRest) {
			x := v[k]
			if c := dtTau * (1 + g); c <= 1 || m.P.EulerMembrane {
				x += dtTau * ((vRest - x) + g*(eExc-x))
			} else {
				x = relax(x, vRest, g, eExc, 0, 0, c)
			}
			v[k] = x
			if x > m.vThresh {
				v[k], last[k] = m.vReset, fl
				dst = append(dst, int32(lo+k))
			}
		}
		ge[k] = g * decGe
	}
	return dst
}

// PaperSTDP is the input→excitatory rule of equation (3) as a
// brain.PlasticityRule: each input's trace x_pre jumps by 1 at its spikes
// and decays with τ_pre; at each spike of cell j every weight w_ij
// changes by η_post (x_pre,i − x_tar)(w_max − w_ij)^μ, clipped to
// [0, w_max]. Traces restart at every presentation. The projection must be
// all-to-all from the 784 inputs (Prepare checks it).
type PaperSTDP struct {
	P Params
	// Frozen stops the updates (labelling, testing).
	Frozen bool

	syn     *brain.Synapses
	steps   int64
	xPre    []float64
	lastPre []int64
	decPre  []float64
	sums    []float64
}

// Prepare checks the projection's shape and weights and allocates the traces.
func (r *PaperSTDP) Prepare(s *brain.Synapses, dt float64) error {
	p := r.P
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Rule != RulePaper {
		return fmt.Errorf("diehlcook: PaperSTDP: Rule = %v: only the paper's rule is built from open-core parts", p.Rule)
	}
	if dt != p.Dt {
		return fmt.Errorf("diehlcook: PaperSTDP: dt = %g ms: the parameters are for Dt = %g ms", dt, p.Dt)
	}
	n := s.NPost()
	if s.NPre() != p.InputPerCell || n != p.NExc || s.Len() != p.InputPerCell*n {
		return fmt.Errorf("diehlcook: PaperSTDP: projection %s has %d×%d cells and %d synapses, want all-to-all %d×%d",
			s.Name(), s.NPre(), n, s.Len(), p.InputPerCell, p.NExc)
	}
	tg := s.Targets()
	for k, t := range tg {
		if int(t) != k%n {
			return fmt.Errorf("diehlcook: PaperSTDP: projection %s: synapse %d targets cell %d, want all-to-all in order", s.Name(), k, t)
		}
	}
	for k, w := range s.Weights() {
		// Normalisation may lift a weight above WMax; the next update clips it.
		if !(w >= 0) || math.IsInf(float64(w), 0) {
			return fmt.Errorf("diehlcook: PaperSTDP: projection %s: weight %d = %g: want a finite value ≥ 0", s.Name(), k, w)
		}
	}
	r.syn = s
	r.steps = int64(math.Round(p.PresentMs / p.Dt))
	r.xPre = make([]float64, p.InputPerCell)
	r.lastPre = make([]int64, p.InputPerCell)
	r.decPre = make([]float64, r.steps+1)
	for k := range r.decPre {
		r.decPre[k] = math.Exp(-float64(k) * p.Dt / p.TauPre)
	}
	r.sums = make([]float64, n)
	return nil
}

// Learn updates the traces with the inputs that fired (pre) and the
// weights of the cells that fired (post), in that order.
func (r *PaperSTDP) Learn(s *brain.Synapses, step int64, pre, post []int32) {
	if r.Frozen {
		return
	}
	const never = math.MinInt64 / 2
	local := step % r.steps
	if local == 0 {
		for i := range r.xPre {
			r.xPre[i], r.lastPre[i] = 0, never
		}
	}
	for _, i := range pre {
		x := 0.0
		if r.lastPre[i] != never {
			x = r.xPre[i] * r.decPre[local-r.lastPre[i]]
		}
		r.xPre[i], r.lastPre[i] = x+1, local
	}
	if len(post) == 0 {
		return
	}
	w, n := s.Weights(), s.NPost()
	eta, xTar, wMax, mu := r.P.EtaPost, r.P.XTar, r.P.WMax, r.P.Mu
	for _, j := range post {
		for i := range r.xPre {
			x := 0.0
			if r.lastPre[i] != never {
				x = r.xPre[i] * r.decPre[local-r.lastPre[i]]
			}
			k := i*n + int(j)
			wij := float64(w[k])
			if d := wMax - wij; d > 0 {
				wij += eta * (x - xTar) * math.Pow(d, mu)
			}
			w[k] = float32(clamp(wij, 0, wMax))
		}
	}
}

// Normalize scales each cell's input weights to sum to NormSum, as
// [Model.Normalize] does (sums in 64 bits).
func (r *PaperSTDP) Normalize() {
	w, n, sums := r.syn.Weights(), r.syn.NPost(), r.sums
	clear(sums)
	for i := 0; i < r.P.InputPerCell; i++ {
		for j, x := range w[i*n : (i+1)*n] {
			sums[j] += float64(x)
		}
	}
	for j, s := range sums {
		if s > 0 {
			sums[j] = r.P.NormSum / s
		}
	}
	for i := 0; i < r.P.InputPerCell; i++ {
		row := w[i*n : (i+1)*n]
		for j, x := range row {
			row[j] = float32(float64(x) * sums[j])
		}
	}
}

// ImageSource is the 784 Poisson inputs as a brain.Source. [OpenNet]
// draws the spikes of a whole presentation before running it, from the
// same generator as [Sim] (keyed by seed, phase, pass, image and attempt,
// not by the network's streams), and Emit hands them out step by step.
type ImageSource struct {
	P  Params
	in inputTrain
}

// Len is 784.
func (s *ImageSource) Len() int { return s.P.InputPerCell }

// SourceName is "mnist".
func (s *ImageSource) SourceName() string { return "mnist" }

// IsInhibitory is false.
func (s *ImageSource) IsInhibitory() bool { return false }

// Prepare checks that dt is P.Dt.
func (s *ImageSource) Prepare(dt float64, _ brain.Streams) error {
	if dt != s.P.Dt {
		return fmt.Errorf("diehlcook: ImageSource: dt = %g ms: the parameters are for Dt = %g ms", dt, s.P.Dt)
	}
	return nil
}

// Emit returns the inputs that fire in step (its place within the
// presentation), ascending.
func (s *ImageSource) Emit(step int64, dst []int32) []int32 {
	dst = dst[:0]
	if s.in.evStart == nil || s.in.evStart[s.in.steps] == 0 {
		return dst
	}
	for _, px := range s.in.at(int(step % int64(s.in.steps))) {
		dst = append(dst, int32(px))
	}
	return dst
}

// AllButPartner connects inhibitory cell k to every excitatory cell but k
// (the paper's lateral inhibition), as a brain.Connector.
type AllButPartner struct{}

func (AllButPartner) String() string { return "AllButPartner{}" }

// Connect builds the synapses.
func (AllButPartner) Connect(b *brain.ConnBuilder) error {
	if b.NPre() != b.NPost() {
		return fmt.Errorf("diehlcook: AllButPartner needs equal sizes, got %d and %d", b.NPre(), b.NPost())
	}
	return b.Rows(func(i int, dst []uint32) []uint32 {
		for j := range b.NPost() {
			if j != i {
				dst = append(dst, uint32(j))
			}
		}
		return dst
	})
}

// denseWeights is the all-to-all input projection with given weights.
type denseWeights struct {
	w     []float64
	nPost int
}

func (d denseWeights) String() string {
	return fmt.Sprintf("denseWeights{%d×%d}", len(d.w)/d.nPost, d.nPost)
}

func (d denseWeights) Connect(b *brain.ConnBuilder) error {
	if err := (brain.AllToAll{}).Connect(b); err != nil {
		return err
	}
	return b.SetWeights(d.w)
}

// OpenNet is the network assembled from brain's open-core parts and run
// by a brain.Network (see the comment at the top of opencore.go).
type OpenNet struct {
	P     Params
	Net   *brain.Network
	Exc   *brain.Population
	Inh   *brain.Population
	Input *ImageSource
	Rule  *PaperSTDP

	exc *ExcCell
	pcg *rand.PCG
	rng *rand.Rand
}

// NewOpenNet builds the network with the weights and thresholds of m
// (weights rounded to 32 bits, as a brain.Network stores them).
func NewOpenNet(m *Model) (*OpenNet, error) {
	p := m.P
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if p.InputDelayMax > 0 || p.SimulateRest {
		return nil, fmt.Errorf("diehlcook: NewOpenNet: InputDelayMax = %g ms, SimulateRest = %v: the open-core build has neither option", p.InputDelayMax, p.SimulateRest)
	}
	if p.FreeRefractory {
		return nil, fmt.Errorf("diehlcook: NewOpenNet: FreeRefractory = true: the open-core build holds v through the refractory period")
	}
	o := &OpenNet{P: p, exc: &ExcCell{P: p}, Input: &ImageSource{P: p, in: newInputTrain(int(math.Round(p.PresentMs/p.Dt)), p.Dt)},
		Rule: &PaperSTDP{P: p}}
	o.pcg = rand.NewPCG(0, 0)
	o.rng = rand.New(o.pcg)
	var err error
	if o.Exc, err = brain.NewModelPopulation("exc", p.NExc, o.exc); err != nil {
		return nil, err
	}
	if o.Inh, err = brain.NewModelPopulation("inh", p.NExc, &InhCell{P: p}); err != nil {
		return nil, err
	}
	o.Inh.P.Inhibitory = true
	copy(o.Exc.Var("Theta"), m.Theta)
	net := brain.NewNetwork(p.Dt, 1)
	net.Workers = 1
	for _, pop := range []*brain.Population{o.Exc, o.Inh} {
		if err := net.AddPopulation(pop); err != nil {
			return nil, err
		}
	}
	if err := net.AddSource(o.Input); err != nil {
		return nil, err
	}
	if _, err := net.ConnectSource(o.Input, o.Exc, denseWeights{w: m.W, nPost: p.NExc},
		brain.SynapseSpec{Plasticity: o.Rule}); err != nil {
		return nil, err
	}
	if _, err := net.Connect(o.Exc, o.Inh, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(p.WEI)}); err != nil {
		return nil, err
	}
	if _, err := net.Connect(o.Inh, o.Exc, AllButPartner{}, brain.SynapseSpec{Weight: brain.Const(-p.WIE)}); err != nil {
		return nil, err
	}
	if err := net.Build(); err != nil {
		return nil, err
	}
	o.Net = net
	return o, nil
}

// Show presents img as [Sim.Show] does: normalise (when learning), run one
// presentation, and again with higher rates while the excitatory layer
// fires fewer than MinSpikes spikes. It returns the spike counts of the
// last presentation and the number of presentations.
func (o *OpenNet) Show(img []byte, learn bool, seed uint64, phase, pass, index int) ([]int32, int, error) {
	if len(img) != o.P.InputPerCell {
		return nil, 0, fmt.Errorf("diehlcook: OpenNet.Show: image of %d pixels, want %d", len(img), o.P.InputPerCell)
	}
	o.exc.Learn, o.Rule.Frozen = learn, !learn
	counts := make([]int32, o.P.NExc)
	for a := 0; a < o.P.MaxAttempts; a++ {
		if learn {
			o.Rule.Normalize()
		}
		reseed(o.pcg, seed, phase, pass, index, a)
		o.Input.in.draw(img, o.P.RateScale+float64(a)*o.P.RateStep, o.rng)
		if err := o.Net.Run(context.Background(), o.P.PresentMs, nil); err != nil {
			return nil, 0, err
		}
		total := 0
		for j, c := range o.Exc.Var("Count") {
			counts[j] = int32(c)
			total += int(c)
		}
		if total >= o.P.MinSpikes {
			return counts, a + 1, nil
		}
	}
	return counts, o.P.MaxAttempts, nil
}

// Model returns a copy of the current weights (from 32 bits) and thresholds.
func (o *OpenNet) Model() *Model {
	w := o.Rule.syn.Weights()
	m := &Model{P: o.P, W: make([]float64, len(w)), Theta: append([]float64(nil), o.Exc.Var("Theta")...)}
	for k, x := range w {
		m.W[k] = float64(x)
	}
	return m
}
