//go:build !(goexperiment.simd && amd64)

package simd

// vectorWidths are the vector kernels' widths: none in this build.
func vectorWidths() []int { return nil }

// setWidth does nothing in this build (there are no vector kernels).
func setWidth(int) int { return 0 }
