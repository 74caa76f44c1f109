package brain

import (
	"math"
	"strings"
	"testing"
)

func allPresets() []Params {
	return []Params{Pyramidal(), Interneuron(), Sensory(), Purkinje(), Granule(), Motor(), Generic()}
}

func TestPresetsValidate(t *testing.T) {
	for _, p := range allPresets() {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		for _, r := range []Region{Cortex, Cerebellum, Brainstem} {
			if err := r.Adjust(p).Validate(); err != nil {
				t.Errorf("%s in %v: %v", p.Name, r, err)
			}
		}
	}
	if !Generic().IsLIF() {
		t.Error("Generic is not the LIF special case")
	}
	for _, p := range []Params{Interneuron(), Purkinje()} {
		if !p.Inhibitory {
			t.Errorf("%s is not inhibitory (Dale's law)", p.Name)
		}
	}
	for _, p := range []Params{Pyramidal(), Sensory(), Granule(), Motor(), Generic()} {
		if p.Inhibitory {
			t.Errorf("%s is inhibitory", p.Name)
		}
	}
}

// rate returns the mean firing rate (Hz) over [from, to) ms.
func rate(sp []float64, from, to float64) float64 {
	n := 0
	for _, s := range sp {
		if s >= from && s < to {
			n++
		}
	}
	return float64(n) * 1000 / (to - from)
}

// Pyramidal cells adapt: adaptation index (ISI_ss − ISI_1)/(ISI_ss + ISI_1)
// > 0.1 on 1 s steps from 1.2 to 2.5 nA (rheobase ≈ 0.9 nA), and the ISIs
// lengthen monotonically.
func TestPyramidalAdapts(t *testing.T) {
	for _, I := range []float64{1200, 1500, 2000, 2500} {
		sp := simulate(t, Pyramidal(), 0.1, 1000, 0, I)
		isi := isis(sp)
		if len(isi) < 4 {
			t.Fatalf("%v pA: only %d spikes", I, len(sp))
		}
		if a := adaptationRatio(isi); a <= 0.1 {
			t.Errorf("%v pA: adaptation index %.3f, want > 0.1 (ISIs %.1f)", I, a, isi)
		}
		for i := 1; i < len(isi); i++ {
			if isi[i] < isi[i-1]-1e-3 {
				t.Errorf("%v pA: ISI %d shortens: %.1f", I, i, isi)
				break
			}
		}
	}
}

// Fast-spiking interneurons: steeper f–I curve than pyramidal cells, no
// adaptation, and > 100 Hz reachable.
func TestInterneuronFastNonAdapting(t *testing.T) {
	slope := func(p Params, i1, i2 float64) (float64, float64) {
		f1 := rate(simulate(t, p, 0.1, 1000, 0, i1), 500, 1000)
		f2 := rate(simulate(t, p, 0.1, 1000, 0, i2), 500, 1000)
		return (f2 - f1) / (i2 - i1), f2
	}
	sIn, _ := slope(Interneuron(), 1000, 2000)
	sPy, _ := slope(Pyramidal(), 1000, 2000)
	if sIn <= sPy {
		t.Errorf("f–I slope interneuron %.4f Hz/pA ≤ pyramidal %.4f Hz/pA", sIn, sPy)
	}
	f := rate(simulate(t, Interneuron(), 0.1, 1000, 0, 3000), 500, 1000)
	if f <= 100 {
		t.Errorf("interneuron at 3 nA: %.1f Hz, want > 100", f)
	}
	for _, I := range []float64{1200, 1500, 2000, 2500} {
		isi := isis(simulate(t, Interneuron(), 0.1, 1000, 0, I))
		if a := adaptationRatio(isi); a > 0.1 {
			t.Errorf("interneuron at %v pA: adaptation index %.3f, want < 0.1", I, a)
		}
	}
	t.Logf("slopes: interneuron %.3f, pyramidal %.3f Hz/pA; 3 nA → %.0f Hz", sIn, sPy, f)
}

