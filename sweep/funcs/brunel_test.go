package funcs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/sweep"
	"github.com/neuron-sim/neuron/sweep/funcs"
)

// Three points of Brunel's phase diagram on a small network (NE = 1000,
// CE = 100, J = 1 mV, 200 ms): the excitation-dominated SR point fires
// regularly and synchronously near saturation, the AI point fires
// irregularly at a moderate rate, and g = 8 with η = 0.5 (drive below
// threshold, strong inhibition) stays silent.
func TestBrunelFunc(t *testing.T) {
	spec := sweep.Spec{Name: "three", Func: "brunel", Grid: []sweep.Axis{
		{Name: "g", Values: []float64{3, 5, 8}}, {Name: "eta", Values: []float64{2, 0.5}},
		{Name: "ne", Values: []float64{1000}}, {Name: "duration_ms", Values: []float64{200}}}}
	tab, err := sweep.RunFunc(context.Background(), spec, funcs.Brunel, sweep.Options{})
	if err != nil {
		t.Fatal(err)
	}
	get := func(g, eta float64) []float64 {
		for _, r := range tab.Rows {
			if r.Params[0] == g && r.Params[1] == eta {
				if r.Err != "" {
					t.Fatalf("g=%v η=%v: %s", g, eta, r.Err)
				}
				t.Logf("g=%v η=%v: rate %.1f Hz, CV %.2f, χ %.3f, osc %.2f, peak %.0f Hz", g, eta, r.Results[0], r.Results[1], r.Results[2], r.Results[3], r.Results[4])
				return r.Results
			}
		}
		t.Fatalf("no row g=%v η=%v", g, eta)
		return nil
	}
	sr, ai, q := get(3, 2), get(5, 2), get(8, 0.5)
	if !(sr[0] > 200 && sr[1] < 0.2 && sr[2] > 0.3) {
		t.Errorf("SR: rate %.1f Hz, CV %.2f, χ %.3f; want > 200 Hz, regular (< 0.2), synchronous (> 0.3)", sr[0], sr[1], sr[2])
	}
	if !(ai[0] > 5 && ai[0] < 100 && ai[1] > 0.5 && ai[2] < sr[2]) {
		t.Errorf("AI: rate %.1f Hz, CV %.2f, χ %.3f; want 5–100 Hz, irregular (> 0.5), less synchronous than SR", ai[0], ai[1], ai[2])
	}
	if !(q[0] < 1) {
		t.Errorf("g=8 η=0.5: rate %.1f Hz, want < 1 Hz", q[0])
	}
}

func TestBrunelFuncErrors(t *testing.T) {
	for _, c := range []struct {
		axis sweep.Axis
		want string
	}{
		{sweep.Axis{Name: "ne", Values: []float64{100.5}}, "ne = 100.5"},
		{sweep.Axis{Name: "duration_ms", Values: []float64{50}}, "transient_ms = 100"},
		{sweep.Axis{Name: "delay_ms", Values: []float64{-1}}, "invalid parameters"},
	} {
		spec := sweep.Spec{Name: "bad", Func: "brunel", Grid: []sweep.Axis{
			{Name: "g", Values: []float64{5}}, {Name: "eta", Values: []float64{2}}, c.axis}}
		tab, err := sweep.Run(context.Background(), spec, sweep.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r := tab.Rows[0]; !strings.Contains(r.Err, c.want) || !math.IsNaN(r.Results[0]) {
			t.Errorf("%s = %v: row error %q, want it to mention %q", c.axis.Name, c.axis.Values, r.Err, c.want)
		}
	}
}

func TestBrunelRegime(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		rate, cv, osc, peak float64
		want                string
	}{
		{0, nan, 0, nan, "Q"},
		{330, 0.05, 0.95, 330, "SR"},
		{40, 0.6, 0.1, 80, "AI"},
		{60, 0.8, 0.5, 180, "SI fast"},
		{10, 0.5, 0.4, 25, "SI slow"},
	} {
		if got := funcs.BrunelRegime(c.rate, c.cv, c.osc, c.peak); got < 0 || funcs.Regimes[got] != c.want {
			t.Errorf("BrunelRegime(%v, %v, %v, %v) = %d, want %s", c.rate, c.cv, c.osc, c.peak, got, c.want)
		}
	}
	if got := funcs.BrunelRegime(5, nan, 0, 20); got != -1 {
		t.Errorf("undefined CV: %d, want -1", got)
	}
	if got := funcs.BrunelRegime(nan, 0.5, 0, 20); got != -1 {
		t.Errorf("undefined rate: %d, want -1", got)
	}
}

// The stored 20 × 20 phase diagram (testdata/brunel_phase.jsonl, 100 ms per point) is the
// complete table of testdata/brunel_phase.spec.json, and two of its points, recomputed now, give
// the same row bit for bit: the table is what the code computes.
func TestStoredPhaseTable(t *testing.T) {
	checkStoredTable(t, "brunel_phase", 400, []int{250, 383}) // g = 5.2, η = 2.2 and g = 8, η = 0.8
}

// The same for the longer runs (testdata/brunel_phase_1s.jsonl: five columns of the grid, g = 4,
// 4.4, 6, 5.2 and 8, simulated 1.1 s each), recomputing three points of sparse rate (a few seconds
// each): g = 4, η = 0.8; g = 6, η = 1; g = 8, η = 1.
func TestStoredPhaseTableLong(t *testing.T) {
	checkStoredTable(t, "brunel_phase_1s", 100, []int{3, 44, 84})
}

