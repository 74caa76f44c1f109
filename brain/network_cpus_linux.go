//go:build linux

package brain

import (
	"syscall"
	"unsafe"
)

// threadCPUs returns the CPUs that the calling thread may run on.
func threadCPUs() (cpuSet, bool) {
	var s cpuSet
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_GETAFFINITY, 0, unsafe.Sizeof(s), uintptr(unsafe.Pointer(&s)))
	return s, e == 0
}

// setThreadCPUs lets the calling thread run on the CPUs of s only.
func setThreadCPUs(s *cpuSet) bool {
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, 0, unsafe.Sizeof(*s), uintptr(unsafe.Pointer(s)))
	return e == 0
}

// setThreadCPUsOf lets thread tid (of this process) run on the CPUs of s
// only.
func setThreadCPUsOf(tid int, s *cpuSet) bool {
	_, _, e := syscall.RawSyscall(syscall.SYS_SCHED_SETAFFINITY, uintptr(tid), unsafe.Sizeof(*s), uintptr(unsafe.Pointer(s)))
	return e == 0
}

// threadID is the calling thread's id.
func threadID() int { return syscall.Gettid() }

// currentCPU is the CPU the calling thread runs on, or −1 when unknown.
func currentCPU() int {
	if sysGetcpu == 0 {
		return -1
	}
	var c uint32
	if _, _, e := syscall.RawSyscall(sysGetcpu, uintptr(unsafe.Pointer(&c)), 0, 0); e != 0 {
		return -1
	}
	return int(c)
}

// runnableTasks is the number of tasks of the whole machine that are
// running or waiting for a CPU now (the fourth field of /proc/loadavg,
// this thread included), or −1 when unknown. It allocates nothing.
func runnableTasks() int {
	path := [...]byte{'/', 'p', 'r', 'o', 'c', '/', 'l', 'o', 'a', 'd', 'a', 'v', 'g', 0}
	atFDCWD := -100 // openat's "relative to the working directory" (the path is absolute)
	fd, _, e := syscall.Syscall6(syscall.SYS_OPENAT, uintptr(atFDCWD), uintptr(unsafe.Pointer(&path[0])), syscall.O_RDONLY, 0, 0, 0)
	if e != 0 {
		return -1
	}
	var buf [128]byte
	k, _, e := syscall.Syscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)))
	syscall.Syscall(syscall.SYS_CLOSE, fd, 0, 0)
	if e != 0 {
		return -1
	}
	return parseRunnable(buf[:k])
}
