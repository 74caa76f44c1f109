// Package models holds the benchmark and study networks of the project
// with their reference figures as data, so that the bench command, the
// tests and the notebooks check the same numbers:
//
//   - CUBA and COBA, the current- and conductance-based networks of Brette
//     et al. 2007 (J Comput Neurosci 23:349; after Vogels & Abbott 2005,
//     J Neurosci 25:10786), with CUBARate and COBARate;
//   - SongSTDP, the STDP network of Song, Miller & Abbott 2000 (Nat
//     Neurosci 3:919) in the form of the Brian2 example, with Song;
//   - Brunel and BrunelPoint, the sparse E/I network of Brunel 2000
//     (J Comput Neurosci 8:183) and its four example states;
//   - Research, the project's small research circuit.
//
// The cortical microcircuit of Potjans & Diesmann 2014 (Cereb Cortex
// 24:785), with its reference rates and NEST's published cost, lives in
// the sub-package brain/models/microcircuit.
//
// Every network is built with the public API of package brain, as a user
// would build it. The reference ranges live here (reference.go) and
// nowhere else: the bench command, the tests and the notebooks read them.
package models
