package microcircuit

import (
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// NumPops is the number of populations: an excitatory and an inhibitory
// one in each of the layers 2/3, 4, 5 and 6.
const NumPops = 8

// Names are the populations in the order every table of this package uses.
var Names = [NumPops]string{"L23e", "L23i", "L4e", "L4i", "L5e", "L5i", "L6e", "L6i"}

// Inhibitory reports whether population k is inhibitory.
func Inhibitory(k int) bool { return k%2 == 1 }

// FullSize is the number of cells of each population in the full-scale
// model (Potjans & Diesmann 2014, Table 5, "N"; 77 169 in all).
var FullSize = [NumPops]int{20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948}

// ConnProb[t][s] is the probability that a cell of population s makes at
// least one synapse onto a given cell of population t (Potjans &
// Diesmann 2014, Table 5, "C_a"; rows are targets, columns sources, in the
// order of Names; the same table is conn_probs of the NEST example
// pynest/examples/Potjans_2014/network_params.py).
var ConnProb = [NumPops][NumPops]float64{
	//  L23e    L23i    L4e     L4i     L5e     L5i     L6e     L6i
	{0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0, 0.0076, 0},           // → L23e
	{0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0, 0.0042, 0},           // → L23i
	{0.0077, 0.0059, 0.0497, 0.1350, 0.0067, 0.0003, 0.0453, 0},      // → L4e
	{0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0, 0.1057, 0},           // → L4i
	{0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0},      // → L5e
	{0.0548, 0.0269, 0.0257, 0.0022, 0.0600, 0.3158, 0.0086, 0},      // → L5i
	{0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252}, // → L6e
	{0.0364, 0.0010, 0.0034, 0.0005, 0.0277, 0.0080, 0.0658, 0.1443}, // → L6i
}

// KExt is the number of external (background) inputs of each cell of
// each population, each a Poisson process at BackgroundHz (Potjans &
// Diesmann 2014, Table 5, "K_ext", layer-specific background).
var KExt = [NumPops]int{1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100}

// Initial membrane potentials: population-specific normal distributions
// that shorten the initial transient (the "optimized" V0 of the NEST
// example, network_params.py, V0_mean and V0_std; the paper's own choice,
// one normal N(−58, 10) mV for all cells, is V0Original).
var (
	V0MeanMV = [NumPops]float64{-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43}
	V0SDMV   = [NumPops]float64{5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48}
)

// FullRatesHz are the mean rates of the full-scale network as simulated by
// the NEST reference implementation (full_mean_rates of the NEST example,
// network_params.py, "obtained by running this PyNEST microcircuit with 12
// MPI processes and both N_scaling and K_scaling set to 1"). Scaled
// versions use them to compute the DC input that compensates the lost
// recurrent input (see Params.KScale).
var FullRatesHz = [NumPops]float64{0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851}

// Cell is the neuron of every population: a leaky integrate-and-fire
// cell with exponentially decaying synaptic currents (NEST iaf_psc_exp),
// integrated exactly (Potjans & Diesmann 2014, Table 5):
//
//	C 250 pF | τm 10 ms (gL 25 nS) | EL −65 mV | Vth −50 mV | Vreset −65 mV
//	t_ref 2 ms | τsyn 0.5 ms (excitatory and inhibitory)
func Cell(name string, inhibitory bool, dcPA float64) brain.Params {
	return brain.Params{
		Name: name, C: cellC, GL: cellC / cellTauM, EL: -65, VT: -50, VReset: -65, TRef: 2,
		IBias: dcPA, Inhibitory: inhibitory, Efficacy: 1,
		Synapse: brain.SynapseParams{Model: brain.CurrentExp, TauE: cellTauS, TauI: cellTauS},
	}
}

const (
	cellC    = 250.0 // pF
	cellTauM = 10.0  // ms
	cellTauS = 0.5   // ms
)

// Background selects the external drive.
type Background uint8

const (
	// Poisson drives each cell with KExt independent Poisson inputs at
	// BackgroundHz each through synapses of the mean excitatory weight
	// (the paper's default), drawn as one Poisson count of events per cell
	// and time step with mean KExt·BackgroundHz·dt (brain.PoissonInput),
	// the way NEST's poisson_generator drives each of its targets.
	Poisson Background = iota
	// DC replaces that input by its mean, a constant current
	// KExt·BackgroundHz·w·τsyn (the NEST example's alternative).
	DC
)

func (b Background) String() string {
	switch b {
	case Poisson:
		return "Poisson"
	case DC:
		return "DC"
	}
	return fmt.Sprintf("Background(%d)", uint8(b))
}

// Params configure the microcircuit. Default returns the paper's values;
// copy and edit, Validate checks.
type Params struct {
	// NScale is the fraction of the full population sizes (0 < NScale ≤ 1):
	// each population has round(NScale·FullSize) cells.
	NScale float64
	// KScale is the fraction of the full in-degrees (0 < KScale ≤ 1). With
	// KScale < 1 the weights grow by 1/√KScale and a DC current makes up
	// the lost mean input, so that the mean and the variance of each
	// cell's input are kept (van Albada, Helias & Diesmann 2015, PLoS
	// Comput Biol 11:e1004490; the NEST example's
	// adjust_weights_and_input_to_synapse_scaling), using FullRatesHz.
	KScale float64
	// Background is the external drive, Poisson (default) or DC.
	Background Background
	// BackgroundHz is the rate of each external input (Hz; paper: 8).
	BackgroundHz float64
	// PSPMV is the peak of the mean excitatory postsynaptic potential at
	// rest (mV; paper: 0.15, i.e. a current of 87.8 pA); L4e→L23e
	// synapses are twice as strong, inhibitory ones G times.
	PSPMV float64
	// WeightRelSD is the standard deviation of the weights relative to
	// their mean (paper: 0.1). Weights are normal, redrawn when they would
	// change sign.
	WeightRelSD float64
	// G is the relative strength of inhibition (paper: −4).
	G float64
	// DelayExcMS and DelayExcSDMS are the mean and standard deviation of
	// excitatory delays (ms; paper: 1.5 and 0.75); DelayInhMS and
	// DelayInhSDMS those of inhibitory delays (paper: 0.8 and 0.4; the
	// NEST example uses 0.75 and 0.375). Delays are normal, redrawn below
	// one time step, and rounded to whole steps.
	DelayExcMS, DelayExcSDMS float64
	DelayInhMS, DelayInhSDMS float64
	// PoissonDelayMS is the delay of the background inputs (ms; NEST
	// example: 1.5). The counts of successive steps are independent, so
	// the delay only postpones the background's start to PoissonDelayMS.
	PoissonDelayMS float64
	// V0Original starts every membrane potential from N(−58, 10) mV (the
	// paper) instead of the population-specific V0MeanMV, V0SDMV.
	V0Original bool
	// DT is the time step (ms; paper: 0.1).
	DT float64
}

// Default returns the full-scale model of Potjans & Diesmann 2014 with
// Poisson background.
func Default() Params {
	return Params{
		NScale: 1, KScale: 1, Background: Poisson, BackgroundHz: 8,
		PSPMV: 0.15, WeightRelSD: 0.1, G: -4,
		DelayExcMS: 1.5, DelayExcSDMS: 0.75, DelayInhMS: 0.8, DelayInhSDMS: 0.4,
		PoissonDelayMS: 1.5, DT: 0.1,
	}
}

// Scaled returns Default with NScale and KScale set.
func Scaled(nScale, kScale float64) Params {
	p := Default()
	p.NScale, p.KScale = nScale, kScale
	return p
}

// Validate reports the first bad field.
func (p Params) Validate() error {
	bad := func(field string, v float64, why string) error {
		return fmt.Errorf("microcircuit: Params.%s = %v: %s", field, v, why)
	}
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case !(p.NScale > 0 && p.NScale <= 1):
		return bad("NScale", p.NScale, "must be in (0, 1]")
	case !(p.KScale > 0 && p.KScale <= 1):
		return bad("KScale", p.KScale, "must be in (0, 1]")
	case p.Background != Poisson && p.Background != DC:
		return bad("Background", float64(p.Background), "must be Poisson or DC")
	case !(p.BackgroundHz >= 0) || !finite(p.BackgroundHz):
		return bad("BackgroundHz", p.BackgroundHz, "must be finite and ≥ 0")
	case !(p.PSPMV > 0) || !finite(p.PSPMV):
		return bad("PSPMV", p.PSPMV, "must be finite and > 0")
	case !(p.WeightRelSD >= 0 && p.WeightRelSD < 1):
		return bad("WeightRelSD", p.WeightRelSD, "must be in [0, 1)")
	case !(p.G <= 0) || !finite(p.G):
		return bad("G", p.G, "must be finite and ≤ 0")
	case !(p.DT > 0 && p.DT <= 1):
		return bad("DT", p.DT, "must be in (0, 1] ms")
	case !(p.DelayExcMS >= p.DT) || !finite(p.DelayExcMS):
		return bad("DelayExcMS", p.DelayExcMS, "must be finite and ≥ DT")
	case !(p.DelayInhMS >= p.DT) || !finite(p.DelayInhMS):
		return bad("DelayInhMS", p.DelayInhMS, "must be finite and ≥ DT")
	case !(p.DelayExcSDMS >= 0 && p.DelayExcSDMS <= p.DelayExcMS):
		return bad("DelayExcSDMS", p.DelayExcSDMS, "must be in [0, DelayExcMS]")
	case !(p.DelayInhSDMS >= 0 && p.DelayInhSDMS <= p.DelayInhMS):
		return bad("DelayInhSDMS", p.DelayInhSDMS, "must be in [0, DelayInhMS]")
	case !(p.PoissonDelayMS >= p.DT) || !finite(p.PoissonDelayMS):
		return bad("PoissonDelayMS", p.PoissonDelayMS, "must be finite and ≥ DT")
	}
	return nil
}

