package brain

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestMemoryBudgets(t *testing.T) {
	if b := DefaultMemoryBudget(); b < 1<<28 {
		t.Fatalf("default budget %d bytes", b)
	}
	// A population of 2³¹−1 cells is refused before allocating.
	if _, err := NewPopulation("huge", math.MaxInt32, Generic()); err == nil || !strings.Contains(err.Error(), "memory budget") {
		t.Errorf("2³¹−1 cells: %v", err)
	}
	// A state recorder whose estimate is ~80 GB is refused before the run.
	pop := must(NewPopulation("p", 1000, Generic()))
	net := NewNetwork(0.1, 1)
	all := make([]int, pop.N)
	for i := range all {
		all[i] = i
	}
	rec := must(net.RecordState(pop, all, []string{"V"}, 1))
	if est := rec.EstimateBytes(1e8); est < 7e11 {
		t.Fatalf("estimate %d", est)
	}
	err := net.Run(context.Background(), 1e7, nil)
	if err == nil || !strings.Contains(err.Error(), "memory budget") || !strings.Contains(err.Error(), "StateRecorder") {
		t.Errorf("80 GB state recorder: %v", err)
	}
	if net.Step() != 0 || rec.Len() != 0 {
		t.Errorf("refused run advanced %d steps, %d samples", net.Step(), rec.Len())
	}
	// The budget is settable per network: 1 MB holds 100 steps of 1000
	// cells (0.8 MB), not 200.
	net.MemoryBudget = 1e6
	if err := net.Run(context.Background(), 20, nil); err == nil || !strings.Contains(err.Error(), "memory budget of 0.001 GB") {
		t.Errorf("200 steps under 1 MB: %v", err)
	}
	if err := net.Run(context.Background(), 10, nil); err != nil {
		t.Errorf("100 steps under 1 MB: %v", err)
	}
	// The spike recorder counts too (10 Hz assumed).
	net2 := NewNetwork(0.1, 1)
	sp := must(net2.RecordSpikes(must(NewPopulation("q", 100000, Generic()))))
	net2.MemoryBudget = 1 << 20
	if err := net2.Run(context.Background(), 1e4, nil); err == nil || !strings.Contains(err.Error(), "SpikeRecorder") {
		t.Errorf("spike recorder over budget: %v (estimate %d)", err, sp.EstimateBytes(1e5))
	}
	// The package budget applies to populations.
	old := MemoryBudget
	MemoryBudget = 1 << 20
	defer func() { MemoryBudget = old }()
	if _, err := NewPopulation("mid", 100000, Generic()); err == nil || !strings.Contains(err.Error(), "brain.MemoryBudget") {
		t.Errorf("100 000 cells under 1 MiB: %v", err)
	}
	if _, err := NewPopulation("small", 100, Generic()); err != nil {
		t.Errorf("100 cells under 1 MiB: %v", err)
	}
}

// TestDelayRingMemoryBudget: the delay rings, (longest delay + 1) × N
// values per synaptic variable, are checked against Network.MemoryBudget
// before they are allocated. They were not: a delay of 6 s at dt 0.1 ms
// into 200 cells allocated 96 MB under a 16 MB budget (and 65 535 steps
// into 10⁶ cells would ask for 524 GB, an out-of-memory kill rather than
// an error).
func TestDelayRingMemoryBudget(t *testing.T) {
	build := func(delayMS float64) error {
		pre := must(NewPopulation("pre", 5, Generic()))
		post := must(NewPopulation("post", 200, Generic()))
		net := NewNetwork(0.1, 1)
		net.MemoryBudget = 16 << 20
		must(net.Connect(pre, post, FixedProbability{P: 0.5}, SynapseSpec{Weight: Const(1), Delay: Uniform(1, delayMS)}))
		return net.Build()
	}
	err := build(6000) // up to 60 000 steps: 60 001 × 200 × 8 B = 96 MB
	if err == nil || !strings.Contains(err.Error(), "delay rings") || !strings.Contains(err.Error(), `population "post"`) || !strings.Contains(err.Error(), "MemoryBudget") {
		t.Errorf("96 MB of rings under a 16 MB budget: %v", err)
	}
	if err := build(500); err != nil { // 5001 × 200 × 8 B = 8 MB
		t.Errorf("8 MB of rings under a 16 MB budget: %v", err)
	}
}
