package sweep_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/sweep"
)

// toy is a cheap pure function of (a, b, seed): it fails at a = 2, panics
// at a = 3 with b = 0, and returns NaN and +Inf at a = 0, b = 0.
var toy = sweep.Func{
	Params:  []string{"a", "b"},
	Results: []string{"sum", "noise"},
	Eval: func(ctx context.Context, p sweep.Point) ([]float64, error) {
		a, _ := p.Get("a")
		b, _ := p.Get("b")
		switch {
		case a == 2:
			return nil, fmt.Errorf("toy: a = %v is refused", a)
		case a == 3 && b == 0:
			panic("toy: boom")
		case a == 0 && b == 0:
			return []float64{math.NaN(), math.Inf(1)}, nil
		}
		r := rand.New(rand.NewPCG(p.Seed, math.Float64bits(a)^math.Float64bits(b)))
		return []float64{a + b, r.NormFloat64()}, nil
	},
}

func toySpec() sweep.Spec {
	return sweep.Spec{
		Name:  "toy",
		Func:  "toy",
		Grid:  []sweep.Axis{{Name: "a", Min: 0, Max: 5, N: 6}, {Name: "b", Values: []float64{0, 0.1, 0.2}}},
		Seeds: []uint64{7, 8},
	}
}

func init() {
	if err := sweep.Register("toy", toy); err != nil {
		panic(err)
	}
}

func TestPointsOrderAndIDs(t *testing.T) {
	s := toySpec()
	pts, err := s.Points()
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 6*3*2 {
		t.Fatalf("%d points, want 36", len(pts))
	}
	// First axis slowest, seeds fastest.
	p := pts[9] // a index 1, b index 1, seed index 1
	if p.Params[0] != 1 || p.Params[1] != 0.1 || p.Seed != 8 {
		t.Errorf("point 9 = %v seed %d, want a=1 b=0.1 seed 8", p.Params, p.Seed)
	}
	ids := map[string]bool{}
	for i, p := range pts {
		if p.Index != i || ids[p.ID] || len(p.ID) != 16 {
			t.Fatalf("point %d: index %d, id %q (duplicate %v)", i, p.Index, p.ID, ids[p.ID])
		}
		ids[p.ID] = true
	}
	// An ID depends on the point only: a larger grid keeps it.
	big := toySpec()
	big.Grid[0].Max, big.Grid[0].N = 10, 11
	bp, err := big.Points()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, q := range bp {
		if ids[q.ID] {
			found++
		}
	}
	if found != len(pts) {
		t.Errorf("%d of %d IDs survive growing the grid", found, len(pts))
	}
}

func TestSamples(t *testing.T) {
	for _, method := range []string{"random", "lhs"} {
		s := sweep.Spec{Name: "s", Func: "f", Seeds: []uint64{1},
			Sample: &sweep.Sample{Method: method, N: 50, Seed: 3, Ranges: []sweep.Range{
				{Name: "x", Min: -1, Max: 1}, {Name: "y", Min: 1, Max: 100, Log: true}}}}
		p1, err := s.Points()
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := s.Points()
		for i := range p1 {
			if p1[i].ID != p2[i].ID {
				t.Fatalf("%s: point %d differs between two enumerations", method, i)
			}
			x, y := p1[i].Params[0], p1[i].Params[1]
			if x < -1 || x >= 1 || y < 1 || y >= 100 {
				t.Fatalf("%s: point %v outside the ranges", method, p1[i].Params)
			}
		}
		if method != "lhs" {
			continue
		}
		// Latin hypercube: exactly one point per stratum of each parameter.
		for k, bin := range []func(v float64) int{
			func(v float64) int { return int((v + 1) / 2 * 50) },
			func(v float64) int { return int(math.Log(v) / math.Log(100) * 50) },
		} {
			seen := make([]int, 50)
			for _, p := range p1 {
				seen[bin(p.Params[k])]++
			}
			for b, c := range seen {
				if c != 1 {
					t.Fatalf("lhs parameter %d: stratum %d holds %d points", k, b, c)
				}
			}
		}
	}
}

