package brain

import "math/rand/v2"

// Random streams. Every stochastic part of a network draws from its own
// PCG stream, rand.NewPCG(Network.Seed, key), where key is a hash of a
// stream kind and global ids (projection index, global neuron or source id).
// No stream is keyed by goroutine or by the order in which work is
// scheduled, so results do not depend on GOMAXPROCS or on how a network is
// split (DESIGN.md, "Ready for more than one machine").
const (
	streamConnect uint64 = 1 + iota // connectivity of one row/column of a projection
	streamWeight                    // weights of one presynaptic row
	streamDelay                     // delays of one presynaptic row
	streamPoisson                   // one Poisson source
	streamOU                        // Ornstein–Uhlenbeck noise of one neuron
	streamModel                     // initial conditions drawn by model constructors
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
