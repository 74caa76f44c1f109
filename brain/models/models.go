package models

import "github.com/neuron-sim/neuron/brain"

// CUBA returns the current-based benchmark network of Brette et al. 2007
// (benchmark 2) with n cells (80 % excitatory, "exc" and "inh"), seed
// seed: LIF cells, exponential current synapses, 2 % connectivity.
func CUBA(n int, seed uint64) (*brain.Network, error) { return brain.CUBA(n, seed) }

// COBA returns the conductance-based benchmark network of Brette et al.
// 2007 (benchmark 1), as CUBA.
func COBA(n int, seed uint64) (*brain.Network, error) { return brain.COBA(n, seed) }

// SongSTDP returns the STDP network of Song, Miller & Abbott 2000 in the
// form of the Brian2 example: 1000 Poisson inputs at 15 Hz ("input")
// through additive STDP synapses onto one conductance-based LIF ("post"),
// gmax = SongGMax.
func SongSTDP(seed uint64) (*brain.Network, error) { return brain.SongSTDP(seed) }

// BrunelParams configure the network of Brunel 2000, model A (see
// brain.BrunelParams).
type BrunelParams = brain.BrunelParams

// BrunelPoint returns the parameters of one of the four example states of
// Brunel 2000, Fig. 8 ("SR", "AI", "SIfast", "SIslow") on ne excitatory
// cells.
func BrunelPoint(name string, ne int) (BrunelParams, error) { return brain.BrunelPoint(name, ne) }

// Brunel builds the network of bp; populations "exc" and "inh".
func Brunel(bp BrunelParams, seed uint64) (*brain.Network, error) { return brain.Brunel(bp, seed) }

// ResearchCircuit is the research circuit with its recorders.
type ResearchCircuit = brain.ResearchCircuit

// Research builds the project's research circuit (9 pyramidal cells, 3
// interneurons, external and recurrent matrices; see
// brain.ResearchNetwork).
func Research(seed uint64) (*ResearchCircuit, error) { return brain.ResearchNetwork(seed) }
