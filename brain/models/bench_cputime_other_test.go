//go:build !linux

package models_test

// processCPUNanos is not measured on this system.
func processCPUNanos() (int64, bool) { return 0, false }
