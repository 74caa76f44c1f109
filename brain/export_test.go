package brain

import "math"

// ThreadCPUNanos exports threadCPUNanos to the external tests.
var ThreadCPUNanos = threadCPUNanos

// KeepParallel makes the next Runs of n on w workers stay in parallel
// mode (the pacer never finishes its first epoch), for benchmarks that
// measure what the workers cost.
func KeepParallel(n *Network, w int) {
	n.Workers = w
	n.pace = newPacer(w)
	n.pace.epoch = math.MaxInt // never reached
	n.pace.solo = false
	n.pace.keep = true
}

// KeepSplit makes the next Runs of n cut the network into the tasks of w
// workers but run them all on the calling goroutine (the pacer stays in
// solo mode): the cost of the split alone.
func KeepSplit(n *Network, w int) {
	KeepParallel(n, w)
	n.pace.solo = true
	n.keepSplit = true
}

// ProcessCPUNanos exports processCPUNanos to the external tests.
var ProcessCPUNanos = processCPUNanos

// PaceEpochs returns the epochs the pacer of n has measured solo and in
// parallel.
func PaceEpochs(n *Network) (solo, parallel int) { return n.pace.soloEpochs, n.pace.parEpochs }

// NoPeer makes the parallel epochs of n use the general step (team
// phases) even when the network qualifies for peer steps.
func NoPeer(n *Network) { n.noPeer = true }

// PeerSteps is the number of steps n ran as peer steps.
func PeerSteps(n *Network) int64 { return n.peerStepsRun }

// LoadBlind makes the pacer of n wake its workers for parallel epochs
// even while other tasks run on the machine (benchmarks that measure the
// parallel steps on a machine that is not quiet).
func LoadBlind(n *Network) { n.loadBlind = true }
