package brain

import (
	"errors"
	"fmt"
	"math"
)

// Compartment selects where a synaptic input lands on a GeneralizedNeuron.
type Compartment uint8

const (
	// Proximal inputs inject at the soma.
	Proximal Compartment = 0
	// Distal inputs inject at the passive dendritic compartment and reach
	// the soma only through the coupling conductance Gc (attenuated by
	// Params.Attenuation in steady state). With no dendrite (Gc == 0) a
	// distal input is delivered at the soma.
	Distal Compartment = 1
)

// NumCompartments is the number of Compartment values.
const NumCompartments = 2

func (c Compartment) String() string {
	switch c {
	case Proximal:
		return "Proximal"
	case Distal:
		return "Distal"
	}
	return fmt.Sprintf("Compartment(%d)", uint8(c))
}

// Receptor selects the synaptic receptor (and so the sign) of an input.
type Receptor uint8

const (
	// Excitatory inputs depolarise: +I for CurrentExp, reversal EE for
	// ConductanceExp.
	Excitatory Receptor = 0
	// Inhibitory inputs hyperpolarise: −I for CurrentExp, reversal EI for
	// ConductanceExp.
	Inhibitory Receptor = 1
)

// NumReceptors is the number of default receptors (Excitatory and
// Inhibitory), those of every population; a ReceptorModel may declare
// more.
const NumReceptors = 2

func (r Receptor) String() string {
	switch r {
	case Excitatory:
		return "Excitatory"
	case Inhibitory:
		return "Inhibitory"
	}
	return fmt.Sprintf("Receptor(%d)", uint8(r))
}

// SynapseModel is the postsynaptic response to one delivered spike.
type SynapseModel uint8

const (
	// CurrentExp: the spike makes the synaptic current jump by the weight
	// (pA), which then decays exponentially with TauE or TauI. Weights are
	// magnitudes; the receptor gives the sign:
	//
	//	I_syn = I_E − I_I
	//
	// (NEST iaf_psc_exp; Rotter & Diesmann 1999).
	CurrentExp SynapseModel = 0
	// ConductanceExp: the spike makes the synaptic conductance jump by the
	// weight (nS), which decays exponentially; the current is
	//
	//	I_syn = g_E (EE − V) + g_I (EI − V)
	//
	// (NEST iaf_cond_exp; Brette et al. 2007 COBA benchmark).
	ConductanceExp SynapseModel = 1
)

func (m SynapseModel) String() string {
	switch m {
	case CurrentExp:
		return "CurrentExp"
	case ConductanceExp:
		return "ConductanceExp"
	}
	return fmt.Sprintf("SynapseModel(%d)", uint8(m))
}

// SynapseParams are the postsynaptic receptor kinetics of a population.
// Every input of a population shares them; the synaptic variables are the
// slices returned by Population.Input.
type SynapseParams struct {
	// Model is CurrentExp (weights in pA) or ConductanceExp (weights in nS).
	Model SynapseModel
	// TauE is the decay time constant of excitatory synaptic variables (ms).
	TauE float64
	// TauI is the decay time constant of inhibitory synaptic variables (ms).
	TauI float64
	// EE is the excitatory reversal potential (mV); ConductanceExp only.
	EE float64
	// EI is the inhibitory reversal potential (mV); ConductanceExp only.
	EI float64
}

