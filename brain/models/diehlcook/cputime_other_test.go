//go:build !linux

package diehlcook

func threadCPUNanos() (int64, bool) { return 0, false }
