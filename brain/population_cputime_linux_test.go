//go:build linux

package brain

import (
	"syscall"
	"unsafe"
)

// threadCPUNanos is the CPU time consumed by the calling OS thread (ns),
// so that benchmarks on a shared machine can report the work done apart
// from the time spent waiting for a core. It reads
// CLOCK_THREAD_CPUTIME_ID, exact to the nanosecond (getrusage's thread
// time advances only at scheduler ticks, a few ms, too coarse to time one
// step).
func threadCPUNanos() (int64, bool) {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0, false
	}
	return ts.Nano(), true
}