func checkStoredTable(t *testing.T, name string, rows int, recompute []int) {
	t.Helper()
	b, err := os.ReadFile("../../testdata/" + name + ".spec.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := sweep.ParseSpec(b)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := sweep.Merge("../../testdata/" + name + ".jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(spec)
	got, _ := json.Marshal(stored.Spec)
	if !bytes.Equal(got, want) || len(stored.Rows) != rows || len(stored.Failed()) != 0 {
		t.Fatalf("%s: %d rows (%d failed) of spec %s, want %d of %s", name, len(stored.Rows), len(stored.Failed()), got, rows, want)
	}
	if testing.Short() {
		return
	}
	pts, _ := spec.Points()
	for _, i := range recompute {
		sub := spec
		sub.Grid = append([]sweep.Axis(nil), spec.Grid...)
		sub.Grid[0] = sweep.Axis{Name: "g", Values: []float64{pts[i].Params[0]}}
		sub.Grid[1] = sweep.Axis{Name: "eta", Values: []float64{pts[i].Params[1]}}
		tab, err := sweep.RunFunc(context.Background(), sub, funcs.Brunel, sweep.Options{})
		if err != nil {
			t.Fatal(err)
		}
		r, s := tab.Rows[0], stored.Rows[i]
		if r.ID != s.ID || fmt.Sprint(r.Results) != fmt.Sprint(s.Results) || r.Err != s.Err {
			t.Errorf("%s point %d (g = %v, η = %v): recomputed %v, stored %v", name, i, pts[i].Params[0], pts[i].Params[1], r.Results, s.Results)
		}
	}
}

// The stored Hopf lines (testdata/brunel_lines_ce*.json, from neuron phase-lines) solve the
// eigenvalue equation: at every stored point the loop gain, recomputed from scratch, is 1 at the
// stored frequency. A third of the way along each line the asynchronous state is stable on one side and
// unstable on the other (a small step across the line), so each line is a boundary of the stable region.
func TestStoredPhaseLines(t *testing.T) {
	for _, c := range []struct {
		file  string
		ce    int
		j     float64
		lines []string
	}{
		{"brunel_lines_ce1000.json", 1000, 0.1, []string{"SR", "SI fast", "SI slow"}},
		{"brunel_lines_ce400.json", 400, 0.25, []string{"SR", "SI slow"}},
	} {
		b, err := os.ReadFile("../../testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		var pl analysis.PhaseLines
		if err := json.Unmarshal(b, &pl); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if pl.CE != c.ce || pl.JmV != c.j || pl.DelayMS != 1.5 || len(pl.Lines) != len(c.lines) {
			t.Fatalf("%s: CE %d, J %v, D %v, %d lines; want %d, %v, 1.5, %v", c.file, pl.CE, pl.JmV, pl.DelayMS, len(pl.Lines), c.ce, c.j, c.lines)
		}
		for i, l := range pl.Lines {
			if l.Name != c.lines[i] || len(l.Points) < 10 {
				t.Errorf("%s: line %d is %q with %d points, want %q with ≥ 10", c.file, i, l.Name, len(l.Points), c.lines[i])
				continue
			}
			for k, p := range l.Points {
				m := analysis.BrunelMeanField(pl.CE, pl.JmV, p.G, p.Eta)
				gain, err := m.LoopGain(p.Nu0Hz, pl.DelayMS, complex(0, 2*math.Pi*p.FreqHz))
				if err != nil || cmplx.Abs(gain-1) > 1e-6 {
					t.Errorf("%s %s point %d (g %.3f, η %.3f, %.1f Hz): loop gain %v (%v), want 1", c.file, l.Name, k, p.G, p.Eta, p.FreqHz, gain, err)
				}
				if nu, err := analysis.MeanFieldRate(m); err != nil || math.Abs(nu-p.Nu0Hz) > 1e-9*nu {
					t.Errorf("%s %s point %d: stored rate %v Hz, mean field %v Hz (%v)", c.file, l.Name, k, p.Nu0Hz, nu, err)
				}
			}
			if testing.Short() {
				continue
			}
			k := len(l.Points) / 3 // away from the tip of the slow tongue, where it is narrow
			mid, a, z := l.Points[k], l.Points[k-1], l.Points[k+1]
			ng, ne := -(z.Eta - a.Eta), z.G-a.G // normal to the line in (g, η)
			n := math.Hypot(ng, ne)
			var unstable [2]int
			for s, d := range []float64{-0.01, 0.01} {
				st, err := analysis.BrunelMeanField(pl.CE, pl.JmV, mid.G+d*ng/n, mid.Eta+d*ne/n).AsyncStability(pl.DelayMS)
				if err != nil {
					t.Fatalf("%s %s: %v", c.file, l.Name, err)
				}
				unstable[s] = st.Unstable
			}
			if (unstable[0] == 0) == (unstable[1] == 0) {
				t.Errorf("%s %s at (g %.3f, η %.3f): %v unstable eigenvalues 0.01 away on either side, want stable on one side only", c.file, l.Name, mid.G, mid.Eta, unstable)
			}
		}
	}
}
