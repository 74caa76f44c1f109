package microcircuit

import "github.com/neuron-sim/neuron/brain/models"

// Reference rates of the full-scale model with Poisson background.
//
// Sources: the NEST reference implementation of the model reports the
// mean rates of its full-scale network (NScale = KScale = 1) in two
// published versions of its parameters (pynest/examples/Potjans_2014/
// network_params.py, full_mean_rates): 0.971, 2.868, 4.746, 5.396, 8.142,
// 9.078, 0.991, 7.523 Hz (2016 version) and FullRatesHz (NEST 3 version),
// in the order of Names. Potjans & Diesmann 2014, Fig. 6, shows the same
// picture: layer 2/3 and layer 6 excitatory cells fire at about 1 Hz,
// layer 4 excitatory at about 4–5 Hz, layer 5 excitatory fastest at about
// 7–8 Hz, and each inhibitory population faster than the excitatory one
// of its layer (3–9 Hz).
//
// RateRange is, per population, the span of the two NEST figures widened
// by 30 % on each side (0.7·min … 1.3·max): the rates of one network
// drawn with one seed, measured over 1 s after the initial transient,
// differ from run to run and from one simulator's random numbers to
// another's by less than that, while a wrong parameter (a weight, a delay,
// the L4e→L23e doubling, the in-degrees) moves some population well
// outside it.
var RateRange = func() [NumPops]models.Range {
	nest2016 := [NumPops]float64{0.971, 2.868, 4.746, 5.396, 8.142, 9.078, 0.991, 7.523}
	var r [NumPops]models.Range
	for k := range NumPops {
		lo, hi := min(nest2016[k], FullRatesHz[k]), max(nest2016[k], FullRatesHz[k])
		r[k] = models.Range{Lo: round3(0.7 * lo), Hi: round3(1.3 * hi)}
	}
	return r
}()

func round3(x float64) float64 {
	return float64(int64(x*1000+0.5)) / 1000
}

// NEST's published speed on this model, for comparison with ours.
//
// Kurth et al. 2022, "Sub-realtime simulation of a neuronal network of
// natural density", Neuromorph Comput Eng 2:021001 (first shown at the
// NEST Conference 2021, Forschungszentrum Jülich record FZJ-2021-03144):
// the full-scale model with DC background and NEST 2.14 on compute nodes
// of two 64-core AMD EPYC Rome 7702 runs at a real-time factor (wall time over simulated time) of 0.67 on one node
// (2 MPI processes) and 0.53 on two (4 MPI processes), as listed in the
// performance table of the model's reference repository
// (INM-6/microcircuit-PD14-model, docs/benchmarking, compiled for Senk et
// al., "Constructive community race: full-density spiking neural network
// model drives neuromorphic computing", arXiv:2505.21185). The conference
// abstract gave the two-node run as 1.7 times faster than real time.
//
// In core-seconds per simulated second (physical cores of the nodes used ×
// real-time factor): one node 128 × 0.67 ≈ 86, two nodes 256 × 0.53 ≈ 136.
// Earlier NEST figures cost more: van Albada et al. 2018 (Front Neurosci
// 12:291; NEST on nodes of two 12-core Xeon E5-2680 v3, DC input)
// report a real-time factor of 2.47 on 12 nodes (288 cores: ≈ 710) and 4.58
// on 3 (72 cores: ≈ 330), by the same table.
const (
	NESTCores1Node         = 128
	NESTRealTimeFactor1    = 0.67 // wall time / simulated time, one node
	NESTCores2Nodes        = 256
	NESTRealTimeFactor2    = 0.53 // two nodes
	NESTCoreSecondsPerSimS = NESTCores1Node * NESTRealTimeFactor1
)
