package kernel

import (
	"runtime"
	"syscall"
)

// threadCPU locks the goroutine to its thread and returns a function that
// reports the thread's CPU time (ns) since, and unlocks it.
func threadCPU() func() (int64, bool) {
	runtime.LockOSThread()
	t0, ok0 := rusageThread()
	return func() (int64, bool) {
		t1, ok1 := rusageThread()
		runtime.UnlockOSThread()
		return t1 - t0, ok0 && ok1
	}
}

func rusageThread() (int64, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(1, &ru) != nil { // RUSAGE_THREAD
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
