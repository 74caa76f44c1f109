package experiments_test

import (
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/experiments"
)

const dt = 0.1

// Every parameter set of Naud et al. 2008 (Table 1) gives its named pattern (their Fig. 4).
func TestNaudPatternsClassified(t *testing.T) {
	for _, z := range experiments.NaudPatterns {
		sp, _, err := brain.SimulateCurrent(z.Params(), dt, brain.StepCurrent(experiments.Steps(1100, dt), dt, 50, 1050, z.IPA), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got, st := experiments.ClassifyPattern(sp, 50, 1050); got != z.Name {
			t.Errorf("%s: classified as %s (%+v)", z.Name, got, st)
		}
	}
}

func TestClassifyPatternSynthetic(t *testing.T) {
	var tonic, adapting []float64
	for k := range 20 {
		tonic = append(tonic, 60+50*float64(k))
	}
	for k, tt := 0, 60.0; tt < 1000; k++ {
		adapting = append(adapting, tt)
		tt += 20 + 4*float64(k)
	}
	for _, tc := range []struct {
		name  string
		train []float64
	}{{"tonic spiking", tonic}, {"adapting", adapting}, {"transient spiking", []float64{60, 70, 80}}, {"silent", nil}} {
		if got, _ := experiments.ClassifyPattern(tc.train, 50, 1050); got != tc.name {
			t.Errorf("%s train: classified as %s", tc.name, got)
		}
	}
}

// The LIF presets follow the closed-form f–I curve (Tuckwell 1988) above 1.25 × rheobase, and
// the measured rheobase of the generic cell is gL·(θ − EL) = 100 pA.
func TestLIFRatesAndRheobase(t *testing.T) {
	p := brain.Generic()
	irh, err := experiments.MeasuredRheobase(p, dt)
	if err != nil {
		t.Fatal(err)
	}
	if want := p.GL * (p.VT - p.EL); irh < want || irh > want+1 {
		t.Errorf("rheobase %.2f pA, want in [%v, %v] (a 1 s run needs slightly more than the limit)", irh, want, want+1)
	}
	for _, m := range []float64{1.25, 2, 4} {
		r, err := experiments.RatesAt(p, m*irh, dt)
		if err != nil {
			t.Fatal(err)
		}
		want := analysis.LIFRate(m*irh, p.C, p.GL, p.EL, p.VT, p.VReset, p.TRef)
		if math.Abs(r.MeanISI/want-1) > 0.02 {
			t.Errorf("%.2f × rheobase: %.2f Hz, closed form %.2f Hz", m, r.MeanISI, want)
		}
	}
	if r, err := experiments.MeasuredRheobase(brain.Purkinje(), dt); err != nil || r >= 0 {
		t.Errorf("Purkinje rheobase %v (err %v), want < 0: it fires with no input", r, err)
	}
}

// A steady dendritic current reaches the soma attenuated by gc/(gc + gLd) (Params.Attenuation),
// and a brief distal EPSP is smaller and later than a proximal one.
func TestDendriteAttenuation(t *testing.T) {
	for _, gc := range []float64{3, 30, 300} {
		p := brain.Pyramidal()
		p.Gc = gc
		prox, err := experiments.SteadyDepolarisation(p, 100, false, dt)
		if err != nil {
			t.Fatal(err)
		}
		dist, err := experiments.SteadyDepolarisation(p, 100, true, dt)
		if err != nil {
			t.Fatal(err)
		}
		if a := p.Attenuation(); math.Abs(dist/prox/a-1) > 0.02 {
			t.Errorf("gc = %v nS: ratio %.4f, gc/(gc+gLd) = %.4f", gc, dist/prox, a)
		}
	}
	p := brain.Pyramidal()
	tp, vp, err := experiments.EPSP(p, brain.Proximal, 200, dt)
	if err != nil {
		t.Fatal(err)
	}
	_, vd, _ := experiments.EPSP(p, brain.Distal, 200, dt)
	kp, kd := argmax(vp), argmax(vd)
	if vd[kd]-vd[0] >= vp[kp]-vp[0] || tp[kd] <= tp[kp] {
		t.Errorf("distal EPSP %.2f mV at %.1f ms, proximal %.2f mV at %.1f ms: want smaller and later",
			vd[kd]-vd[0], tp[kd], vp[kp]-vp[0], tp[kp])
	}
}

func argmax(x []float64) int {
	k := 0
	for i, v := range x {
		if v > x[k] {
			k = i
		}
	}
	return k
}

func TestOUCurrentAndThetaRule(t *testing.T) {
	x := experiments.OUCurrent(200000, dt, 100, 40, 5, 7)
	var m, v float64
	for _, s := range x {
		m += s
	}
	m /= float64(len(x))
	for _, s := range x {
		v += (s - m) * (s - m)
	}
	sd := math.Sqrt(v / float64(len(x)))
	// 20 s of a 5 ms-correlated process: about 2000 independent samples, s.e. of the mean ≈ 0.9 pA.
	if math.Abs(m-100) > 4 || math.Abs(sd/40-1) > 0.05 {
		t.Errorf("OU mean %.2f pA (want 100), s.d. %.2f pA (want 40)", m, sd)
	}
	p := brain.Sensory()
	steady := experiments.SwitchOn(brain.ConstantCurrent(experiments.Steps(3000, dt), 165), 200, dt)
	if steady[0] != 0 || steady[experiments.Steps(200, dt)] != 165 {
		t.Errorf("SwitchOn: %v at 0 ms, %v at 200 ms", steady[0], steady[experiments.Steps(200, dt)])
	}
	th := experiments.PredictedTheta(p, steady, dt)
	// The step's onset drops θ, then a steady input is adapted away: θ returns to θ0.
	if mn := slicesMin(th); mn > p.VT-1 {
		t.Errorf("θ never dropped at the onset: min %.2f mV, θ0 %.1f mV", mn, p.VT)
	}
	if last := th[len(th)-1]; math.Abs(last-p.VT) > 0.05 {
		t.Errorf("θ after 2.8 s of steady input %.3f mV, want θ0 = %.1f mV", last, p.VT)
	}
}

func slicesMin(x []float64) float64 {
	m := math.Inf(1)
	for _, v := range x {
		m = min(m, v)
	}
	return m
}

func TestAdaptationOfAndLineFit(t *testing.T) {
	a := experiments.AdaptationOf([]float64{10, 110, 120, 140, 180, 900}, 100, 500)
	// spikes 110, 120, 140, 180: ISI₁ = 10 ms (100 Hz), last ISI = 40 ms (25 Hz), A = 0.75.
	if a.N != 4 || math.Abs(a.F1-100) > 1e-9 || math.Abs(a.FSS-25) > 1e-9 || math.Abs(a.A-0.75) > 1e-12 {
		t.Errorf("AdaptationOf = %+v", a)
	}
	if b := experiments.AdaptationOf([]float64{110, 120}, 100, 500); b.N != 2 || b.A != 0 {
		t.Errorf("two spikes: %+v", b)
	}
	i0, s := experiments.LineFit([]float64{0, 1, 2, 3}, []float64{1, 3, 5, 7})
	if math.Abs(i0-1) > 1e-12 || math.Abs(s-2) > 1e-12 {
		t.Errorf("LineFit = %v + %v x, want 1 + 2x", i0, s)
	}
	if got := experiments.Within([]float64{1, 2, 3, 4}, 2, 4); len(got) != 2 || got[0] != 2 {
		t.Errorf("Within = %v", got)
	}
	if len(experiments.Presets()) != 7 {
		t.Error("Presets: want 7")
	}
}
