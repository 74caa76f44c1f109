package kernel

import (
	"math"

	"github.com/neuron-sim/neuron/brain/internal/simd"
)

// State is a population of the GeneralizedNeuron as struct-of-arrays:
// one slice per variable, all of length N, owned by the caller (brain's
// Population) and read and written in place.
type State struct {
	V, Vd, W, Theta []float64 // mV, mV, pA (per unit Size), mV
	// Theta0 is the resting threshold θ0 (mV): the LIF kernels spike at
	// V ≥ Theta0, the general ones relax θ towards it.
	Theta0 []float64
	// EP, IP, ED, ID are the synaptic variables (pA or nS) of the proximal
	// (soma) and distal (dendrite) compartments, excitatory and inhibitory;
	// with no dendrite ED and ID alias EP and IP and are not read.
	EP, IP, ED, ID []float64
	// IExt and IExtDist are the external currents (pA) of this step at the
	// soma and the dendrite; IBias the constant somatic bias (pA).
	IExt, IExtDist, IBias []float64
	// Gain is 1/Size (read only unless Consts were made with unitSize
	// false).
	Gain []float64
	// Ref is the refractory time left (ms; > 0: refractory; the LIF
	// kernels count it down below 0). Mu and Var are the running mean and
	// variance of the input current (pA, pA²) of the sensory rule.
	Ref, Mu, Var []float64
	// Offset receives the spike time within the step (ms from its start)
	// of every neuron that spiked.
	Offset []float64
	// Theta2 is the second threshold component θ2 (mV, added to θ in the
	// spike initiation), read and written only when the parameters have
	// DeltaTheta2 ≠ 0 (may be nil otherwise).
	Theta2 []float64

	// Uniform promises the LIF kernels of Size-1 cells that IExt[i] +
	// IBias[i] is Drive and Theta0[i] is UTheta for every neuron, bit for
	// bit (see SetUniform); they then read the constants instead of the
	// arrays. It does not change results.
	Uniform       bool
	Drive, UTheta float64
}

// SetUniform sets Uniform when IExt is all +0 (ext0: the caller knows it,
// for example a network population without current sources) and IBias
// and Theta0 are each one value, and clears it otherwise; it returns the
// new Uniform. The check reads IBias and Theta0 once.
func (s *State) SetUniform(ext0 bool) bool {
	s.Uniform = false
	if !ext0 || len(s.IBias) == 0 || len(s.Theta0) == 0 {
		return false
	}
	d := 0 + s.IBias[0]
	th := s.Theta0[0]
	if !simd.AllBits(s.IBias, math.Float64bits(d), true) || !simd.AllBits(s.Theta0, math.Float64bits(th), false) {
		return false
	}
	s.Uniform, s.Drive, s.UTheta = true, d, th
	return true
}

// Block is the number of neurons the general kernels process per pass.
const Block = 256

// Scratch is the work space of one goroutine's calls to Step (the
// general kernels; nil is fine for the LIF ones). NewScratch makes it;
// Step never allocates.
type Scratch struct {
	js0, js1, gs0, gs1, jd0, jd1, gd0, gd1 []float64
	th1, thInf, ex, thA, thB               []float64
	slow                                   []int32
	heun                                   heunScratch
}

// NewScratch returns the scratch space of one goroutine.
func NewScratch() *Scratch {
	mk := func() []float64 { return make([]float64, Block) }
	return &Scratch{js0: mk(), js1: mk(), gs0: mk(), gs1: mk(), jd0: mk(), jd1: mk(), gd0: mk(), gd1: mk(),
		th1: mk(), thInf: mk(), ex: mk(), thA: mk(), thB: mk(), slow: make([]int32, 0, Block), heun: newHeunScratch()}
}

// Step advances neurons [lo, hi) of s by one time step with the kernel c
// chose, appends the indices that spiked (ascending) to dst and returns
// it. sc may be nil for the LIF kernels. On a numerical blow-up it stops
// and returns bad ≥ 0, the index of the neuron whose state (or input) is
// no longer finite, with that neuron's inputs as they were at the start
// of the step; otherwise bad is −1. The forward Euler LIF kernel also
// stops at a neuron whose step would be unstable (EulerUnstable), leaving
// its whole state as it was at the start of the step.
func Step(c *Consts, s *State, lo, hi int, dst []int32, sc *Scratch) (out []int32, bad int) {
	switch c.kind {
	case LIFCurrent:
		if c.k.unitSize {
			return vecSweep(c, s, lo, hi, dst, sweepCurr)
		}
		return lifSweep(c, s, lo, hi, dst, sweepCurrGain)
	case LIFConductance:
		if c.k.unitSize {
			return vecSweep(c, s, lo, hi, dst, sweepCond)
		}
		return lifSweep(c, s, lo, hi, dst, sweepCondGain)
	case LIFConductanceEuler:
		if c.k.unitSize {
			return vecSweep(c, s, lo, hi, dst, sweepEuler)
		}
		return lifSweep(c, s, lo, hi, dst, sweepEulerGain)
	case Heun:
		if c.vecHeun && vecWidth() > 0 {
			return stepHeunVec(c, s, lo, hi, dst, sc)
		}
		for b := lo; b < hi; b += Block {
			if dst, bad = stepHeun(c, s, b, min(b+Block, hi), dst, sc); bad >= 0 {
				return dst, bad
			}
		}
		return dst, -1
	}
	for b := lo; b < hi; b += Block {
		if dst, bad = stepFull(c, s, b, min(b+Block, hi), dst, sc); bad >= 0 {
			return dst, bad
		}
	}
	return dst, -1
}

// finite reports whether x is neither NaN nor infinite, and below the
// bound beyond which a membrane variable is meaningless.
func finite(x float64) bool { return x < 1e12 && x > -1e12 }
