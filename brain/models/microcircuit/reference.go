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
// Kurth, Finnerty, Terhorst, Pronold, Senk & Diesmann, "Sub realtime
// simulation of a full density cortical microcircuit model on a single
// compute node", NEST Conference 2021 (Forschungszentrum Jülich record
// FZJ-2021-03144): the full-scale model (Poisson background, dt 0.1 ms)
// with NEST 2.14 on AMD EPYC Rome compute nodes of 128 cores each runs
// below real time on one node, and 1.7 times faster than real time on two
// nodes coupled by InfiniBand. The journal version is Kurth et al. 2022,
// Neuromorph Comput Eng 2:021001 ("run times shorter than the simulated
// span of biological time ... on a recent conventional compute node").
//
// In core-seconds per simulated second (cores × wall / simulated time):
// two nodes, 256 cores / 1.7 ≈ 151; one node, fewer than 128 (the real-time
// factor is below 1 on its 128 cores; the abstract gives no exact figure,
// so 128 is an upper bound of NEST's cost there, and the figure we
// compare against).
const (
	NESTCores2Nodes        = 256
	NESTSpeedup2Nodes      = 1.7 // simulated time / wall time
	NESTCoreSecondsPerSimS = 128 // one 128-core node at real-time factor < 1: an upper bound
)
