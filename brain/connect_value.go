package brain

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// ValueKind selects how a Value draws its numbers.
type ValueKind uint8

const (
	// ValueConst is the constant A.
	ValueConst ValueKind = iota
	// ValueUniform is uniform on [A, B).
	ValueUniform
	// ValueNormal is normal with mean A and standard deviation B, redrawn
	// until it falls inside [Lo, Hi] (a truncated normal; Lo == Hi == 0
	// means no truncation). The window must hold at least
	// MinNormalWindowMass of the normal's mass.
	ValueNormal
	// ValueExponential is exponential with mean A, shifted by B: B + A·X
	// with X a unit exponential variate. A negative mean mirrors it, so
	// the numbers lie at or below B (the weights of inhibitory cells,
	// which Dale's law makes ≤ 0).
	ValueExponential
)

// Value is a synaptic weight or delay: a constant or a seeded distribution.
// Build draws one number per synapse from the random stream of the
// synapse's presynaptic row (keyed by projection index and presynaptic id),
// so the numbers do not depend on threading. The zero Value is the
// constant 0 (for a Delay it means "one time step").
type Value struct {
	Kind   ValueKind
	A, B   float64 // parameters, see ValueKind
	Lo, Hi float64 // truncation bounds of ValueNormal (both 0: none)
}

// Const is the constant v.
func Const(v float64) Value { return Value{Kind: ValueConst, A: v} }

// Uniform is uniform on [lo, hi).
func Uniform(lo, hi float64) Value { return Value{Kind: ValueUniform, A: lo, B: hi} }

// Normal is normal with the given mean and standard deviation, truncated
// to [lo, hi] by redrawing (pass lo == hi == 0 for no truncation).
func Normal(mean, sd, lo, hi float64) Value {
	return Value{Kind: ValueNormal, A: mean, B: sd, Lo: lo, Hi: hi}
}

// Exponential is shift + an exponential variate of the given mean; a
// negative mean draws shift − |mean|·X, at or below shift
// (Exponential(−0.5, 0) for inhibitory weights of mean magnitude 0.5).
func Exponential(mean, shift float64) Value {
	return Value{Kind: ValueExponential, A: mean, B: shift}
}

// IsConst reports whether v is a constant.
func (v Value) IsConst() bool { return v.Kind == ValueConst }

func (v Value) validate(field string) error {
	for _, x := range []float64{v.A, v.B, v.Lo, v.Hi} {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("brain: %s: parameters must be finite, got %+v", field, v)
		}
	}
	switch v.Kind {
	case ValueConst:
	case ValueUniform:
		if !(v.B > v.A) {
			return fmt.Errorf("brain: %s: Uniform needs hi > lo, got [%v, %v)", field, v.A, v.B)
		}
	case ValueNormal:
		if v.B < 0 {
			return fmt.Errorf("brain: %s: Normal sd = %v must be ≥ 0", field, v.B)
		}
		if (v.Lo != 0 || v.Hi != 0) && !(v.Hi > v.Lo) {
			return fmt.Errorf("brain: %s: Normal truncation needs hi > lo, got [%v, %v]", field, v.Lo, v.Hi)
		}
		if (v.Lo != 0 || v.Hi != 0) && v.B == 0 && (v.A < v.Lo || v.A > v.Hi) {
			return fmt.Errorf("brain: %s: Normal mean %v outside [%v, %v] with sd 0", field, v.A, v.Lo, v.Hi)
		}
		if (v.Lo != 0 || v.Hi != 0) && v.B > 0 {
			if m := normalMass((v.Lo-v.A)/v.B, (v.Hi-v.A)/v.B); !(m >= MinNormalWindowMass) {
				return fmt.Errorf("brain: %s: Normal(mean %v, sd %v) truncated to [%v, %v]: the window holds %.3g of the distribution (below MinNormalWindowMass = %g): about %.3g draws per number", field, v.A, v.B, v.Lo, v.Hi, m, MinNormalWindowMass, 1/m)
			}
		}
	case ValueExponential:
		if v.A == 0 {
			return fmt.Errorf("brain: %s: Exponential mean = 0: must be > 0, or < 0 for numbers at or below the shift", field)
		}
	default:
		return fmt.Errorf("brain: %s: unknown ValueKind %d", field, v.Kind)
	}
	return nil
}

// MinNormalWindowMass is the least share of its normal distribution a
// truncated Normal's window [Lo, Hi] must hold. Numbers are drawn by
// rejection, so a window of mass m costs 1/m draws per number: 10⁴ at the
// bound, and the chance that 2²⁰ draws all miss (when draw gives up) is
// below e⁻¹⁰⁰. A window far in a tail (Normal(0, 1, 7, 8) holds 1.28e-12)
// used to take 2²⁰ draws per synapse and then give its edge, 7, to every
// one of them.
const MinNormalWindowMass = 1e-4

// normalMass is P(a ≤ Z ≤ b) for a standard normal Z, accurate in the
// tails (a ≤ b).
func normalMass(a, b float64) float64 {
	switch {
	case a >= 0: // both in the upper tail
		return 0.5 * (math.Erfc(a/math.Sqrt2) - math.Erfc(b/math.Sqrt2))
	case b <= 0: // both in the lower tail
		return 0.5 * (math.Erfc(-b/math.Sqrt2) - math.Erfc(-a/math.Sqrt2))
	}
	return 1 - 0.5*math.Erfc(-a/math.Sqrt2) - 0.5*math.Erfc(b/math.Sqrt2)
}

// draw returns one number of v from r.
func (v Value) draw(r *rand.Rand) float64 {
	switch v.Kind {
	case ValueUniform:
		return v.A + (v.B-v.A)*r.Float64()
	case ValueNormal:
		if v.Lo == 0 && v.Hi == 0 {
			return v.A + v.B*r.NormFloat64()
		}
		for range 1 << 20 {
			x := v.A + v.B*r.NormFloat64()
			if x >= v.Lo && x <= v.Hi {
				return x
			}
		}
		// Not reached in practice: validate requires a window mass of at
		// least MinNormalWindowMass, so 2²⁰ misses have a chance below
		// e⁻¹⁰⁰. Rather than loop forever, give the nearest edge.
		return math.Min(math.Max(v.A, v.Lo), v.Hi)
	case ValueExponential:
		return v.B + v.A*r.ExpFloat64()
	}
	return v.A
}

// bounds returns the smallest and largest number v can draw (±Inf when
// unbounded).
func (v Value) bounds() (lo, hi float64) {
	switch v.Kind {
	case ValueUniform:
		return v.A, v.B
	case ValueNormal:
		if v.B == 0 {
			return v.A, v.A
		}
		if v.Lo == 0 && v.Hi == 0 {
			return math.Inf(-1), math.Inf(1)
		}
		return v.Lo, v.Hi
	case ValueExponential:
		if v.A < 0 {
			return math.Inf(-1), v.B
		}
		return v.B, math.Inf(1)
	}
	return v.A, v.A
}
