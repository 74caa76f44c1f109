//go:build linux

package brain

import "syscall"

// threadCPUNanos is the CPU time consumed by the calling OS thread (ns),
// so that benchmarks on a shared machine can report the work done apart
// from the time spent waiting for a core.
func threadCPUNanos() (int64, bool) {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
