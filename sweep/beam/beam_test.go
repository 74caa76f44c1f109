package sweepbeam_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/apache/beam/sdks/v2/go/pkg/beam/runners/prism"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"

	"github.com/neuron-sim/neuron/sweep"
	sweepbeam "github.com/neuron-sim/neuron/sweep/beam"
	_ "github.com/neuron-sim/neuron/sweep/funcs"
)

func TestMain(m *testing.M) { ptest.MainWithDefault(m, "prism") }

// mix is a cheap pure function that fails at x = 2.
var mix = sweep.Func{
	Params:  []string{"x"},
	Results: []string{"y", "noise"},
	Eval: func(ctx context.Context, p sweep.Point) ([]float64, error) {
		x, _ := p.Get("x")
		if x == 2 {
			return nil, fmt.Errorf("mix: x = 2 is refused")
		}
		r := rand.New(rand.NewPCG(p.Seed, math.Float64bits(x)))
		return []float64{x * x, r.Float64()}, nil
	},
}

func init() {
	if err := sweep.Register("mix", mix); err != nil {
		panic(err)
	}
}

func mixSpec(n int) sweep.Spec {
	return sweep.Spec{Name: "mix", Func: "mix", Grid: []sweep.Axis{{Name: "x", Min: 0, Max: float64(n - 1), N: n}},
		Sample: &sweep.Sample{Method: "lhs", N: 2, Seed: 5, Ranges: []sweep.Range{{Name: "z", Min: 0, Max: 1}}},
		Seeds:  []uint64{1, 2}}
}

// The same sweep on Prism, on the local runner and as merged shards gives
// the same bytes; a run interrupted on the local runner and finished on
// Prism too.
func TestPrismSameTable(t *testing.T) {
	ctx := context.Background()
	spec := mixSpec(10)
	local, err := sweep.Run(ctx, spec, sweep.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := local.Bytes()
	dir := t.TempDir()
	got, err := sweepbeam.Run(ctx, "prism", spec, filepath.Join(dir, "beam.journal"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("Prism table differs from the local one:\n%s\nwant\n%s", got.Bytes(), want)
	}
	if len(got.Failed()) != 4 {
		t.Errorf("%d failed rows, want 4 (x = 2)", len(got.Failed()))
	}
	var parts []string
	for i := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("part-%d", i))
		if _, err := sweep.Run(ctx, spec, sweep.Options{Shard: sweep.Shard{I: i, N: 3}, Journal: p}); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, p)
	}
	merged, err := sweep.Merge(parts...)
	if err != nil || !bytes.Equal(merged.Bytes(), want) {
		t.Errorf("merged shards differ from the local table (%v)", err)
	}

	// Interrupt a local run after 11 points, finish on Prism.
	j := filepath.Join(dir, "resume.journal")
	cctx, cancel := context.WithCancel(ctx)
	sweep.Run(cctx, spec, sweep.Options{Workers: 1, Journal: j, Progress: func(done, total int) {
		if done >= 11 {
			cancel()
		}
	}})
	cancel()
	part, err := sweep.Merge(j)
	if err == nil {
		t.Fatalf("interrupted journal is complete (%d rows)", len(part.Rows))
	}
	resumed, err := sweepbeam.Run(ctx, "prism", spec, j)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(resumed.Bytes(), want) {
		t.Error("table resumed on Prism differs from the uninterrupted one")
	}
}

// A small Brunel sweep, the project's real function, on Prism and locally.
func TestPrismBrunel(t *testing.T) {
	spec := sweep.Spec{Name: "brunel-small", Func: "brunel", Grid: []sweep.Axis{
		{Name: "g", Values: []float64{3, 6}}, {Name: "eta", Values: []float64{1, 2}},
		{Name: "ne", Values: []float64{200}}, {Name: "duration_ms", Values: []float64{60}},
		{Name: "transient_ms", Values: []float64{20}}}}
	local, err := sweep.Run(context.Background(), spec, sweep.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := sweepbeam.Run(context.Background(), "prism", spec, filepath.Join(t.TempDir(), "j"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), local.Bytes()) {
		t.Errorf("Prism and local Brunel tables differ:\n%s\n%s", got.Bytes(), local.Bytes())
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := sweepbeam.Run(context.Background(), "prism", sweep.Spec{Name: "x", Func: "nope", Grid: []sweep.Axis{{Name: "a", Values: []float64{1}}}}, filepath.Join(t.TempDir(), "j")); err == nil {
		t.Error("unknown function accepted")
	}
}

// BenchmarkPrismPerPoint measures the cost of a point on Prism beyond the
// function itself (which takes ~1 µs here): pipeline start-up spread over
// b.N points, plus per-element and journal costs.
func BenchmarkPrismPerPoint(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("points=%d", n), func(b *testing.B) {
			spec := mixSpec(n / 4)
			dir := b.TempDir()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				j := filepath.Join(dir, fmt.Sprint(i))
				if _, err := sweepbeam.Run(context.Background(), "prism", spec, j); err != nil {
					b.Fatal(err)
				}
				os.Remove(j)
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N*n), "ms/point")
		})
	}
}