// Sizes returns the number of cells of each population:
// round(NScale·FullSize), at least 1.
func (p Params) Sizes() [NumPops]int {
	var n [NumPops]int
	for k, f := range FullSize {
		n[k] = max(1, int(math.Round(p.NScale*float64(f))))
	}
	return n
}

// FullSynapses[t][s] is the number of synapses from population s onto
// population t in the full-scale model: the K for which K synapses placed
// uniformly at random (with repetition) over the NsNt pairs leave a pair
// unconnected with probability 1 − ConnProb[t][s] (Potjans & Diesmann
// 2014, Eq. 1):
//
//	K = log(1 − C) / log(1 − 1/(Ns·Nt))
func FullSynapses() [NumPops][NumPops]float64 {
	var k [NumPops][NumPops]float64
	for t := range NumPops {
		for s := range NumPops {
			pairs := float64(FullSize[t]) * float64(FullSize[s])
			k[t][s] = math.Log1p(-ConnProb[t][s]) / math.Log1p(-1/pairs)
		}
	}
	return k
}

// Synapses[t][s] is the number of synapses from s onto t in the scaled
// model: round(K·NScale·KScale), which keeps each target cell's mean
// in-degree at KScale times its full-scale value (the NEST example's
// rule).
func (p Params) Synapses() [NumPops][NumPops]int64 {
	full := FullSynapses()
	var out [NumPops][NumPops]int64
	for t := range NumPops {
		for s := range NumPops {
			out[t][s] = int64(math.Round(full[t][s] * p.NScale * p.KScale))
		}
	}
	return out
}