// Params is one parameter set of the GeneralizedNeuron: an adaptive
// exponential integrate-and-fire soma (Brette & Gerstner 2005) coupled to
// one passive dendrite, with spike-triggered adaptation, an adaptive
// threshold and an optional input-variance threshold rule (see the package
// documentation for the equations). Units follow NEST: ms, mV, pA, pF, nS.
//
// Presets (Pyramidal, Interneuron, …) return filled values; copy one and edit
// any field, then call Validate (NewPopulation does).
type Params struct {
	// Name labels the cell type (free text, used in messages).
	Name string

	// C is the somatic membrane capacitance (pF).
	C float64
	// GL is the somatic leak conductance (nS). τm = C/GL.
	GL float64
	// EL is the leak reversal (resting) potential (mV).
	EL float64
	// VT is θ0, the resting spike threshold (mV). With DeltaT > 0 it is the
	// soft threshold inside the exponential; with DeltaT == 0 a spike is
	// emitted when V reaches θ.
	VT float64
	// DeltaT is the slope factor of the exponential spike initiation (mV).
	// 0 turns the soma into a leaky integrate-and-fire with a hard threshold.
	DeltaT float64
	// VPeak is the spike detection potential (mV) when DeltaT > 0; the
	// upswing is taken to be a spike once V reaches it. Ignored when
	// DeltaT == 0.
	VPeak float64
	// VReset is the potential V is reset to after a spike (mV).
	VReset float64
	// TRef is the absolute refractory period (ms); V is held at VReset.
	TRef float64

	// A is the subthreshold adaptation conductance (nS).
	A float64
	// B is the spike-triggered adaptation increment of w (pA).
	B float64
	// TauW is the adaptation time constant (ms). Needed when A or B ≠ 0.
	TauW float64

	// Cd is the dendritic capacitance (pF). Needed when Gc > 0.
	Cd float64
	// GLd is the dendritic leak conductance (nS). Needed when Gc > 0.
	GLd float64
	// Gc is the soma–dendrite coupling conductance (nS); 0 means no dendrite.
	Gc float64

	// DeltaTheta is the threshold increment per spike (mV); 0 disables the
	// spike-triggered threshold adaptation.
	DeltaTheta float64
	// TauTheta is the time constant with which θ relaxes to its target
	// (ms). Needed when DeltaTheta ≠ 0 or TauVar > 0.
	TauTheta float64

	// DeltaTheta2 is the increment per spike (mV) of a second,
	// independent threshold component θ2 that decays to 0 with
	// TauTheta2; the threshold of the spike initiation is then θ + θ2.
	// With the first component (DeltaTheta, TauTheta) it is the
	// multi-timescale adaptive threshold of Kobayashi et al. (2009, Front
	// Comput Neurosci 3:9; there τ1 = 10 ms and τ2 = 200 ms), with a fast
	// and a slow time scale. 0 (the default) leaves it out; see Extended.
	DeltaTheta2 float64
	// TauTheta2 is the decay time constant of θ2 (ms). Needed when
	// DeltaTheta2 ≠ 0.
	TauTheta2 float64
	// WSat makes the spike-triggered adaptation increment saturate: at a
	// spike w ← w + B·(1 − w/WSat), so that w approaches WSat (pA, per
	// unit Size) at high rates instead of growing with the rate, as the
	// gating variable of a slow potassium current (the M current) moves a
	// fraction of its distance to full activation per spike; the
	// after-spike currents of the GLIF models (Teeter et al. 2018, Nat
	// Commun 9:709) are updated in the same multiplicative-plus-additive
	// form. 0 (the default) keeps the fixed increment w ← w + B; see
	// Extended.
	WSat float64

	// TauVar is the time constant (ms) of the running mean and variance of
	// the cell's total input current, which drive the sensory threshold
	// rule; 0 disables the rule. The threshold target is
	//
	//	θ∞ = θ0 − min(ThetaPerSD · σ_I, ThetaDropMax)
	//
	// so θ falls while the input fluctuates and rises back to θ0 when it
	// is steady.
	TauVar float64
	// ThetaPerSD is the drop of the threshold target per pA of input
	// standard deviation (mV/pA).
	ThetaPerSD float64
	// ThetaDropMax caps the variance-driven threshold drop (mV, ≥ 0).
	ThetaDropMax float64

	// IBias is a constant current injected at the soma of every neuron
	// (pA); Population.IBias holds the per-neuron copy.
	IBias float64

	// Inhibitory marks the cell as inhibitory (Dale's law): all of its
	// outgoing synapses use the Inhibitory receptor.
	Inhibitory bool
	// Efficacy multiplies every outgoing synaptic weight of the cell
	// (dimensionless, ≥ 0); 1 is neutral. Brainstem motor neurons use it
	// for their output scaling.
	Efficacy float64

	// Synapse is the postsynaptic receptor kinetics of this cell's inputs.
	Synapse SynapseParams

	// Integrator is the integration scheme: Accurate (the zero value:
	// exact propagators, or for a LIF cell with ConductanceExp synapses
	// exponential Euler with the conductances' exact mean over the step)
	// or ForwardEuler (LIF cells with ConductanceExp synapses only).
	Integrator Integrator
}

