package brain

import (
	"fmt"
	"strings"
)

// Presets and their sources (every value; derived ones marked =):
//
//	preset       model              source of the numbers
//	generic      LIF                Brette et al. 2007 CUBA/COBA benchmark cell
//	pyramidal    AdEx + dendrite    Brette & Gerstner 2005 (soma); Pinsky & Rinzel 1994 (equal compartments)
//	interneuron  AdEx, FS, inhib.   Brette & Gerstner 2005 cell with the fast-spiking setting a = 2C/τw, b = 0
//	sensory      AdEx + θ dynamics  Naud et al. 2008 tonic cell; Kobayashi et al. 2009 slow threshold
//	purkinje     AdEx, inhib.       Geminiani et al. 2019 E-GLIF PC; rate of Häusser & Clark 1997
//	granule      LIF                Geminiani et al. 2019 E-GLIF GrC
//	motor        AdEx, AHP          small mammalian α-motoneuron; Henneman's size principle via Size
//
// Values a paper does not give (a refractory period, a bias current that
// sets a measured rate) are stated as choices beside the preset.

// Synapse kinetics shared by the presets. Current-based exponential
// synapses with τE = 5 ms, τI = 10 ms and, for the conductance model,
// EE = 0 mV, EI = −80 mV are the values of the Brette et al. 2007 benchmark
// networks (J Comput Neurosci 23:349; Vogels & Abbott 2005).
func defaultSynapse() SynapseParams {
	return SynapseParams{Model: CurrentExp, TauE: 5, TauI: 10, EE: 0, EI: -80}
}

// Generic is the plain leaky integrate-and-fire neuron of the Brette et al.
// 2007 CUBA/COBA benchmarks (J Comput Neurosci 23:349; Vogels & Abbott 2005,
// J Neurosci 25:10786): τm = 20 ms with gL = 10 nS (so C = 200 pF),
// EL = −60 mV, θ = −50 mV, Vr = −60 mV, t_ref = 5 ms. It takes the exact
// LIF path.
//
//	C 200 pF | GL 10 nS | EL −60 mV | VT −50 mV | VReset −60 mV | TRef 5 ms
func Generic() Params {
	return Params{
		Name: "generic", C: 200, GL: 10, EL: -60, VT: -50, VReset: -60, TRef: 5,
		Efficacy: 1, Synapse: defaultSynapse(),
	}
}

// Pyramidal is a regular-spiking, adapting cortical pyramidal cell: the
// somatic AdEx parameters fitted by Brette & Gerstner 2005 (J Neurophysiol
// 94:3637, Table 1) to a detailed layer-5 pyramidal model,
//
//	C 281 pF | GL 30 nS | EL −70.6 mV | VT −50.4 mV | ΔT 2 mV
//	τw 144 ms | a 4 nS | b 80.5 pA | Vr −70.6 mV | VPeak 20 mV
//
// plus a passive dendrite with the same membrane as the soma (Pinsky &
// Rinzel 1994, J Comput Neurosci 1:39, split a pyramidal cell into two
// compartments of equal area, p = 0.5: Cd = C, GLd = GL) and Gc = GLd
// (a choice), so that a steady distal current reaches the soma attenuated
// by Gc/(Gc+GLd) = 0.5, a moderate dendro-somatic attenuation of steady
// signals (cf. Stuart & Spruston 1998, J Neurosci 18:3501). The dendrite
// adds Gc·GLd/(Gc+GLd) = 15 nS to the somatic input conductance, raising
// the rheobase to 0.94 nA (Params.Rheobase; a current step from rest needs
// 0.89 nA, as the adaptation lags). TRef = 2 ms is a conventional absolute
// refractory period.
func Pyramidal() Params {
	return Params{
		Name: "pyramidal", C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, VPeak: 20,
		VReset: -70.6, TRef: 2, A: 4, B: 80.5, TauW: 144,
		Cd: 281, GLd: 30, Gc: 30,
		Efficacy: 1, Synapse: defaultSynapse(),
	}
}

