package brain_test

import (
	"bytes"
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
)

// TestGapCouplingCoefficient: two identical passive cells joined by a gap
// junction g, a DC current I into cell 0. At steady state (deviations u
// from rest) gL·u1 = g·(u0 − u1), so the coupling coefficient is
// u1/u0 = g/(g + gL), whatever I; checked to 1e-6 for a user model
// (gL = 25 nS) and the library's LIF (Generic, gL = 10 nS), several g.
func TestGapCouplingCoefficient(t *testing.T) {
	for _, c := range []struct {
		name string
		gl   float64
		mk   func() (*brain.Population, error)
		amp  float64
	}{
		{"user passive model", 25, func() (*brain.Population, error) {
			return brain.NewModelPopulation("pair", 2, &passive{exp: &brain.ExpCurrent{TauMS: 1}})
		}, 200},
		{"Generic LIF", brain.Generic().GL, func() (*brain.Population, error) { return brain.NewPopulation("pair", 2, brain.Generic()) }, 50},
	} {
		for _, g := range []float64{0.5, 5, 25} {
			pop, err := c.mk()
			if err != nil {
				t.Fatal(err)
			}
			rest := pop.V[0]
			net := brain.NewNetwork(0.1, 1)
			if _, err := net.AddGapJunctions(pop, [][2]int{{0, 1}}, g); err != nil {
				t.Fatal(err)
			}
			if err := net.Inject(pop, []int{0}, brain.Proximal, brain.DCClamp{AmpPA: c.amp}); err != nil {
				t.Fatal(err)
			}
			if err := net.Run(context.Background(), 500, nil); err != nil {
				t.Fatal(err)
			}
			u0, u1 := pop.V[0]-rest, pop.V[1]-rest
			want := g / (g + c.gl)
			t.Logf("%s, g = %v nS: coupling coefficient %.10f, g/(g+gL) = %.10f", c.name, g, u1/u0, want)
			if got := u1 / u0; math.Abs(got-want) > 1e-6 {
				t.Errorf("%s, g = %v nS: coupling coefficient %.9f, want g/(g+gL) = %.9f", c.name, g, got, want)
			}
			// And the input cell: gL·u0 = I − g·(u0 − u1).
			if wantU0 := c.amp / (c.gl + g*c.gl/(g+c.gl)); math.Abs(u0-wantU0) > 1e-6*wantU0 {
				t.Errorf("%s, g = %v nS: u0 = %v mV, want I/(gL + g·gL/(g+gL)) = %v", c.name, g, u0, wantU0)
			}
		}
	}
}

func TestGapJunctionValidation(t *testing.T) {
	pop, _ := brain.NewPopulation("p", 4, brain.Generic())
	net := brain.NewNetwork(0.1, 1)
	for _, c := range []struct {
		pairs [][2]int
		g     float64
		want  string
	}{
		{[][2]int{{0, 1}}, 0, "g = 0"}, {[][2]int{{0, 1}}, math.NaN(), "g = NaN"},
		{[][2]int{{0, 4}}, 1, "pair 0"}, {[][2]int{{0, 1}, {2, 2}}, 1, "pair 1"},
	} {
		if _, err := net.AddGapJunctions(pop, c.pairs, c.g); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("pairs %v, g %v: err = %v, want one containing %q", c.pairs, c.g, err, c.want)
		}
	}
	noV, _ := brain.NewModelPopulation("noV", 2, fourInputs{})
	if _, err := net.AddGapJunctions(noV, [][2]int{{0, 1}}, 1); err == nil {
		t.Error("a population without V accepted gap junctions")
	}
	// Generic: C = 200 pF; 2000 nS·0.1 ms/200 pF = 1 ≥ 0.5: unstable.
	if _, err := net.AddGapJunctions(pop, [][2]int{{0, 1}}, 2000); err != nil {
		t.Fatal(err)
	}
	if err := net.Build(); err == nil || !strings.Contains(err.Error(), "unstable") {
		t.Errorf("Build with g·dt/C = 1: err = %v, want unstable", err)
	}
}

// gapSpikes runs a GapFS network of 1024 cells and returns its spikes.
func gapSpikes(t *testing.T, workers int, ms float64) []int32 {
	c, err := brain.GapFSNetwork(brain.GapFS{N: 1024, P: 0.01, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	c.Net.Workers = workers
	if err := c.Net.Run(context.Background(), ms, nil); err != nil {
		t.Fatal(err)
	}
	steps, ids := c.Spikes.Spikes()
	out := make([]int32, 0, 2*len(steps))
	for k := range steps {
		out = append(out, steps[k], ids[k])
	}
	return out
}

// TestGapJunctionDeterminism: the same spikes for Workers 1, 2, 8 and
// GOMAXPROCS 1, 2, 8, and a run resumed from a checkpoint equals the
// uninterrupted one.
func TestGapJunctionDeterminism(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var ref []int32
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		for _, w := range []int{1, 2, 8} {
			got := gapSpikes(t, w, 100)
			if ref == nil {
				ref = got
				if len(ref) < 2000 {
					t.Fatalf("only %d spikes: the test needs a busy network", len(ref)/2)
				}
				continue
			}
			if !slices.Equal(got, ref) {
				t.Errorf("GOMAXPROCS %d, Workers %d: spikes differ from the serial run", procs, w)
			}
		}
	}
	// Checkpoint at 50 ms, resume for 50 ms.
	a, err := brain.GapFSNetwork(brain.GapFS{N: 1024, P: 0.01, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Net.Run(context.Background(), 50, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Net.Save(&buf); err != nil {
		t.Fatal(err)
	}
	b, err := brain.GapFSNetwork(brain.GapFS{N: 1024, P: 0.01, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Net.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	b.Net.Workers = 2
	if err := b.Net.Run(context.Background(), 50, nil); err != nil {
		t.Fatal(err)
	}
	steps, ids := b.Spikes.Spikes()
	var got, want []int32
	for k := range steps {
		got = append(got, steps[k], ids[k])
	}
	for k := 0; k < len(ref); k += 2 {
		if ref[k] >= 500 {
			want = ref[k:]
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("resumed run: %d spikes, uninterrupted run %d from 50 ms", len(got)/2, len(want)/2)
	}
}

// TestGapFSSynchrony: fast-spiking interneurons synchronise through gap
// junctions. For each of 4 seeds (different drives, noise and coupling
// graphs), Golomb's voltage synchrony χ of 100 cells over 0.2–1 s is
// at least twice as high with junctions of 5 nS (P = 0.1) as without,
// and above 0.4 (≈ 1/√N = 0.1 for independent cells).
func TestGapFSSynchrony(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		var chi [2]float64
		for k, g := range []float64{-1, 5} {
			c, err := brain.GapFSNetwork(brain.GapFS{GNS: g, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Net.Run(context.Background(), 1000, nil); err != nil {
				t.Fatal(err)
			}
			chi[k] = analysis.Synchrony(c.VoltageTraces(200))
		}
		t.Logf("seed %d: χ uncoupled %.3f, coupled %.3f", seed, chi[0], chi[1])
		if !(chi[1] > 2*chi[0] && chi[1] > 0.4) {
			t.Errorf("seed %d: χ coupled %.3f, uncoupled %.3f: want coupled > 2× uncoupled and > 0.4", seed, chi[1], chi[0])
		}
	}
}
