package diehlcook

import (
	"fmt"
	"math"
)

// Rule selects the spike-timing-dependent plasticity rule on the
// input→excitatory synapses.
type Rule int

const (
	// RulePaper is the rule of the paper's equation (3): at each
	// postsynaptic spike every input weight changes by
	// Δw = η_post (x_pre − x_tar)(w_max − w)^μ, where the presynaptic trace
	// x_pre jumps by 1 at each input spike and decays with τ_pre. Inputs
	// that rarely precede a postsynaptic spike (x_pre < x_tar) are depressed.
	RulePaper Rule = iota
	// RuleTriplet is the rule the paper's published Brian code runs by
	// default: an input spike sets its trace to 1 and depresses each of its
	// weights by η_pre·post1; a postsynaptic spike potentiates each weight by
	// η_post·pre·post2 (post2 read before it is set to 1).
	RuleTriplet
)

// String returns "paper" or "triplet".
func (r Rule) String() string {
	switch r {
	case RulePaper:
		return "paper"
	case RuleTriplet:
		return "triplet"
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// ParseRule maps "paper" or "triplet" to a Rule.
func ParseRule(s string) (Rule, error) {
	switch s {
	case "paper":
		return RulePaper, nil
	case "triplet":
		return RuleTriplet, nil
	}
	return 0, fmt.Errorf("diehlcook: rule %q: want paper or triplet", s)
}

// Params are the parameters of the Diehl & Cook (2015) network. Units are
// in each field's comment. Paper returns the published values; the table in
// the package documentation says where each comes from.
type Params struct {
	NExc int // number of excitatory (and of inhibitory) cells

	Dt        float64 // integration step, ms
	PresentMs float64 // presentation of one image, ms
	RestMs    float64 // rest between presentations, ms

	// Options from the authors' published Brian code that the paper does
	// not describe; both are off in Paper.
	//
	// InputDelayMax > 0 gives each input→excitatory synapse a fixed delay
	// drawn uniformly from [0, InputDelayMax] ms (rounded to steps; the code:
	// 10 ms). An input spike reaches the conductance after the delay, and
	// the synapse's plasticity reads the presynaptic trace as it was a delay
	// earlier (axonal delays, as Brian 1's STDP on a DelayConnection does).
	InputDelayMax float64
	// SimulateRest integrates the network through the RestMs between
	// training presentations, with no input, instead of resetting it to
	// rest (labelling and testing always reset). Not saved in checkpoints:
	// a resumed run restarts from rest.
	SimulateRest bool

	// Excitatory cells: conductance-based LIF with adaptive threshold.
	TauE       float64 // membrane time constant, ms
	VRestE     float64 // resting potential, mV
	VResetE    float64 // reset potential, mV
	VThreshE   float64 // threshold before adaptation, mV
	RefracE    float64 // refractory period (v held at VResetE unless FreeRefractory), ms
	HoldE      float64 // no spike within HoldE of the last one, ms (the Brian2 ports' reading of the published code's timer; ≤ RefracE: none)
	EExc       float64 // excitatory reversal potential, mV
	EInhE      float64 // inhibitory reversal potential of excitatory cells, mV
	ThetaInit  float64 // initial adaptive threshold θ, mV
	ThetaShift float64 // threshold offset: spike when v > VThreshE + θ − ThetaShift, mV
	ThetaPlus  float64 // increment of θ per spike during training, mV
	TauTheta   float64 // decay time constant of θ, ms
	// FreeRefractory makes the excitatory refractory period block spikes
	// only: v is not held at VResetE but integrates from it. This is what
	// Brian 1, which runs the published code, does with that code's
	// multi-statement reset (it holds v only after a plain reset value),
	// and there the code's timer expires one step after a spike: the
	// published code's neuron is FreeRefractory with HoldE = 0.
	FreeRefractory bool

	// Inhibitory cells: conductance-based LIF.
	TauI     float64 // membrane time constant, ms
	VRestI   float64 // resting potential, mV
	VResetI  float64 // reset potential, mV
	VThreshI float64 // threshold, mV
	RefracI  float64 // refractory period, ms
	EInhI    float64 // inhibitory reversal potential of inhibitory cells, mV

	// EulerConductances makes the conductances decay by the factor 1 − dt/τ per step (forward
	// Euler, as the published Brian code integrates them) instead of exp(−dt/τ).
	EulerConductances bool
	// EulerMembrane keeps the published code's forward Euler step for the membrane potentials
	// everywhere. When false (the default), a step whose total conductance makes
	// k = dt·(1 + g_e + g_i)/τ exceed 1 uses the exact solution for conductances held over the
	// step instead (v relaxes toward its equilibrium by e^−k): there Euler carries v past the
	// equilibrium, and for k > 2 it diverges. Steps with k ≤ 1 are Euler steps either way.
	// With 1600 cells, k > 1 came in 4743 cell-steps of the first 400 training images, and the
	// plain Euler network runs away after about 4400 images; 400 cells reached k > 2 in 1753
	// cell-steps of their first 4000 images (counted in a run that took those steps exactly);
	// 100 cells never reach k > 1 (their full run is the same bit for bit either way).
	EulerMembrane bool
	TauGe         float64 // excitatory conductance decay, ms
	TauGi         float64 // inhibitory conductance decay, ms
	WEI           float64 // excitatory→inhibitory (one-to-one) weight, dimensionless conductance jump
	WIE           float64 // inhibitory→excitatory (all but one) weight

	// Input→excitatory plasticity.
	Rule     Rule
	TauPre   float64 // presynaptic trace, ms
	TauPost1 float64 // postsynaptic trace of the triplet rule's depression, ms
	TauPost2 float64 // postsynaptic trace of the triplet rule's potentiation, ms
	EtaPre   float64 // learning rate at input spikes (triplet rule)
	EtaPost  float64 // learning rate at postsynaptic spikes
	WMax     float64 // maximum weight
	XTar     float64 // target presynaptic trace x_tar (paper rule)
	Mu       float64 // weight dependence exponent μ (paper rule)
	NormSum  float64 // sum of each excitatory cell's input weights after normalisation
	InitW    float64 // initial weights are (U[0,1) + 0.01)·InitW

	// Input encoding and re-presentation.
	RateScale    float64 // Hz per unit of pixel intensity (0–255) at the first presentation
	RateStep     float64 // added Hz per unit intensity at each re-presentation
	MinSpikes    int     // re-present while the excitatory layer fires fewer spikes
	MaxAttempts  int     // at most this many presentations of one image
	InputPerCell int     // number of inputs (28×28 pixels)
}

// Paper returns the parameters of Diehl & Cook (2015) for nExc excitatory
// cells (the paper used 100, 400, 1600 and 6400).
func Paper(nExc int) Params {
	return Params{
		NExc: nExc, Dt: 0.5, PresentMs: 350, RestMs: 150,
		TauE: 100, VRestE: -65, VResetE: -65, VThreshE: -52, RefracE: 5, HoldE: 50,
		EExc: 0, EInhE: -100,
		ThetaInit: 20, ThetaShift: 20, ThetaPlus: 0.05, TauTheta: 1e7,
		TauI: 10, VRestI: -60, VResetI: -45, VThreshI: -40, RefracI: 2, EInhI: -85,
		EulerConductances: true, TauGe: 1, TauGi: 2, WEI: 10.4, WIE: 17,
		Rule: RulePaper, TauPre: 20, TauPost1: 20, TauPost2: 40,
		EtaPre: 0.0001, EtaPost: 0.01, WMax: 1, XTar: 0.4, Mu: 0.2,
		NormSum: 78, InitW: 0.3,
		RateScale: 0.25, RateStep: 0.125, MinSpikes: 5, MaxAttempts: 20,
		InputPerCell: 784,
	}
}

// Validate reports the first parameter out of its domain, naming it.
func (p Params) Validate() error {
	pos := []struct {
		name string
		v    float64
	}{
		{"Dt", p.Dt}, {"PresentMs", p.PresentMs}, {"TauE", p.TauE}, {"RefracE", p.RefracE},
		{"TauTheta", p.TauTheta}, {"TauI", p.TauI}, {"RefracI", p.RefracI},
		{"TauGe", p.TauGe}, {"TauGi", p.TauGi}, {"TauPre", p.TauPre},
		{"TauPost1", p.TauPost1}, {"TauPost2", p.TauPost2}, {"WMax", p.WMax},
		{"NormSum", p.NormSum}, {"InitW", p.InitW}, {"RateScale", p.RateScale},
	}
	for _, f := range pos {
		if !(f.v > 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("diehlcook: %s = %g: must be positive and finite", f.name, f.v)
		}
	}
	nonneg := []struct {
		name string
		v    float64
	}{
		{"RestMs", p.RestMs}, {"HoldE", p.HoldE}, {"ThetaInit", p.ThetaInit}, {"ThetaPlus", p.ThetaPlus},
		{"WEI", p.WEI}, {"WIE", p.WIE}, {"EtaPre", p.EtaPre}, {"EtaPost", p.EtaPost},
		{"XTar", p.XTar}, {"Mu", p.Mu}, {"RateStep", p.RateStep}, {"InputDelayMax", p.InputDelayMax},
	}
	for _, f := range nonneg {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("diehlcook: %s = %g: must be non-negative and finite", f.name, f.v)
		}
	}
	switch {
	case p.NExc < 1:
		return fmt.Errorf("diehlcook: NExc = %d: need at least one excitatory cell", p.NExc)
	case p.InputPerCell != 784:
		return fmt.Errorf("diehlcook: InputPerCell = %d: MNIST images have 784 pixels", p.InputPerCell)
	case p.EulerConductances && (p.Dt >= p.TauGe || p.Dt >= p.TauGi):
		return fmt.Errorf("diehlcook: Dt = %g ms: Euler-integrated conductances need Dt below TauGe and TauGi", p.Dt)
	case p.MinSpikes < 0:
		return fmt.Errorf("diehlcook: MinSpikes = %d: must be non-negative", p.MinSpikes)
	case p.MaxAttempts < 1:
		return fmt.Errorf("diehlcook: MaxAttempts = %d: need at least one presentation", p.MaxAttempts)
	case p.InputDelayMax > 0 && p.Rule != RulePaper:
		return fmt.Errorf("diehlcook: InputDelayMax = %g ms: input delays need the paper rule", p.InputDelayMax)
	case math.Round(p.InputDelayMax/p.Dt) > 255:
		return fmt.Errorf("diehlcook: InputDelayMax = %g ms: at most 255 steps", p.InputDelayMax)
	case p.Rule != RulePaper && p.Rule != RuleTriplet:
		return fmt.Errorf("diehlcook: Rule = %d: unknown rule", int(p.Rule))
	case p.VResetE >= p.VThreshE+p.ThetaInit-p.ThetaShift:
		return fmt.Errorf("diehlcook: VResetE = %g mV: must lie below the initial threshold %g mV",
			p.VResetE, p.VThreshE+p.ThetaInit-p.ThetaShift)
	case p.VResetI >= p.VThreshI:
		return fmt.Errorf("diehlcook: VResetI = %g mV: must lie below VThreshI = %g mV", p.VResetI, p.VThreshI)
	case 255*(p.RateScale+float64(p.MaxAttempts-1)*p.RateStep)*p.Dt/1000 >= 1:
		return fmt.Errorf("diehlcook: RateScale = %g Hz: the highest input rate reaches one spike per step", p.RateScale)
	}
	return nil
}

// PaperPasses is the number of passes over the 60 000 training images the
// paper used for nExc excitatory cells: 1 up to 100 cells, 3 up to 400, 7
// up to 1600, 15 above.
func PaperPasses(nExc int) int {
	switch {
	case nExc <= 100:
		return 1
	case nExc <= 400:
		return 3
	case nExc <= 1600:
		return 7
	}
	return 15
}
