//go:build !linux

package brain

func threadCPUNanos() (int64, bool) { return 0, false }