// PSCPerPSP is the amplitude of an exponential synaptic current (pA) whose
// postsynaptic potential at rest peaks at 1 mV in the model's cell
// (τm 10 ms, τsyn 0.5 ms, C 250 pF): the inverse of the peak of
//
//	v(t) = τm τs / (C (τm − τs)) · (exp(−t/τm) − exp(−t/τs)),
//
// reached at t* = τm τs/(τm − τs) · ln(τm/τs). 0.15 mV gives 87.8 pA, the
// paper's weight.
func PSCPerPSP() float64 {
	tm, ts := cellTauM, cellTauS
	tp := tm * ts / (tm - ts) * math.Log(tm/ts)
	peak := tm * ts / (cellC * (tm - ts)) * (math.Exp(-tp/tm) - math.Exp(-tp/ts))
	return 1 / peak
}

// MeanWeights[t][s] are the signed mean weights (pA) before scaling:
// w = PSPMV·PSCPerPSP for excitatory sources, 2w for L4e→L23e, G·w for
// inhibitory sources (Potjans & Diesmann 2014, Table 5).
func (p Params) MeanWeights() [NumPops][NumPops]float64 {
	w := p.PSPMV * PSCPerPSP()
	var m [NumPops][NumPops]float64
	for t := range NumPops {
		for s := range NumPops {
			m[t][s] = w
			if Inhibitory(s) {
				m[t][s] = p.G * w
			}
		}
	}
	m[0][2] = 2 * w // L4e → L23e
	return m
}

// DCPA is the constant current (pA) each population receives: with DC
// background, the mean of the Poisson input it replaces,
// KExt·BackgroundHz·w·τsyn; with KScale < 1, in addition
// (1 − √KScale)·τsyn times the mean recurrent (with FullRatesHz) and
// Poisson input of the full-scale cell (van Albada et al. 2015; the NEST
// example's rule).
func (p Params) DCPA() [NumPops]float64 {
	w := p.PSPMV * PSCPerPSP()
	mw := p.MeanWeights()
	full := FullSynapses()
	const msToS = 1e-3
	var dc [NumPops]float64
	for t := range NumPops {
		ext := float64(KExt[t]) * p.BackgroundHz * w // pA/s
		if p.Background == DC {
			dc[t] += msToS * cellTauS * ext
		}
		if p.KScale < 1 {
			var rec float64
			for s := range NumPops {
				rec += mw[t][s] * full[t][s] / float64(FullSize[t]) * FullRatesHz[s]
			}
			if p.Background == Poisson {
				rec += ext
			}
			dc[t] += msToS * cellTauS * (1 - math.Sqrt(p.KScale)) * rec
		}
	}
	return dc
}
