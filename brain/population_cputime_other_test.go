//go:build !linux

package brain

func threadCPUNanos() (int64, bool)  { return 0, false }
func processCPUNanos() (int64, bool) { return 0, false }
