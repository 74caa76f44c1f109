//go:build !unix

package simd

// cpuNS is not measured on this system.
func cpuNS() int64 { return 0 }