// Integrator selects how a population's equations are advanced over a
// time step.
type Integrator uint8

const (
	// Accurate is the default: exact where the equations are linear
	// (LIF, current synapses), exponential Euler for a LIF cell with
	// conductance synapses, Heun or adaptive steps for the general model.
	Accurate Integrator = 0
	// ForwardEuler advances V and the conductances of a LIF cell with
	// ConductanceExp synapses by forward Euler, the scheme of the COBA
	// benchmark's reference implementation in Brian2 (Brette et al. 2007):
	// first order, and stable only while dt·(GL + gE + gI)/C < 2: a step
	// of a non-refractory cell beyond that bound stops Run with a
	// *BlowUpError naming the neuron, the time and the factor (its Cause
	// says why), instead of letting V oscillate through the threshold. It
	// exists to compare like with like; Accurate is closer to the exact
	// solution at the same dt (docs/benchmarks.md gives both errors).
	ForwardEuler Integrator = 1
)

func (i Integrator) String() string {
	switch i {
	case Accurate:
		return "Accurate"
	case ForwardEuler:
		return "ForwardEuler"
	}
	return fmt.Sprintf("Integrator(%d)", uint8(i))
}

// ErrInvalidParams is wrapped by every error that Params.Validate returns.
var ErrInvalidParams = errors.New("brain: invalid parameters")

// ParamError names one bad field of a parameter set.
type ParamError struct {
	Name   string  // Params.Name of the offending set
	Field  string  // field name, e.g. "TauW"
	Value  float64 // the offending value
	Reason string  // what is wrong
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("brain: params %q: %s = %v: %s", e.Name, e.Field, e.Value, e.Reason)
}

// Unwrap lets errors.Is(err, ErrInvalidParams) match.
func (e *ParamError) Unwrap() error { return ErrInvalidParams }

// Bounds of Params beyond which a value is taken to be a mistake rather
// than a model (Validate rejects it): every potential (EL, VT, VPeak,
// VReset, DeltaTheta, DeltaTheta2, ThetaDropMax, Synapse.EE, Synapse.EI) within
// ±MaxVoltage mV, the slope factor DeltaT ≤ MaxDeltaT mV (measured values
// are 0.5–15 mV), and every other field within ±MaxParamMagnitude in its
// unit.
const (
	MaxVoltage        = 1000.0
	MaxDeltaT         = 100.0
	MaxParamMagnitude = 1e9
)

