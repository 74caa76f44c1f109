// Package analysis measures spike trains and traces: firing rates,
// inter-spike intervals and their coefficient of variation, Fano factors,
// peri-stimulus time histograms and population rates, first-spike
// latencies, f–I curves, population-rate spectra and synchrony (for the
// regimes of Brunel 2000), and the coincidence factor Γ.
//
// It works on plain data: a spike train is a []float64 of spike times in
// ms, ascending; a set of trains (one per neuron or per trial) is a
// [][]float64; rates are in Hz, currents in pA. Time windows are half-open,
// [t0, t1), in ms. Functions that fill a slice take it first as dst and
// return it (nil: allocate), as in gonum/floats. Nothing here imports the
// simulator, so recorded data from anywhere can be analysed.
package analysis
