package brain

// Source is a group of spike generators that can start a projection
// (Network.ConnectSource): a *PoissonGroup or a *SpikeSourceArray. Each
// generator stands in for one presynaptic cell; Inhibitory says which
// receptor its synapses use (Dale's law).
type Source interface {
	// Len is the number of generators.
	Len() int
	// SourceName labels the group in messages.
	SourceName() string
	// IsInhibitory reports whether the group's synapses are inhibitory.
	IsInhibitory() bool

	// prepare readies the group for stepping with time step dt (ms),
	// random streams under seed keyed by global source ids from base.
	prepare(dt float64, seed, base uint64) error
	// emit appends to dst[:0] the generators that fire during step
	// (t = step·dt to (step+1)·dt), in a fixed order, a generator repeated
	// if it fires more than once, and returns it.
	emit(step int64, dst []int32) []int32
	// spikesPerStep is a generous estimate of the spikes of one step, to
	// size the network's buffers (they grow if needed).
	spikesPerStep() int
	// appendState / restoreState carry the group's dynamic state for
	// Network.Save and Network.Restore.
	appendState(b []byte) []byte
	restoreState(d *decoder) error
}
