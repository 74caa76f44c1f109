//go:build !(goexperiment.simd && amd64)

package simd

// Vector reports whether the vector kernels are in use: never in this
// build (it lacks GOEXPERIMENT=simd or is not for amd64).
const Vector = false

// Width is the vector kernels' number of lanes: none in this build.
const Width = 0

func currVec(*CurrConsts, *Arrays) int      { return 0 }
func condVec(*CondConsts, *Arrays) int      { return 0 }
func condEulerVec(*CondConsts, *Arrays) int { return 0 }

// Widths lists the vector widths this build can run: none.
func Widths() []int { return nil }

func allBits8([]float64, uint64, bool) (int, bool) { return 0, true }
