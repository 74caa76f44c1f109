//go:build linux

package diehlcook

import "syscall"

// threadCPUNanos is the CPU time of the calling OS thread (ns), so that a
// benchmark on a shared machine reports the work apart from the waiting.
func threadCPUNanos() (int64, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
