package diehlcook

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

type spikeEv struct{ step, cell int32 }

// fastRun shows images to m through the specialised loop and returns every
// excitatory spike (global step, cell) and the presentations per image.
func fastRun(t *testing.T, m *Model, d *Dataset, learn bool, seed uint64, phase int) ([]spikeEv, []int) {
	t.Helper()
	s, err := NewSim(m.P)
	if err != nil {
		t.Fatal(err)
	}
	var evs []spikeEv
	s.OnSpike = func(step int32, cell int) {
		evs = append(evs, spikeEv{int32(s.presented-1)*int32(s.steps) + step, int32(cell)})
	}
	pcg := rand.NewPCG(0, 0)
	var att []int
	for i := 0; i < d.Len(); i++ {
		_, a := s.Show(m, d.Images[i], learn, pcg, seed, phase, 0, i)
		att = append(att, a)
	}
	return evs, att
}

func openRun(t *testing.T, o *OpenNet, d *Dataset, learn bool, seed uint64, phase int) ([]spikeEv, []int) {
	t.Helper()
	rec, err := o.Net.RecordSpikes(o.Exc)
	if err != nil {
		t.Fatal(err)
	}
	start := int32(o.Net.Step())
	var att []int
	for i := 0; i < d.Len(); i++ {
		_, a, err := o.Show(d.Images[i], learn, seed, phase, 0, i)
		if err != nil {
			t.Fatal(err)
		}
		att = append(att, a)
	}
	steps, cells := rec.Spikes()
	evs := make([]spikeEv, len(steps))
	for k := range steps {
		evs[k] = spikeEv{steps[k] - start, cells[k]}
	}
	return evs, att
}

// float32Model is a model whose weights are exact in 32 bits (as a
// brain.Network stores them), drawn and normalised as the paper's.
func float32Model(t *testing.T, n int) *Model {
	t.Helper()
	m, err := NewModel(Paper(n), rand.New(rand.NewPCG(7, 8)))
	if err != nil {
		t.Fatal(err)
	}
	m.Normalize()
	for k, w := range m.W {
		m.W[k] = float64(float32(w))
	}
	return m
}

func sameSpikes(t *testing.T, what string, fast, open []spikeEv, fa, oa []int) {
	t.Helper()
	if !slices.Equal(fa, oa) {
		t.Errorf("%s: presentations per image: fast %v, open-core %v", what, fa, oa)
	}
	if len(fast) == 0 {
		t.Fatalf("%s: no spikes at all", what)
	}
	if len(fast) != len(open) {
		t.Errorf("%s: %d spikes in the fast path, %d in the open-core network", what, len(fast), len(open))
	}
	for k := range min(len(fast), len(open)) {
		if fast[k] != open[k] {
			t.Fatalf("%s: spike %d: fast (step %d, cell %d), open-core (step %d, cell %d)",
				what, k, fast[k].step, fast[k].cell, open[k].step, open[k].cell)
		}
	}
}

