// Package microcircuit builds the cortical microcircuit of Potjans &
// Diesmann 2014 (Cereb Cortex 24:785): the network below 1 mm² of early
// sensory cortex, 77 169 leaky integrate-and-fire cells in eight
// populations (an excitatory and an inhibitory one in each of layers 2/3,
// 4, 5 and 6) joined by about 3·10⁸ synapses with the paper's
// layer- and type-specific connection probabilities.
//
// The tables of the paper are data here: FullSize, ConnProb, KExt (Table
// 5), with the cell (Cell) and the synapse parameters in Params. Default
// gives the full-scale model with Poisson background; Scaled gives a
// smaller one for tests and notebooks (NScale scales the populations,
// KScale the in-degrees, with the weights and a DC current adjusted so
// that each cell's input keeps its mean and variance, as in the NEST
// reference implementation). Build returns a Circuit: the brain.Network
// with its populations, background and one spike recorder per
// population; Rates gives the mean rate of each population.
//
// Units follow package brain: ms, mV, pA, pF, Hz. Wiring, weights, delays,
// background and initial potentials come from random streams keyed by the
// seed and global ids, so a seed gives the same spikes on any number of
// cores.
//
// RateRange holds the accepted per-population rates of the full-scale
// model, and NESTCoreSecondsPerSimS NEST's published cost of simulating
// it; `neuron bench microcircuit` prints both beside this package's
// figures, and docs/benchmarks.md describes the model and the sources.
package microcircuit
