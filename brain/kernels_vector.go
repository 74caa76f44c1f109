package brain

import "github.com/neuron-sim/neuron/brain/internal/simd"

// VectorKernels reports whether the LIF kernels of populations with every
// Size 1 run vectorised (eight cells per AVX-512 instruction, through Go's
// simd/archsimd package): in builds with GOEXPERIMENT=simd for amd64, on
// CPUs with AVX-512. Elsewhere they run portable code that computes the
// same numbers, bit for bit; only the speed differs.
func VectorKernels() bool { return simd.Vector }