// TestOpenCoreMatchesFastPath: the network built from brain's public
// interfaces (ExcCell, InhCell, PaperSTDP, ImageSource, AllButPartner run
// by brain.Network) is the model of the specialised loop. Frozen (labelling
// and testing) with 32-bit-exact weights, both give the same excitatory
// spikes, step for step, on 20 test images; training on 30 images from
// the same start, they give the same spikes and presentations, and the
// weights and thresholds agree to within the 32-bit rounding of the open
// core's weights.
func TestOpenCoreMatchesFastPath(t *testing.T) {
	train, test := loadMNIST(t)
	const n = 40

	d, _ := test.Slice(0, 20)
	// frozen runs model m, with a spread of thresholds as after training,
	// frozen on d by both paths, checks that they give the same spikes and
	// returns the fast path's.
	frozen := func(t *testing.T, what string, m *Model) ([]spikeEv, []int) {
		for j := range m.Theta {
			m.Theta[j] = 20 + float64(j%7)
		}
		fe, fa := fastRun(t, m.Clone(), d, false, 5, PhaseTest)
		o, err := NewOpenNet(m.Clone())
		if err != nil {
			t.Fatal(err)
		}
		oe, oa := openRun(t, o, d, false, 5, PhaseTest)
		sameSpikes(t, what, fe, oe, fa, oa)
		return fe, fa
	}

	t.Run("frozen", func(t *testing.T) {
		fe, fa := frozen(t, "frozen", float32Model(t, n))
		t.Logf("%d spikes, %d presentations", len(fe), sum(fa))
	})

	// Inhibition 20 times stronger: one inhibitory spike makes
	// dt(1 + g_e + g_i)/τ > 1, so both paths take the exact membrane step
	// (Params.EulerMembrane); plain Euler must give other spikes, or the
	// comparison did not reach that step.
	t.Run("frozen, exact steps", func(t *testing.T) {
		m := float32Model(t, n)
		m.P.WIE *= 20
		fe, fa := frozen(t, "frozen, exact steps", m)
		euler := m.Clone()
		euler.P.EulerMembrane = true
		ee, ea := fastRun(t, euler, d, false, 5, PhaseTest)
		t.Logf("%d spikes, %d presentations; plain Euler %d spikes, %d presentations", len(fe), sum(fa), len(ee), sum(ea))
		if slices.Equal(fe, ee) && slices.Equal(fa, ea) {
			t.Error("plain Euler gave the same spikes: no exact step was taken")
		}
	})

	t.Run("training", func(t *testing.T) {
		m := float32Model(t, n)
		d, _ := train.Slice(0, 30)
		fm := m.Clone()
		fe, fa := fastRun(t, fm, d, true, 3, PhaseTrain)
		o, err := NewOpenNet(m.Clone())
		if err != nil {
			t.Fatal(err)
		}
		oe, oa := openRun(t, o, d, true, 3, PhaseTrain)
		t.Logf("%d spikes, %d presentations", len(fe), sum(fa))
		sameSpikes(t, "training", fe, oe, fa, oa)
		om := o.Model()
		var dw, dth, moved float64
		for k := range fm.W {
			dw = max(dw, math.Abs(fm.W[k]-om.W[k]))
			moved = max(moved, math.Abs(fm.W[k]-m.W[k]))
		}
		for j := range fm.Theta {
			dth = max(dth, math.Abs(fm.Theta[j]-om.Theta[j]))
		}
		t.Logf("max |Δw| fast vs open-core %.3g (weights moved by up to %.3g), max |Δθ| %.3g mV", dw, moved, dth)
		if moved < 0.01 {
			t.Errorf("training moved the weights by only %.3g: nothing was compared", moved)
		}
		if dw > 1e-5 {
			t.Errorf("weights differ by up to %.3g, more than 32-bit rounding", dw)
		}
		if dth > 1e-12 {
			t.Errorf("thresholds differ by up to %.3g mV", dth)
		}
	})
}

func sum(x []int) int {
	s := 0
	for _, v := range x {
		s += v
	}
	return s
}

// BenchmarkOpenCoreTrainImage400 is BenchmarkTrainImage400 through the
// open-core network (brain.Network with ExcCell, InhCell, PaperSTDP and
// ImageSource, one worker), for the ratio of the two paths.
func BenchmarkOpenCoreTrainImage400(b *testing.B) {
	train, _ := loadMNIST(b)
	m, err := NewModel(Paper(400), rand.New(rand.NewPCG(splitmix(1), 0x5eed)))
	if err != nil {
		b.Fatal(err)
	}
	o, err := NewOpenNet(m)
	if err != nil {
		b.Fatal(err)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	b.ResetTimer()
	cpu0, okCPU := threadCPUNanos()
	for i := 0; i < b.N; i++ {
		k := i % train.Len()
		if _, _, err := o.Show(train.Images[k], true, 1, PhaseTrain, 0, k); err != nil {
			b.Fatal(err)
		}
	}
	if cpu1, ok := threadCPUNanos(); ok && okCPU {
		b.ReportMetric(float64(cpu1-cpu0)/1e6/float64(b.N), "cpu-ms/image")
	}
}

func TestOpenNetBadInput(t *testing.T) {
	for _, c := range []struct {
		name, want string
		edit       func(m *Model)
	}{
		{"negative weight", "weight -0.1", func(m *Model) { m.W[5] = -0.1 }},
		{"triplet rule", "Rule = triplet", func(m *Model) { m.P.Rule = RuleTriplet }},
		{"bad parameter", "TauE = 0", func(m *Model) { m.P.TauE = 0 }},
		{"free refractory", "FreeRefractory = true", func(m *Model) { m.P.FreeRefractory = true }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := float32Model(t, 3)
			c.edit(m)
			_, err := NewOpenNet(m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one naming %q", err, c.want)
			}
		})
	}
	m := float32Model(t, 3)
	o, err := NewOpenNet(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := o.Show(make([]byte, 10), false, 1, PhaseTest, 0, 0); err == nil || !strings.Contains(err.Error(), "10 pixels") {
		t.Errorf("short image: error %v", err)
	}
}
