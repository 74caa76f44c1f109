package funcs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"

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

// The stored 20 × 20 phase diagram (testdata/brunel_phase.jsonl) is the
// complete table of testdata/brunel_phase.spec.json, and two of its points,
// recomputed now, give the same row bit for bit: the table is what the code
// computes.
func TestStoredPhaseTable(t *testing.T) {
	b, err := os.ReadFile("../../testdata/brunel_phase.spec.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := sweep.ParseSpec(b)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := sweep.Merge("../../testdata/brunel_phase.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(spec)
	got, _ := json.Marshal(stored.Spec)
	if !bytes.Equal(got, want) || len(stored.Rows) != 400 {
		t.Fatalf("stored table: %d rows of spec %s, want 400 of %s", len(stored.Rows), got, want)
	}
	if testing.Short() {
		return
	}
	pts, _ := spec.Points()
	for _, i := range []int{250, 383} { // g = 5.2, η = 2.2 and g = 8, η = 0.8
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
			t.Errorf("point %d (g = %v, η = %v): recomputed %v, stored %v", i, pts[i].Params[0], pts[i].Params[1], r.Results, s.Results)
		}
	}
}
