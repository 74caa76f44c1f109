package kernel

import "github.com/neuron-sim/neuron/brain/internal/simd"

// Exp returns e^x for x ≤ 50, the one exponential of the kernels:
// simd.Exp, which lives beside the vector kernels that repeat it lane by
// lane (see it for the method). Its relative error is below 3e-13 on
// [−700, 50] (tested against math.Exp), far below the second-order
// schemes' local error, at about a third of math.Exp's cost; arguments
// below −700 are raised to −700, arguments above 50 give meaningless
// results (the kernels cap theirs at 50, xMax), and NaN gives NaN or a
// meaningless finite value (the kernels test the state, not the
// exponential). Both functions are small enough for the compiler to
// inline.
func Exp(x float64) float64 { return simd.Exp(x) }