// The sensory cell adapts to a steady input (rate falls, θ rises) and
// recovers when the same mean input fluctuates (θ falls with the input's
// s.d.); without the variance rule the recovery is smaller.
func TestSensoryVarianceThreshold(t *testing.T) {
	const dt, n = 0.1, 40000 // 4 s: 2 s steady, then 2 s fluctuating
	I := make([]float64, n)
	for k := range I {
		I[k] = 300
		if k >= n/2 { // ±250 pA square wave, period 20 ms, same mean
			if (k/100)%2 == 0 {
				I[k] += 250
			} else {
				I[k] -= 250
			}
		}
	}
	run := func(p Params) ([]float64, Trace) {
		sp, tr, err := SimulateCurrent(p, dt, I, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sp, tr
	}
	sp, tr := run(Sensory())
	onset, adapted, fluct := rate(sp, 0, 200), rate(sp, 1500, 2000), rate(sp, 3500, 4000)
	if adapted > 0.7*onset {
		t.Errorf("no adaptation to a steady input: %.1f Hz at onset, %.1f Hz after 1.5 s", onset, adapted)
	}
	if fluct < 1.3*adapted {
		t.Errorf("no recovery with fluctuations: adapted %.1f Hz, fluctuating %.1f Hz", adapted, fluct)
	}
	if thS, thF := tr.Theta[n/2-1], tr.Theta[n-1]; thF >= thS {
		t.Errorf("θ did not fall with fluctuations: %.2f mV steady, %.2f mV fluctuating", thS, thF)
	}
	q := Sensory()
	q.ThetaPerSD = 0
	sp0, _ := run(q)
	if gain0 := rate(sp0, 3500, 4000) / rate(sp0, 1500, 2000); gain0 >= fluct/adapted {
		t.Errorf("recovery %.2f× without the variance rule ≥ %.2f× with it", gain0, fluct/adapted)
	}
	t.Logf("onset %.0f Hz, adapted %.0f Hz, fluctuating %.0f Hz", onset, adapted, fluct)
}

// Purkinje cells fire spontaneously at tens of Hz with no input (Häusser &
// Clark 1997: ≈ 40–50 Hz), regularly.
func TestPurkinjeSpontaneous(t *testing.T) {
	sp := simulate(t, Purkinje(), 0.1, 2000, 0, 0)
	f := rate(sp, 1000, 2000)
	if f < 20 || f > 100 {
		t.Errorf("spontaneous rate %.1f Hz, want tens of Hz (20–100)", f)
	}
	isi := isis(sp)[len(sp)/2:]
	m, s := meanSD(isi)
	if s/m > 0.1 {
		t.Errorf("spontaneous firing irregular: CV %.3f", s/m)
	}
	t.Logf("spontaneous %.1f Hz", f)
}

func meanSD(x []float64) (float64, float64) {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)))
}

// Granule cells are silent at rest and need several coincident
// mossy-fibre inputs to fire (a granule cell has ~4 mossy-fibre inputs and
// needs ≥ 2 of them active: Chadderton, Margrie & Häusser 2004, Nature
// 428:856; Jörntell & Ekerot 2006, J Neurosci 26:11786). The unitary EPSC
// here is 40 pA, the order of mossy-fibre EPSCs in granule cells (tens of
// pA; Silver et al. 1996, J Physiol 494:231).
func TestGranuleCoincidence(t *testing.T) {
	if sp := simulate(t, Granule(), 0.1, 1000, 0, 0); len(sp) != 0 {
		t.Fatalf("granule fires at rest: %d spikes", len(sp))
	}
	const w = 40.0
	need := 0
	for k := 1; k <= 8 && need == 0; k++ {
		pop := mustPop(t, 1, Granule(), 0.1)
		pop.Input(Proximal, Excitatory)[0] = w * float64(k)
		for s := range int64(500) {
			if sp, _ := pop.Step(s); len(sp) > 0 {
				need = k
			}
		}
	}
	if need < 2 || need > 4 {
		t.Errorf("granule needs %d coincident inputs, want several (2–4)", need)
	}
	// the same inputs 40 ms apart (≈ 1.7 τm) do not add up to a spike:
	// granule cells detect coincidence
	pop := mustPop(t, 1, Granule(), 0.1)
	for s := range int64(2000) {
		if s%400 == 0 && s < 400*int64(need) {
			pop.Input(Proximal, Excitatory)[0] += w
		}
		if sp, _ := pop.Step(s); len(sp) > 0 {
			t.Fatalf("%d inputs 40 ms apart fire the granule cell", need)
		}
	}
	t.Logf("granule needs %d coincident inputs", need)
}

