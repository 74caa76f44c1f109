//go:build !linux

package brain

// Thread affinity is set on Linux only (network_cpus.go).

func threadCPUs() (cpuSet, bool)        { return cpuSet{}, false }
func setThreadCPUs(*cpuSet) bool        { return false }
func currentCPU() int                   { return -1 }
func setThreadCPUsOf(int, *cpuSet) bool { return false }
func threadID() int                     { return 0 }
func runnableTasks() int                { return -1 }