// Validate checks every field and returns an error naming the first bad
// field and its value (a *ParamError wrapping ErrInvalidParams), or nil.
func (p Params) Validate() error {
	bad := func(field string, v float64, reason string) error {
		return &ParamError{Name: p.Name, Field: field, Value: v, Reason: reason}
	}
	finite := []struct {
		f string
		v float64
	}{
		{"C", p.C}, {"GL", p.GL}, {"EL", p.EL}, {"VT", p.VT}, {"DeltaT", p.DeltaT},
		{"VPeak", p.VPeak}, {"VReset", p.VReset}, {"TRef", p.TRef}, {"A", p.A}, {"B", p.B},
		{"TauW", p.TauW}, {"Cd", p.Cd}, {"GLd", p.GLd}, {"Gc", p.Gc},
		{"DeltaTheta", p.DeltaTheta}, {"TauTheta", p.TauTheta},
		{"DeltaTheta2", p.DeltaTheta2}, {"TauTheta2", p.TauTheta2}, {"WSat", p.WSat}, {"TauVar", p.TauVar},
		{"ThetaPerSD", p.ThetaPerSD}, {"ThetaDropMax", p.ThetaDropMax}, {"IBias", p.IBias},
		{"Efficacy", p.Efficacy}, {"Synapse.TauE", p.Synapse.TauE}, {"Synapse.TauI", p.Synapse.TauI},
		{"Synapse.EE", p.Synapse.EE}, {"Synapse.EI", p.Synapse.EI},
	}
	for _, x := range finite {
		if math.IsNaN(x.v) || math.IsInf(x.v, 0) {
			return bad(x.f, x.v, "must be finite")
		}
		limit, unit := MaxParamMagnitude, ""
		switch x.f {
		case "EL", "VT", "VPeak", "VReset", "DeltaTheta", "DeltaTheta2", "ThetaDropMax", "Synapse.EE", "Synapse.EI":
			limit, unit = MaxVoltage, " mV"
		case "DeltaT":
			limit, unit = MaxDeltaT, " mV"
		}
		if math.Abs(x.v) > limit {
			return bad(x.f, x.v, fmt.Sprintf("magnitude beyond the bound of %g%s (see MaxVoltage, MaxDeltaT, MaxParamMagnitude)", limit, unit))
		}
	}
	switch {
	case !(p.C > 0):
		return bad("C", p.C, "capacitance must be > 0 pF")
	case !(p.GL > 0):
		return bad("GL", p.GL, "leak conductance must be > 0 nS")
	case p.DeltaT < 0:
		return bad("DeltaT", p.DeltaT, "slope factor must be ≥ 0 mV")
	case p.DeltaT > 0 && !(p.VPeak > p.VT):
		return bad("VPeak", p.VPeak, "must exceed VT when DeltaT > 0")
	case p.DeltaT > 0 && !(p.VReset < p.VPeak):
		return bad("VReset", p.VReset, "must be below VPeak")
	case p.DeltaT == 0 && !(p.VReset < p.VT):
		return bad("VReset", p.VReset, "must be below VT when DeltaT == 0")
	case p.TRef < 0:
		return bad("TRef", p.TRef, "refractory period must be ≥ 0 ms")
	case p.TauW < 0:
		return bad("TauW", p.TauW, "time constant must be ≥ 0 ms")
	case (p.A != 0 || p.B != 0) && !(p.TauW > 0):
		return bad("TauW", p.TauW, "must be > 0 ms when A or B ≠ 0")
	case p.Gc < 0:
		return bad("Gc", p.Gc, "coupling conductance must be ≥ 0 nS")
	case p.Cd < 0:
		return bad("Cd", p.Cd, "capacitance must be ≥ 0 pF")
	case p.GLd < 0:
		return bad("GLd", p.GLd, "leak conductance must be ≥ 0 nS")
	case p.Gc > 0 && !(p.Cd > 0):
		return bad("Cd", p.Cd, "dendritic capacitance must be > 0 pF when Gc > 0")
	case p.TauTheta < 0:
		return bad("TauTheta", p.TauTheta, "time constant must be ≥ 0 ms")
	case (p.DeltaTheta != 0 || p.TauVar > 0) && !(p.TauTheta > 0):
		return bad("TauTheta", p.TauTheta, "must be > 0 ms when DeltaTheta ≠ 0 or TauVar > 0")
	case p.TauTheta2 < 0:
		return bad("TauTheta2", p.TauTheta2, "time constant must be ≥ 0 ms")
	case p.DeltaTheta2 != 0 && !(p.TauTheta2 > 0):
		return bad("TauTheta2", p.TauTheta2, "must be > 0 ms when DeltaTheta2 ≠ 0")
	case p.WSat < 0:
		return bad("WSat", p.WSat, "saturation level must be ≥ 0 pA (0: no saturation)")
	case p.TauVar < 0:
		return bad("TauVar", p.TauVar, "time constant must be ≥ 0 ms")
	case p.ThetaPerSD < 0:
		return bad("ThetaPerSD", p.ThetaPerSD, "must be ≥ 0 mV/pA")
	case p.ThetaDropMax < 0:
		return bad("ThetaDropMax", p.ThetaDropMax, "must be ≥ 0 mV")
	case p.Efficacy < 0:
		return bad("Efficacy", p.Efficacy, "output efficacy must be ≥ 0")
	case p.Synapse.Model > ConductanceExp:
		return bad("Synapse.Model", float64(p.Synapse.Model), "unknown synapse model")
	case !(p.Synapse.TauE > 0):
		return bad("Synapse.TauE", p.Synapse.TauE, "time constant must be > 0 ms")
	case !(p.Synapse.TauI > 0):
		return bad("Synapse.TauI", p.Synapse.TauI, "time constant must be > 0 ms")
	case p.Integrator > ForwardEuler:
		return bad("Integrator", float64(p.Integrator), "unknown integrator")
	case p.Integrator == ForwardEuler && !(p.IsLIF() && p.Synapse.Model == ConductanceExp):
		return bad("Integrator", float64(p.Integrator), "ForwardEuler needs a LIF cell with ConductanceExp synapses")
	}
	return nil
}