// Interneuron is a fast-spiking, non-adapting inhibitory interneuron: the
// Brette & Gerstner 2005 cell with the fast-spiking adaptation setting of
// the same authors (b = 0, a = 2C/τw; Brette & Gerstner 2005 and the
// Scholarpedia article "Adaptive exponential integrate-and-fire model",
// Gerstner & Brette 2009), inhibitory by Dale's law, with the 1 ms
// refractoriness of fast-spiking cells that fire up to several hundred Hz
// (McCormick et al. 1985, J Neurophysiol 54:782).
//
//	C 281 pF | GL 30 nS | EL −70.6 mV | VT −50.4 mV | ΔT 2 mV
//	τw 144 ms | a 3.9 nS | b 0 pA | Vr −70.6 mV | VPeak 20 mV | TRef 1 ms
func Interneuron() Params {
	return Params{
		Name: "interneuron", C: 281, GL: 30, EL: -70.6, VT: -50.4, DeltaT: 2, VPeak: 20,
		VReset: -70.6, TRef: 1, A: 2 * 281.0 / 144, B: 0, TauW: 144,
		Inhibitory: true, Efficacy: 1, Synapse: defaultSynapse(),
	}
}

// Sensory is a sensory neuron whose threshold adapts: it fires to changes
// and fluctuations of its input and adapts away a steady input. The soma is
// the tonic AdEx cell of Naud et al. 2008 (Biol Cybern 99:335, Table 1,
// "tonic spiking": C 200 pF, gL 10 nS, EL −70 mV, VT −50 mV, ΔT 2 mV) with
// no current adaptation; spike-frequency adaptation is carried by the
// threshold instead, with the slow threshold component of the
// multi-timescale adaptive threshold model (Kobayashi, Tsubo & Shinomoto
// 2009, Front Comput Neurosci 3:9: α2 = 2 mV, τ2 = 200 ms). The
// variance rule (TauVar 50 ms, 0.1 mV per pA of input s.d., at most 6 mV)
// is this project's explicit form of input-variance-dependent threshold
// (threshold lowered by fast fluctuations: Azouz & Gray 2000, PNAS 97:8110).
//
//	C 200 pF | GL 10 nS | EL −70 mV | VT −50 mV | ΔT 2 mV | VPeak 0 mV | Vr −58 mV
//	Δθ 2 mV | τθ 200 ms | τvar 50 ms | 0.1 mV/pA | drop ≤ 6 mV | TRef 2 ms
func Sensory() Params {
	return Params{
		Name: "sensory", C: 200, GL: 10, EL: -70, VT: -50, DeltaT: 2, VPeak: 0,
		VReset: -58, TRef: 2,
		DeltaTheta: 2, TauTheta: 200, TauVar: 50, ThetaPerSD: 0.1, ThetaDropMax: 6,
		Efficacy: 1, Synapse: defaultSynapse(),
	}
}

// Purkinje is a cerebellar Purkinje cell: inhibitory, and a pacemaker that
// fires spontaneously at tens of Hz with no synaptic input (Häusser & Clark
// 1997, Neuron 19:665; Raman & Bean 1999, J Neurosci 19:1663). Passive
// properties and threshold from the E-GLIF Purkinje fit of Geminiani et al.
// 2019 (Front Comput Neurosci 13:35):
//
//	C 334 pF | τm 47 ms (GL = 334/47 nS) | EL −59 mV | θ −43 mV | Vr −69 mV | TRef 0.5 ms
//
// with an exponential upswing (ΔT 2 mV, VPeak 0 mV). The endogenous
// depolarising drive (the resurgent and persistent Na⁺ currents that make
// the cell a pacemaker) is IBias = 600 pA; with the AHP-like adaptation
// b = 40 pA, τw = 50 ms (choices) it sets the spontaneous rate to ≈ 41 Hz
// (tested), the rate of Purkinje cells with synaptic input blocked.
func Purkinje() Params {
	return Params{
		Name: "purkinje", C: 334, GL: 334.0 / 47, EL: -59, VT: -43, DeltaT: 2, VPeak: 0,
		VReset: -69, TRef: 0.5, A: 0, B: 40, TauW: 50,
		IBias: 600, Inhibitory: true, Efficacy: 1, Synapse: defaultSynapse(),
	}
}

