package brain

import "github.com/neuron-sim/neuron/brain/internal/simd"

// VectorKernels reports whether the LIF kernels of populations with every
// Size 1, and the GeneralizedNeuron's Heun kernel (current synapses, no
// sensory rule), run vectorised (through Go's simd/archsimd package): in
// builds with GOEXPERIMENT=simd for amd64, on CPUs with AVX-512 (eight
// cells per instruction) or AVX2 (four). Elsewhere they run portable code
// that computes the same numbers, bit for bit; only the speed differs.
func VectorKernels() bool { return simd.Vector }

// VectorLanes is the number of cells per instruction of the vector LIF
// kernels: 8 (AVX-512), 4 (AVX2), or 0 when they do not run.
func VectorLanes() int { return simd.Width }