// TauM is the somatic membrane time constant C/GL (ms).
func (p Params) TauM() float64 { return p.C / p.GL }

// Attenuation is the steady-state fraction of a distal current that reaches
// the soma:
//
//	A = Gc / (Gc + GLd)
//
// It is the current delivered into a soma clamped at EL by a constant
// dendritic current I (Gc·(Vd−EL) with Vd−EL = I/(Gc+GLd)), and equally the
// ratio of the steady somatic depolarisations produced by the same current
// injected distally and proximally. It is 1 with no dendrite (Gc == 0),
// where distal inputs land on the soma.
func (p Params) Attenuation() float64 {
	if p.Gc == 0 {
		return 1
	}
	return p.Gc / (p.Gc + p.GLd)
}

// IsLIF reports whether p is the leaky integrate-and-fire special case
// (DeltaT = 0, A = B = 0, no dendrite, no adaptive or variance threshold),
// which Population integrates exactly.
func (p Params) IsLIF() bool {
	return p.DeltaT == 0 && p.A == 0 && p.B == 0 && p.Gc == 0 &&
		p.DeltaTheta == 0 && p.DeltaTheta2 == 0 && p.TauVar == 0
}

// Extended reports whether p uses one of the optional terms beyond the
// AdEx-with-dendrite model: the second threshold component (DeltaTheta2
// ≠ 0) or the saturating adaptation increment (WSat > 0 with B ≠ 0).
// Every preset leaves them out. Parameter sets without them run exactly
// as before the terms existed (bit for bit: tested); sets with them run
// on the scalar general kernel (kernel.General), so a specialised kernel
// (fused Heun, vector) may take a parameter set only if Extended is
// false.
func (p Params) Extended() bool {
	return p.DeltaTheta2 != 0 || (p.WSat > 0 && p.B != 0)
}

