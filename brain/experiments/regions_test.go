package experiments_test

import (
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/experiments"
)

func TestParamsDiffAndTails(t *testing.T) {
	m := brain.Motor()
	d := experiments.ParamsDiff(m, brain.Brainstem.Adjust(m))
	if len(d) != 1 || !strings.HasPrefix(d[0], "Efficacy 1 → 4") {
		t.Errorf("brainstem motor neuron differs in %v, want only Efficacy 1 → 4", d)
	}
	if d := experiments.ParamsDiff(m, m); len(d) != 0 {
		t.Errorf("a preset differs from itself: %v", d)
	}
	for _, p := range []float64{0.1, 0.5, 0.9} {
		// Binomial(4, p): P(X ≥ 3) = 4p³(1 − p) + p⁴; the hypergeometric tail of a large pool approaches it.
		if h := experiments.HyperTail(400000, int(p*400000)); math.Abs(h/experiments.BinomTail(p)-1) > 1e-3 {
			t.Errorf("p = %v: hypergeometric %v, binomial %v", p, h, experiments.BinomTail(p))
		}
	}
	if experiments.HyperTail(400, 2) != 0 || experiments.HyperTail(400, 400) != 1 {
		t.Error("HyperTail edge cases")
	}
}

// A granule cell fires on 3 coincident mossy-fibre inputs, not on 2, and not on 3 spread out.
func TestGranuleCoincidenceAndVolley(t *testing.T) {
	count := func(times [][]float64) int {
		sp, _, _, err := experiments.Coincidence(times)
		if err != nil {
			t.Fatal(err)
		}
		return len(sp)
	}
	if n2, n3, spread := count([][]float64{{20}, {20}, nil, nil}), count([][]float64{{20}, {20}, {20}, nil}),
		count([][]float64{{20}, {30}, {40}, nil}); n2 != 0 || n3 == 0 || spread != 0 {
		t.Errorf("spikes: 2 coincident %d (want 0), 3 coincident %d (want > 0), 3 spread %d (want 0)", n2, n3, spread)
	}
	fired, ge3, err := experiments.GranuleVolley(120)
	if err != nil {
		t.Fatal(err)
	}
	if fired != ge3 || fired == 0 {
		t.Errorf("volley on 30 %% of the fibres: %d fired, %d with ≥ 3 active inputs", fired, ge3)
	}
}

func TestPurkinjeDCNAndMotor(t *testing.T) {
	if testing.Short() {
		t.Skip("network runs")
	}
	net, pc, dcn, err := experiments.CerebellarNet(0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	rp, _ := net.RecordSpikes(pc)
	rd, _ := net.RecordSpikes(dcn)
	if err := net.Run(t.Context(), 500, nil); err != nil {
		t.Fatal(err)
	}
	p := experiments.DCNParams()
	want := 1000 / (p.TRef + p.TauM()*math.Log((p.EL+experiments.DCNDrivePA/p.GL-p.VReset)/(p.EL+experiments.DCNDrivePA/p.GL-p.VT)))
	if r := experiments.RecorderRate(rd, 100, 500); math.Abs(r/want-1) > 0.03 {
		t.Errorf("unconnected DCN at %.1f Hz, LIF closed form %.1f Hz", r, want)
	}
	if r := experiments.RecorderRate(rp, 0, 500); r < 20 || r > 100 {
		t.Errorf("Purkinje cells at %.1f Hz with no input, want tens of Hz", r)
	}
	sizes := []float64{0.5, 1, 2}
	cur, _, err := experiments.Recruitment(sizes, 15000, 3000)
	if err != nil {
		t.Fatal(err)
	}
	if !(cur[0] < cur[1] && cur[1] < cur[2]) {
		t.Errorf("recruitment currents %v: want increasing with size", cur)
	}
	_, v1, err := experiments.MotorPSP(brain.Motor())
	if err != nil {
		t.Fatal(err)
	}
	_, v4, _ := experiments.MotorPSP(brain.Brainstem.Adjust(brain.Motor()))
	el := brain.Generic().EL
	if a1, a4 := max1(v1)-el, max1(v4)-el; math.Abs(a4/a1-4) > 0.04 {
		t.Errorf("PSP ratio brainstem/cortex %.3f, want 4", a4/a1)
	}
}

func max1(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	return m
}