// Motor neurons are recruited in order of size (Henneman 1957): under a
// slow current ramp the smallest fires first, and the recruitment current
// grows with Size.
func TestMotorRecruitmentBySize(t *testing.T) {
	sizes := []float64{1, 1.5, 2, 3, 4}
	pop, err := NewPopulation("motor pool", len(sizes), Motor())
	if err != nil {
		t.Fatal(err)
	}
	copy(pop.Size, sizes)
	if err := pop.Prepare(0.1); err != nil {
		t.Fatal(err)
	}
	first := make([]float64, len(sizes))
	const dur = 2000.0 // ms; ramp 0 → 20 nA
	for k := range int64(dur / 0.1) {
		tm := float64(k) * 0.1
		for i := range pop.IExt {
			pop.IExt[i] = 20000 * tm / dur
		}
		sp, err := pop.Step(k)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range sp {
			if first[i] == 0 {
				first[i] = tm
			}
		}
	}
	for i := range sizes {
		if first[i] == 0 {
			t.Fatalf("size %v never recruited", sizes[i])
		}
		if i > 0 && first[i] <= first[i-1] {
			t.Errorf("size %v recruited at %.1f ms, not after size %v (%.1f ms)", sizes[i], first[i], sizes[i-1], first[i-1])
		}
	}
	// recruitment current ∝ size (rheobase scales with every conductance)
	for i := range sizes {
		ratio := first[i] / first[0]
		if math.Abs(ratio-sizes[i]) > 0.05*sizes[i] {
			t.Errorf("recruitment current ratio %.3f for size %v", ratio, sizes[i])
		}
	}
}

func TestRegionAdjust(t *testing.T) {
	pk := Cerebellum.Adjust(Purkinje())
	if pk.VT != -43 || pk.VT == Pyramidal().VT {
		t.Errorf("cerebellar Purkinje VT = %v, want the distinct −43 mV", pk.VT)
	}
	if g := Cerebellum.Adjust(Granule()); g.VT != -41 {
		t.Errorf("cerebellar granule VT = %v", g.VT)
	}
	m := Motor()
	bm := Brainstem.Adjust(m)
	if bm.Efficacy != 4 || m.Efficacy != 1 {
		t.Errorf("brainstem motor efficacy %v (input %v), want 4 (1)", bm.Efficacy, m.Efficacy)
	}
	if Brainstem.Adjust(bm) != bm {
		t.Error("adjusting twice differs from once")
	}
	pop, _ := NewPopulation("mn", 1, bm)
	if pop.OutputScale() != 4 {
		t.Errorf("OutputScale = %v", pop.OutputScale())
	}
	py := Cortex.Adjust(Pyramidal())
	py.Name = Pyramidal().Name
	if py != Pyramidal() {
		t.Error("Cortex changed the pyramidal preset")
	}
	if !strings.HasSuffix(pk.Name, "@cerebellum") {
		t.Errorf("name %q", pk.Name)
	}
	if Cerebellum.Adjust(Pyramidal()).VT != Pyramidal().VT {
		t.Error("cerebellum changed a class it does not list")
	}
}
