// Package experiments holds the protocols the project's notebooks run and assert: Brunel's
// (2000) sparse network in its four regimes with the measurements that tell them apart, the
// research E/I circuit's per-cycle objectives, and the timed CUBA/COBA benchmark runs. Each
// function builds the network with the public brain API, runs it and returns plain data
// (spike trains in ms, rates in Hz); nothing here draws. Notebooks call one function per
// experiment and assert the claims; the tests here check the same functions on short runs.
package experiments
