package brain

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
)

// Memory budgets: allocations whose size the user's input decides
// (population arrays, recorder buffers over a Run) are estimated first and
// refused with an error when the estimate exceeds the budget, instead of
// the process dying of out-of-memory part-way.

// MemoryBudget is the package-wide budget (bytes) that NewPopulation, and
// every Network whose own MemoryBudget is 0, check their estimates
// against. 0 means DefaultMemoryBudget.
var MemoryBudget int64

// DefaultMemoryBudget is half of the machine's physical memory (MemTotal
// of /proc/meminfo), or of the Go memory limit (GOMEMLIMIT) if that is
// lower; 8 GiB where neither can be read.
func DefaultMemoryBudget() int64 {
	defaultBudgetOnce.Do(func() {
		total := int64(8 << 30)
		if t, ok := memTotal(); ok {
			total = t
		}
		if lim := debug.SetMemoryLimit(-1); lim > 0 && lim < total {
			total = lim
		}
		defaultBudget = total / 2
	})
	return defaultBudget
}

var (
	defaultBudgetOnce sync.Once
	defaultBudget     int64
)

// memTotal reads MemTotal from /proc/meminfo (bytes).
func memTotal() (int64, bool) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kb <= 0 {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}

func packageBudget() int64 {
	if MemoryBudget > 0 {
		return MemoryBudget
	}
	return DefaultMemoryBudget()
}

// budget is the network's memory budget (bytes).
func (n *Network) budget() int64 {
	if n.MemoryBudget > 0 {
		return n.MemoryBudget
	}
	return packageBudget()
}

// populationArrays is the number of float64 arrays of N values a
// Population of the GeneralizedNeuron holds (state, inputs, per-neuron
// configuration, synaptic variables of both compartments).
const populationArrays = 24

// checkPopulationMemory refuses a population whose arrays would exceed
// the package budget.
func checkPopulationMemory(name string, n int) error {
	need := float64(n) * populationArrays * 8
	if b := packageBudget(); need > float64(b) {
		return fmt.Errorf("brain: population %q: N = %d needs about %.3g GB, more than the memory budget of %.3g GB (brain.MemoryBudget)", name, n, need/1e9, float64(b)/1e9)
	}
	return nil
}

// MemoryEstimator is implemented by monitors whose memory grows with the
// run (SpikeRecorder, StateRecorder): EstimateBytes(steps) is what the
// monitor will hold after steps more steps.
type MemoryEstimator interface {
	EstimateBytes(steps int64) int64
}

// checkRunMemory refuses a Run of steps steps when the monitors'
// estimates add up to more than the budget. The replicas of the Run's
// peer steps pr (network_replica.go; nil: none) count too; when only
// they do not fit, they are dropped (they speed the steps up, nothing
// more).
func (n *Network) checkRunMemory(steps int64, pr *peerRun) error {
	var total float64
	var biggest string
	var most float64
	for _, m := range n.monitors {
		var e MemoryEstimator
		switch w := m.(type) {
		case spikeMonitor:
			e = w.rec
		case stateMonitor:
			e = w.rec
		case MemoryEstimator:
			e = w
		default:
			continue
		}
		b := float64(e.EstimateBytes(steps))
		if b < 0 || math.IsNaN(b) {
			b = math.Inf(1) // an estimate that overflowed
		}
		total += b
		if b > most {
			most, biggest = b, strings.TrimPrefix(fmt.Sprintf("%T", e), "*brain.")
		}
	}
	budget := n.budget()
	if pr != nil && total+float64(pr.replicaBytes()) > float64(budget) {
		pr.dropReplicas()
	}
	if total > float64(budget) {
		return fmt.Errorf("brain: Run: the recorders would hold about %.3g GB after %d steps (the largest, a %s, %.3g GB), more than the memory budget of %.3g GB (Network.MemoryBudget): record fewer neurons or variables, sample less often, run in shorter pieces and Reset, or stream to disk", total/1e9, steps, biggest, most/1e9, float64(budget)/1e9)
	}
	return nil
}
