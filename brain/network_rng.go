package brain

import "math/rand/v2"

// Random streams. Every stochastic part of a network draws from its own
// PCG stream, rand.NewPCG(Network.Seed, key), where key is a hash of a
// stream kind and global ids (projection index, global neuron or source id).
// No stream is keyed by goroutine or by the order in which work is
// scheduled, so results do not depend on GOMAXPROCS or on how a network is
// split over processes or machines.
const (
	streamConnect      uint64 = 1 + iota // connectivity of one row/column of a projection
	streamWeight                         // weights of one presynaptic row
	streamDelay                          // delays of one presynaptic row
	streamPoisson                        // one Poisson source
	streamOU                             // Ornstein–Uhlenbeck noise of one neuron
	streamModel                          // initial conditions drawn by model constructors
	streamNeuron                         // one neuron of a NeuronModel (State.Streams)
	streamPoissonInput                   // one cell's counts of a PoissonInput
)

// splitmix64 is the finaliser of SplitMix64 (Steele, Lea & Flood 2014), a
// bijective 64-bit mixer.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// streamKey hashes a stream kind and two ids into the second PCG seed word.
func streamKey(kind, a, b uint64) uint64 {
	return splitmix64(splitmix64(splitmix64(kind)^a) ^ b)
}

// newStream returns the PCG of stream (kind, a, b) under seed.
func newStream(seed, kind, a, b uint64) *rand.PCG {
	return rand.NewPCG(seed, streamKey(kind, a, b))
}

// NewStream returns a generator for the random stream (kind, id) of a
// network seed, for model constructors and tests that draw initial
// conditions: the same (seed, kind, id) always gives the same numbers.
// Kinds below 1<<32 are reserved for the network's own streams.
func NewStream(seed, kind, id uint64) *rand.Rand {
	return rand.New(newStream(seed, streamModel, kind, id))
}

// Streams hands a component the random streams of a network: one
// independent stream per element (generator of a source, target cell of
// a current source, neuron of a population), keyed by the network seed,
// the kind of component and the element's global id, never by goroutine
// or scheduling order. A component that draws element k's numbers only
// from Stream(k) (or a PCG seeded by Seed) gives the same results for any
// GOMAXPROCS or worker count, and however the network is split.
type Streams struct {
	seed, kind, salt uint64
	base             uint64   // global id of element 0 when ids is nil
	ids              []uint64 // global id of each element, or nil
	n                int
}

// NewStreams returns the streams of n elements whose global ids are
// base … base+n−1, under seed, for a component of the given kind (any
// number; kinds below 1<<32 are reserved for the library). Network.Build
// hands components their streams; call it yourself to test a component
// alone.
func NewStreams(seed, kind, base uint64, n int) Streams {
	return Streams{seed: seed, kind: kind, base: base, n: n}
}

// Len is the number of elements.
func (s Streams) Len() int { return s.n }

// NetworkSeed is the network seed.
func (s Streams) NetworkSeed() uint64 { return s.seed }

// ID is the global id of element k.
func (s Streams) ID(k int) uint64 {
	if s.ids != nil {
		return s.ids[k]
	}
	return s.base + uint64(k)
}

// Seed seeds p (in place, no allocation) with the stream of element k.
func (s Streams) Seed(p *rand.PCG, k int) {
	p.Seed(s.seed, streamKey(s.kind, s.ID(k), s.salt))
}

// Stream returns a generator of the stream of element k.
func (s Streams) Stream(k int) *rand.Rand {
	return rand.New(rand.NewPCG(s.seed, streamKey(s.kind, s.ID(k), s.salt)))
}

// Sub returns streams independent of s for the same elements, one family
// per sub (for a component that needs several streams per element).
func (s Streams) Sub(sub uint64) Streams {
	s.salt = splitmix64(s.salt ^ splitmix64(sub+0x5eed))
	return s
}
