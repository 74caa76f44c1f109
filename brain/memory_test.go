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