func run(t *testing.T, opt sweep.Options) *sweep.Table {
	t.Helper()
	tab, err := sweep.Run(context.Background(), toySpec(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func TestRunFailuresAndValues(t *testing.T) {
	tab := run(t, sweep.Options{Workers: 3})
	if len(tab.Rows) != 36 {
		t.Fatalf("%d rows, want 36", len(tab.Rows))
	}
	failed := tab.Failed()
	if len(failed) != 3*2+2 { // a = 2 (6 points), a = 3 with b = 0 (2 points)
		t.Fatalf("%d failed rows, want 8", len(failed))
	}
	for _, r := range failed {
		if !strings.Contains(r.Err, "refused") && r.Err != "panic: toy: boom" {
			t.Errorf("row %d: error %q", r.Index, r.Err)
		}
		if !math.IsNaN(r.Results[0]) {
			t.Errorf("failed row %d has results %v", r.Index, r.Results)
		}
	}
	sum, err := tab.Column("sum")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := tab.Column("a")
	b, _ := tab.Column("b")
	for i := range sum {
		if tab.Rows[i].Err == "" && !(a[i] == 0 && b[i] == 0) && sum[i] != a[i]+b[i] {
			t.Errorf("row %d: sum %v, want %v", i, sum[i], a[i]+b[i])
		}
	}
	if _, err := tab.Column("nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("Column(nope): %v", err)
	}
}

func TestIdenticalAcrossWorkersAndShards(t *testing.T) {
	want := run(t, sweep.Options{Workers: 1}).Bytes()
	for _, w := range []int{2, 7} {
		if got := run(t, sweep.Options{Workers: w}).Bytes(); !bytes.Equal(got, want) {
			t.Errorf("%d workers: table differs from 1 worker", w)
		}
	}
	dir := t.TempDir()
	var paths []string
	for i := range 4 {
		p := filepath.Join(dir, fmt.Sprintf("shard%d.jsonl", i))
		tab := run(t, sweep.Options{Shard: sweep.Shard{I: i, N: 4}, Journal: p})
		if len(tab.Rows) != 9 {
			t.Errorf("shard %d/4: %d rows, want 9", i, len(tab.Rows))
		}
		paths = append(paths, p)
	}
	merged, err := sweep.Merge(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if got := merged.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("merged shards differ from the local run:\n%s\nwant\n%s", got, want)
	}
	// Reading the written table back gives the same bytes.
	back, err := sweep.ReadTable(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.Bytes(), want) {
		t.Error("table does not survive a write-read round trip")
	}
	if _, err := sweep.Merge(paths[:3]...); err == nil || !strings.Contains(err.Error(), "9 of 36 points missing") {
		t.Errorf("merge of 3 of 4 shards: %v", err)
	}
}

func TestKillAndResume(t *testing.T) {
	want := run(t, sweep.Options{Workers: 2}).Bytes()
	for _, stopAt := range []int{1, 17, 30} {
		path := filepath.Join(t.TempDir(), "j.jsonl")
		ctx, cancel := context.WithCancel(context.Background())
		_, err := sweep.Run(ctx, toySpec(), sweep.Options{Workers: 2, Journal: path,
			Progress: func(done, total int) {
				if done >= stopAt {
					cancel()
				}
			}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("stop at %d: err %v, want context.Canceled", stopAt, err)
		}
		// A kill in the middle of a write leaves a torn line.
		f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		f.WriteString(`{"index":3,"id":"4a`)
		f.Close()
		resumed := 0
		tab, err := sweep.Run(context.Background(), toySpec(), sweep.Options{Workers: 3, Journal: path,
			Progress: func(done, total int) {
				if resumed == 0 {
					resumed = done
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if resumed < stopAt || resumed >= 36 {
			t.Errorf("stop at %d: resumed with %d points done", stopAt, resumed)
		}
		if !bytes.Equal(tab.Bytes(), want) {
			t.Errorf("stop at %d: resumed table differs from an uninterrupted run", stopAt)
		}
		if merged, err := sweep.Merge(path); err != nil || !bytes.Equal(merged.Bytes(), want) {
			t.Errorf("stop at %d: journal does not merge to the table (%v)", stopAt, err)
		}
	}
}

func TestErrors(t *testing.T) {
	bad := []struct {
		name string
		edit func(*sweep.Spec)
		want string
	}{
		{"no func", func(s *sweep.Spec) { s.Func = "" }, "func is empty"},
		{"unknown func", func(s *sweep.Spec) { s.Func = "nope" }, `no function "nope"`},
		{"bad name", func(s *sweep.Spec) { s.Grid[0].Name = "1a" }, `"1a"`},
		{"reserved", func(s *sweep.Spec) { s.Grid[0].Name = "seed" }, "reserved"},
		{"duplicate", func(s *sweep.Spec) { s.Grid[1].Name = "a" }, "twice"},
		{"n", func(s *sweep.Spec) { s.Grid[0].N = 0 }, `axis "a": n = 0`},
		{"min max", func(s *sweep.Spec) { s.Grid[0].Min = 9 }, "min 9, max 5"},
		{"values and n", func(s *sweep.Spec) { s.Grid[1].N = 3 }, "either values or"},
		{"nan", func(s *sweep.Spec) { s.Grid[1].Values = []float64{math.NaN()} }, "not finite"},
		{"missing param", func(s *sweep.Spec) { s.Grid = s.Grid[:1] }, `needs parameter "b"`},
		{"sample method", func(s *sweep.Spec) {
			s.Sample = &sweep.Sample{Method: "sobol", N: 3, Ranges: []sweep.Range{{Name: "x", Max: 1}}}
		}, `method "sobol"`},
		{"seed twice", func(s *sweep.Spec) { s.Seeds = []uint64{1, 1} }, "seed 1 appears twice"},
	}
	for _, c := range bad {
		s := toySpec()
		c.edit(&s)
		_, err := sweep.Run(context.Background(), s, sweep.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want it to mention %q", c.name, err, c.want)
		}
	}
	// A journal of another sweep is refused.
	path := filepath.Join(t.TempDir(), "j.jsonl")
	run(t, sweep.Options{Journal: path})
	other := toySpec()
	other.Seeds = []uint64{9}
	if _, err := sweep.Run(context.Background(), other, sweep.Options{Journal: path}); err == nil || !strings.Contains(err.Error(), "another sweep") {
		t.Errorf("journal of another sweep: %v", err)
	}
}

func TestShardFromEnv(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		n      int
		getenv func(string) string
		want   sweep.Shard
		ok     bool
		err    string
	}{
		{0, env(), sweep.Shard{}, false, ""},
		{0, env("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "10"), sweep.Shard{I: 4, N: 10}, true, ""},
		{3, env("SLURM_ARRAY_TASK_ID", "2"), sweep.Shard{I: 2, N: 3}, true, ""},
		{3, env("SLURM_ARRAY_TASK_ID", "3"), sweep.Shard{}, true, "out of range"},
		{4, env("JOB_COMPLETION_INDEX", "1"), sweep.Shard{I: 1, N: 4}, true, ""},
		{0, env("JOB_COMPLETION_INDEX", "1"), sweep.Shard{}, true, "number of shards"},
		{2, env("JOB_COMPLETION_INDEX", "x"), sweep.Shard{}, true, "not an integer"},
	}
	for i, c := range cases {
		s, ok, err := sweep.ShardFromEnv(c.n, c.getenv)
		if ok != c.ok || (c.err == "" && (err != nil || s != c.want)) || (c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err))) {
			t.Errorf("case %d: %v %v %v, want %v %v %q", i, s, ok, err, c.want, c.ok, c.err)
		}
	}
	for _, s := range []string{"1/0", "2/2", "-1/3", "a/b", "3"} {
		if _, err := sweep.ParseShard(s); err == nil {
			t.Errorf("ParseShard(%q) accepted", s)
		}
	}
}
