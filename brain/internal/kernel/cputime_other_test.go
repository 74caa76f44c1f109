//go:build !linux

package kernel

// threadCPU reports no CPU time outside Linux.
func threadCPU() func() (int64, bool) { return func() (int64, bool) { return 0, false } }
