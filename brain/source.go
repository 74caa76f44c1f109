package brain

import "fmt"

// Source is a group of spike generators that can start a projection
// (Network.ConnectSource). Each generator stands in for one presynaptic
// cell; IsInhibitory says which receptor its synapses use (Dale's law).
// The library's sources are PoissonGroup and SpikeSourceArray; a type of
// yours that implements Source plugs in the same way.
//
// Network.Build calls Prepare once; each step k (t = k·dt to (k+1)·dt) the
// network calls Emit, from one goroutine at a time, possibly a different
// one each step. A source that carries state from step to step
// (generators, queues) implements Stateful so that Network.Save and
// Restore carry it; one that knows how many spikes a step can bring
// implements SpikesPerStepHint to size the network's buffers.
type Source interface {
	// Len is the number of generators.
	Len() int
	// SourceName labels the group in messages.
	SourceName() string
	// IsInhibitory reports whether the group's synapses are inhibitory.
	IsInhibitory() bool
	// Prepare readies the group for stepping with time step dt (ms).
	// streams holds one random stream per generator, keyed by the
	// generator's global source id: draw generator i's numbers only from
	// streams.Stream(i) (or streams.Seed) and results do not depend on the
	// worker count.
	Prepare(dt float64, streams Streams) error
	// Emit appends to dst[:0] the generators that fire during step (t =
	// step·dt to (step+1)·dt), in a fixed order, a generator repeated if
	// it fires more than once, and returns it. It must not allocate once
	// dst has grown to the step's spike count. An id outside [0, Len())
	// stops Run with an error naming the source and the id.
	Emit(step int64, dst []int32) []int32
}

// A SourceChecker is a Source that finds some bad input only while it
// runs (a PoissonGroup's RateFunc above its MaxRateHz bound, say). After
// every step, Run calls Err and, when it is not nil, stops with it: the
// spikes of that step are the last ones simulated.
type SourceChecker interface {
	Err() error
}

// SpikesPerStepHint is implemented by a Source that can bound the
// spikes of one step: the network sizes its buffers with it (they grow if
// needed, so a low estimate costs allocations, not correctness).
type SpikesPerStepHint interface {
	SpikesPerStep() int
}

// checkEmitted returns an error naming src and the generator if Emit put
// an id outside [0, src.Len()) into sp: a user's Source with such a bug
// would otherwise have its spikes dropped from the counts or make the
// delivery index out of range.
func checkEmitted(src Source, sp []int32) error {
	n := uint32(src.Len())
	for _, g := range sp {
		if uint32(g) >= n {
			return fmt.Errorf("brain: source %q emitted generator %d, outside [0, %d) (Source.Emit must return ids below Len)", src.SourceName(), g, n)
		}
	}
	return nil
}
