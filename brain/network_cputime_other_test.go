//go:build !linux

package brain

func processCPUNanos() (int64, bool) { return 0, false }