// Rheobase is the smallest constant somatic current (pA) at which the
// resting state stops being stable: the current at which a cell starts to
// fire when the current rises slowly enough for the adaptation current to
// keep up. In steady state the dendrite draws Gc·GLd/(Gc+GLd)·(V − EL) from
// the soma and w = A·(V − EL), so the steady-state I–V curve is
//
//	I(V) = (G + A)·(V − EL) − GL·ΔT·exp((V − VT)/ΔT),   G = GL + Gc·GLd/(Gc + GLd)
//
// (G = GL without a dendrite). Rest is lost at the saddle-node, the
// maximum of I(V), where exp((V − VT)/ΔT) = (G + A)/GL:
//
//	I_SN = (G + A)·(VT − EL − ΔT + ΔT·ln((G + A)/GL))
//
// (Touboul 2008, SIAM J Appl Math 68:1045, there with G = GL), unless a
// Hopf bifurcation comes first, at I(V_H) for the V_H where the
// Routh–Hurwitz conditions of the Jacobian of (V, Vd, w) fail (for the
// point soma: when A·τw > C, at exp((V_H − VT)/ΔT) = 1 + τm/τw; Touboul
// 2008). Rheobase returns the smaller of the two. With ΔT = 0 it is
// (G + A)·(VT − EL), the current whose steady state reaches θ.
//
// A current step from rest can fire a cell whose adaptation is slow
// (τw ≫ τm) below Rheobase, because w lags behind V — but not below the
// rheobase with w held at 0, G·(VT − EL − ΔT + ΔT·ln(G/GL)). For the
// Pyramidal preset the two bounds are 856 and 940 pA and a 2-s step from
// rest needs 890 pA (tested). Threshold dynamics (DeltaTheta, the sensory
// rule) are not included.
func (p Params) Rheobase() float64 {
	g := p.GL
	if p.Gc > 0 {
		g += p.Gc * p.GLd / (p.Gc + p.GLd)
	}
	if p.DeltaT == 0 {
		return (g + p.A) * (p.VT - p.EL)
	}
	e := (g + p.A) / p.GL // exp((V−VT)/ΔT) at the saddle-node
	if eh, ok := p.hopfExp(); ok && eh < e {
		e = eh
	}
	v := p.VT + p.DeltaT*math.Log(e)
	return (g+p.A)*(v-p.EL) - p.GL*p.DeltaT*e
}

// hopfExp returns exp((V−VT)/ΔT) at the Hopf bifurcation of the resting
// state on the lower branch of the steady-state I–V curve, if there is
// one. The Jacobian of (V, Vd, w) at a steady state depends on V only
// through J11 = (−GL − Gc + GL·e)/C, e = exp((V−VT)/ΔT); Vd is left out
// without a dendrite and w when A = 0 (it then relaxes on its own).
// Stability is lost at a Hopf point where the trace vanishes (two
// variables) or where the Routh–Hurwitz determinant c2·c1 − c0 of the
// characteristic polynomial λ³ + c2·λ² + c1·λ + c0 vanishes with c1 > 0
// (three variables); both are polynomial in J11.
func (p Params) hopfExp() (float64, bool) {
	var diag, up, down []float64 // J22…, J1k, Jk1 of the other variables
	if p.Gc > 0 {
		diag, up, down = append(diag, -(p.GLd+p.Gc)/p.Cd), append(up, p.Gc/p.C), append(down, p.Gc/p.Cd)
	}
	if p.A != 0 && p.TauW > 0 {
		diag, up, down = append(diag, -1/p.TauW), append(up, -1/p.C), append(down, p.A/p.TauW)
	}
	var j11 float64
	switch len(diag) {
	case 0:
		return 0, false
	case 1: // trace = 0, with a positive determinant
		j11 = -diag[0]
		if j11*diag[0]-up[0]*down[0] <= 0 {
			return 0, false
		}
	case 2:
		d := diag[0] + diag[1]
		m0 := diag[0]*diag[1] - up[0]*down[0] - up[1]*down[1]
		q0 := -up[0]*down[0]*diag[1] - up[1]*down[1]*diag[0]
		// c2·c1 − c0 = −d·a² − (m0 + d² − J22·J33)·a + (q0 − d·m0), a = J11
		qa, qb, qc := -d, -(m0 + d*d - diag[0]*diag[1]), q0-d*m0
		disc := qb*qb - 4*qa*qc
		if qa <= 0 || disc < 0 {
			return 0, false
		}
		j11 = (-qb - math.Sqrt(disc)) / (2 * qa)
		if j11*d+m0 <= 0 { // c1 ≤ 0: not a Hopf point
			return 0, false
		}
	}
	e := (p.C*j11 + p.GL + p.Gc) / p.GL
	return e, e > 0
}