// Granule is a cerebellar granule cell: tiny, hyperpolarised at rest and
// with a high threshold, so it is silent without input and needs several
// coincident mossy-fibre inputs to fire (a granule cell has about four
// mossy-fibre inputs and needs two or more of them: D'Angelo et al. 1995,
// J Physiol 484:397; Chadderton, Margrie & Häusser 2004, Nature 428:856).
// Passive values and threshold from the E-GLIF granule-cell fit of
// Geminiani et al. 2019 (Front Comput Neurosci 13:35):
//
//	C 7 pF | τm 24 ms (GL = 7/24 nS) | EL −62 mV | θ −41 mV | Vr −70 mV | TRef 1.5 ms
//
// It is a plain LIF (exact path). Excitatory synapses are faster than the
// cortical default, τE = 2 ms (mossy-fibre AMPA currents decay within a few
// ms).
func Granule() Params {
	s := defaultSynapse()
	s.TauE = 2
	return Params{
		Name: "granule", C: 7, GL: 7.0 / 24, EL: -62, VT: -41, DeltaT: 0, VReset: -70, TRef: 1.5,
		Efficacy: 1, Synapse: s,
	}
}

// Motor is an α-motoneuron: large, low input resistance, with a strong
// after-hyperpolarisation, recruited in order of size (Henneman 1957,
// Science 126:1345): spread Population.Size over a pool and the smaller
// cells, with the higher input resistance, fire first. The values are those
// of a small mammalian motoneuron,
//
//	C 1400 pF | GL 200 nS (R_in = 5 MΩ, τm = 7 ms) | EL −70 mV | VT −50 mV
//	ΔT 2 mV | VPeak 0 mV | Vr −65 mV | TRef 2 ms | b 400 pA | τw 80 ms
//
// (input resistances of a few MΩ and membrane time constants of a few ms
// are typical of adult rodent spinal motoneurons, e.g. Manuel et al. 2009,
// J Neurosci 29:11246); rheobase GL·(VT−EL−ΔT) = 3.6 nA. The AHP current
// (b, τw) is a choice that gives the strong early adaptation of motoneuron
// discharge. Brainstem.Adjust adds the output scaling.
func Motor() Params {
	return Params{
		Name: "motor", C: 1400, GL: 200, EL: -70, VT: -50, DeltaT: 2, VPeak: 0,
		VReset: -65, TRef: 2, A: 0, B: 400, TauW: 80,
		Efficacy: 1, Synapse: defaultSynapse(),
	}
}

// Region is a brain region; Region.Adjust gives a cell class the values
// it has in that region.
type Region uint8

const (
	// Cortex leaves every preset unchanged (presets are cortical unless
	// their class lives elsewhere).
	Cortex Region = iota
	// Cerebellum sets the distinct thresholds of cerebellar cells, from the
	// E-GLIF fits of Geminiani et al. 2019 (Front Comput Neurosci 13:35):
	//
	//	purkinje  VT = −43 mV   (vs −50 mV for the cortical presets)
	//	granule   VT = −41 mV
	Cerebellum
	// Brainstem sets the output scaling of motor neurons: Efficacy = 4,
	// the safety factor of neuromuscular transmission (the end-plate
	// potential exceeds what is needed to fire the muscle fibre 3–5-fold;
	// Wood & Slater 2001, Prog Neurobiol 64:393), so each motor-neuron
	// spike drives its targets several times over.
	Brainstem
)

func (r Region) String() string {
	switch r {
	case Cortex:
		return "Cortex"
	case Cerebellum:
		return "Cerebellum"
	case Brainstem:
		return "Brainstem"
	}
	return fmt.Sprintf("Region(%d)", uint8(r))
}

// Adjust returns p as found in region r; p itself is not modified. The cell
// class is the part of p.Name before any "@": "purkinje", "granule",
// "motor", … (the preset names). Values are set, not scaled, so adjusting
// twice is the same as once; classes the region does not list are returned
// unchanged apart from the name, which gets the suffix "@cortex",
// "@cerebellum" or "@brainstem".
func (r Region) Adjust(p Params) Params {
	class, _, _ := strings.Cut(p.Name, "@")
	switch r {
	case Cerebellum:
		switch class {
		case "purkinje":
			p.VT = -43
		case "granule":
			p.VT = -41
		}
	case Brainstem:
		if class == "motor" {
			p.Efficacy = 4
		}
	}
	p.Name = class + "@" + strings.ToLower(r.String())
	return p
}
