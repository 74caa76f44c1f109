//go:build linux

package brain

import "syscall"

// processCPUNanos is the CPU time of the whole process (every worker), ns.
func processCPUNanos() (int64, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
