package experiments_test

import (
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain/experiments"
	"github.com/neuron-sim/neuron/brain/models"
)

// The AI point on a small network (CE = 200, J = 0.5 mV: CE·J = 100 mV as in Brunel 2000)
// fires irregularly near the mean-field rate, with exactly CE and CI inputs per cell.
func TestRunBrunelAI(t *testing.T) {
	if testing.Short() {
		t.Skip("network run")
	}
	r, err := experiments.RunBrunel("AI", 2000, 0.5, 400, 100, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	s, err := experiments.MeasureRegime(r)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rate %.1f Hz, ν0 %.1f Hz, CV %.2f, osc %.2f, χ %.3f", s.RateHz, s.Nu0Hz, s.CV, s.Osc, s.Chi)
	// Tolerance: the notebook asserts ±15 % at CE = 400; a smaller network has larger
	// finite-size deviations from the diffusion approximation.
	if math.Abs(s.RateHz/s.Nu0Hz-1) > 0.25 {
		t.Errorf("rate %.1f Hz, mean field %.1f Hz: more than 25 %% apart", s.RateHz, s.Nu0Hz)
	}
	if s.CV < 0.5 || s.Osc > 0.4 {
		t.Errorf("AI: CV %.2f (want > 0.5), oscillation index %.2f (want < 0.4)", s.CV, s.Osc)
	}
	for _, p := range r.Net.Projections() {
		lo, hi := experiments.InDegree(p)
		want := 1 // external: one Poisson train per cell
		if p.Pre() != nil {
			want = 200
			if p.Pre().P.Inhibitory {
				want = 50
			}
		}
		if lo != want || hi != want {
			t.Errorf("%s: in-degree %d–%d, want %d", p.Name, lo, hi, want)
		}
	}
	if _, err := experiments.RunBrunel("XY", 2000, 0.5, 400, 100, 1, false); err == nil {
		t.Error("unknown state: no error")
	}
	if _, err := experiments.RunBrunel("AI", 2000, 0.5, 100, 100, 1, false); err == nil {
		t.Error("t0 = duration: no error")
	}
}

func TestCycleMeasures(t *testing.T) {
	c := models.ResearchCycleMS
	train := []float64{3, 17, 19, c + 24.9, c + 30, 3*c + 1}
	if got := experiments.CycleCounts(train, 4); got[0] != 3 || got[1] != 2 || got[2] != 0 || got[3] != 1 {
		t.Errorf("CycleCounts = %v, want [3 2 0 1]", got)
	}
	steps, lat := experiments.FirstSpikeSteps(train, 4)
	// 3 ms → step 1; 24.9 ms → ⌈24.9/5⌉ = 5; no spike → 0; 1 ms → 1.
	if steps[0] != 1 || steps[1] != 5 || steps[2] != 0 || steps[3] != 1 || math.Abs(lat[1]-24.9) > 1e-9 {
		t.Errorf("FirstSpikeSteps = %v, %v", steps, lat)
	}
	in, out := experiments.PhaseCounts(train, 12, 52)
	if in != 4 || out != 2 {
		t.Errorf("PhaseCounts = %d, %d, want 4, 2", in, out)
	}
}

// The research objectives hold on a short run: neuron 9 fires 18–22 spikes per cycle and
// neurons 2, 3, 5 fire first in protocol step 4 or 5.
func TestResearchRunObjectives(t *testing.T) {
	if testing.Short() {
		t.Skip("network run")
	}
	c, ve, vi, err := experiments.ResearchRun(3, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range experiments.CycleCounts(c.Times(9), 2) {
		if n < 18 || n > 22 {
			t.Errorf("neuron 9: %d spikes in a cycle, want 18–22", n)
		}
	}
	for _, i := range []int{2, 3, 5} {
		steps, _ := experiments.FirstSpikeSteps(c.Times(i), 2)
		for _, s := range steps {
			if s < 4 || s > 5 {
				t.Errorf("neuron %d: first spike in step %d, want 4–5", i, s)
			}
		}
	}
	if ve.Len() != 4000 || vi.Len() != 4000 {
		t.Errorf("recorded %d and %d samples, want 4000 (400 ms at 0.1 ms)", ve.Len(), vi.Len())
	}
	rows, cols, w := experiments.ResearchWeights(c)
	if rows != 12 || cols != 12+len(c.ExternalW) || w[0*cols+9] != c.RecurrentW[9][0] {
		t.Errorf("ResearchWeights: %d×%d, w[0][9] = %v, want RecurrentW[9][0] = %v", rows, cols, w[9], c.RecurrentW[9][0])
	}
	if _, _, _, err := experiments.ResearchRun(1, 0, false); err == nil {
		t.Error("0 cycles: no error")
	}
}

func TestMeasureBenchmarkCounts(t *testing.T) {
	if testing.Short() {
		t.Skip("network run")
	}
	m, err := experiments.MeasureBenchmark("CUBA", 2000, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	perCell := float64(m.Synapses) / float64(m.N)
	if math.Abs(perCell-80) > 2 {
		t.Errorf("%.1f synapses per cell, want ≈ 80 (p = 80/N)", perCell)
	}
	if m.Spikes != int64(m.Exc.Len()+m.Inh.Len()) || m.Spikes == 0 {
		t.Errorf("spikes %d, recorders %d + %d", m.Spikes, m.Exc.Len(), m.Inh.Len())
	}
	if b := m.BytesPerSynapse(); b < 4 || b > 8 {
		t.Errorf("%.2f bytes per static synapse, want 4–8", b)
	}
	if m.RunS <= 0 || m.SimPerWall() <= 0 {
		t.Errorf("run time %v s", m.RunS)
	}
	if _, err := experiments.MeasureBenchmark("HH", 100, 10, 1); err == nil {
		t.Error("unknown model: no error")
	}
}

func TestProportionalFit(t *testing.T) {
	got := experiments.ProportionalFit([]float64{1, 2, 4}, []float64{2.9, 6.1, 12})
	// k = Σxy/Σxx = (2.9 + 12.2 + 48)/21 = 3.0047...
	k := (2.9 + 12.2 + 48) / 21
	for i, x := range []float64{1, 2, 4} {
		if math.Abs(got[i]-k*x) > 1e-12 {
			t.Errorf("fit at %v = %v, want %v", x, got[i], k*x)
		}
	}
}

func TestMeasurementRows(t *testing.T) {
	m := experiments.Measurement{Model: "CUBA", N: 4000, Synapses: 320000, Spikes: 24000, RateExc: 5.8, RateInh: 5.9,
		BuildS: 0.1234, RunS: 0.5, Events: 1900000, ConnBytes: 1312000, HeapBytes: 12.34e6}
	rows := experiments.MeasurementRows(m)
	if len(rows) != 1 || len(rows[0]) != len(experiments.MeasurementHead) {
		t.Fatalf("rows %v", rows)
	}
	want := []string{"CUBA 4000", "320000", "24000", "5.80 / 5.90", "0.123", "0.500", "2.00", "3.8e+06", "4.10", "12.3"}
	for i := range want {
		if rows[0][i] != want[i] {
			t.Errorf("column %s = %q, want %q", experiments.MeasurementHead[i], rows[0][i], want[i])
		}
	}
}
