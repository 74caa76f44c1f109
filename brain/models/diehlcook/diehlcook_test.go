package diehlcook

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

var (
	mnistOnce          sync.Once
	mnistTrain, mnistT *Dataset
	mnistErr           error
)

// loadMNIST reads the pinned MNIST module once per test binary.
func loadMNIST(t testing.TB) (*Dataset, *Dataset) {
	t.Helper()
	mnistOnce.Do(func() {
		dir, err := MNISTDir()
		if err != nil {
			mnistErr = err
			return
		}
		mnistTrain, mnistT, mnistErr = LoadMNIST(dir)
	})
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistTrain, mnistT
}

func TestLoadMNIST(t *testing.T) {
	train, test := loadMNIST(t)
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("sizes %d, %d; want 60000, 10000", train.Len(), test.Len())
	}
	// The first training digits of MNIST are 5 0 4 1 9, the first test digits 7 2 1 0 4.
	if got := train.Labels[:5]; !slices.Equal(got, []uint8{5, 0, 4, 1, 9}) {
		t.Errorf("first training labels %v", got)
	}
	if got := test.Labels[:5]; !slices.Equal(got, []uint8{7, 2, 1, 0, 4}) {
		t.Errorf("first test labels %v", got)
	}
	var per [10]int
	for _, l := range train.Labels {
		per[l]++
	}
	if per[1] != 6742 || per[5] != 5421 {
		t.Errorf("class counts %v; want 6742 ones and 5421 fives", per)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		field string
		edit  func(*Params)
	}{
		{"NExc", func(p *Params) { p.NExc = 0 }},
		{"Dt", func(p *Params) { p.Dt = 0 }},
		{"TauE", func(p *Params) { p.TauE = -1 }},
		{"TauTheta", func(p *Params) { p.TauTheta = math.Inf(1) }},
		{"EtaPost", func(p *Params) { p.EtaPost = math.NaN() }},
		{"MaxAttempts", func(p *Params) { p.MaxAttempts = 0 }},
		{"InputPerCell", func(p *Params) { p.InputPerCell = 100 }},
		{"VResetI", func(p *Params) { p.VResetI = -30 }},
		{"RateScale", func(p *Params) { p.RateScale = 10 }},
		{"Rule", func(p *Params) { p.Rule = 7 }},
		{"InputDelayMax", func(p *Params) { p.InputDelayMax = -1 }},
		{"InputDelayMax", func(p *Params) { p.InputDelayMax = 200 }},
		{"InputDelayMax", func(p *Params) { p.InputDelayMax, p.Rule = 10, RuleTriplet }},
	}
	if err := Paper(400).Validate(); err != nil {
		t.Fatalf("paper parameters: %v", err)
	}
	for _, c := range cases {
		p := Paper(10)
		c.edit(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), c.field) || !strings.HasPrefix(err.Error(), "diehlcook: ") {
			t.Errorf("%s: error %v; want one naming the field", c.field, err)
		}
	}
	if _, err := NewModel(Paper(3), nil); err == nil {
		t.Error("NewModel accepted a nil rng")
	}
	if _, err := ParseRule("hebb"); err == nil {
		t.Error("ParseRule accepted hebb")
	}
}

func TestNormalize(t *testing.T) {
	m, err := NewModel(Paper(7), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	m.Normalize()
	for j := 0; j < 7; j++ {
		s := 0.0
		for i := 0; i < 784; i++ {
			s += m.W[i*7+j]
		}
		if math.Abs(s-78) > 1e-9 {
			t.Errorf("cell %d: weights sum to %g, want 78", j, s)
		}
	}
}

// TestPoissonRates checks the input encoding: a pixel of intensity v fires
// at v/4 Hz, so 255 gives 63.75 Hz, i.e. 22.3 spikes in 350 ms.
func TestPoissonRates(t *testing.T) {
	s, err := NewSim(Paper(1))
	if err != nil {
		t.Fatal(err)
	}
	img := make([]byte, 784)
	img[3], img[500] = 255, 64
	rng := rand.New(rand.NewPCG(3, 4))
	const trials = 2000
	var n3, n500, other int
	for k := 0; k < trials; k++ {
		s.in.draw(img, 0.25, rng)
		for step := 0; step < s.steps; step++ {
			prev := int16(-1)
			for _, px := range s.in.at(step) {
				if px <= prev {
					t.Fatalf("events of step %d not in pixel order", step)
				}
				prev = px
				switch px {
				case 3:
					n3++
				case 500:
					n500++
				default:
					other++
				}
			}
		}
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"255", float64(n3) / trials, 63.75 * 0.35},
		{"64", float64(n500) / trials, 16 * 0.35},
	} {
		// Poisson s.d. of the mean is sqrt(want/trials); allow 5 s.d.
		if tol := 5 * math.Sqrt(c.want/trials); math.Abs(c.got-c.want) > tol {
			t.Errorf("intensity %s: %.3f spikes per presentation, want %.3f ± %.3f", c.name, c.got, c.want, tol)
		}
	}
	if other != 0 {
		t.Errorf("%d spikes from black pixels", other)
	}
}

// TestPaperRule checks one postsynaptic update against equation (3):
// Δw = η (x_pre − x_tar)(w_max − w)^μ, with x_pre the decayed sum of the
// input's spikes.
func TestPaperRule(t *testing.T) {
	p := Paper(2)
	s, err := NewSim(p)
	if err != nil {
		t.Fatal(err)
	}
	s.reset()
	w := make([]float64, 784*2)
	for i := range w {
		w[i] = 0.5
	}
	w[10*2+1] = 1 // at w_max: no change
	// input 5 fired at steps 0 and 20, input 9 at step 40; update at step 60
	s.xPre[5], s.lastPre[5] = 1+math.Exp(-20*p.Dt/p.TauPre), 20
	s.xPre[9], s.lastPre[9] = 1, 40
	s.postUpdate(&Model{P: p, W: w}, 1, 60)
	x5 := (1 + math.Exp(-10/20.0)) * math.Exp(-40*p.Dt/p.TauPre)
	x9 := math.Exp(-20 * p.Dt / p.TauPre)
	f := math.Pow(0.5, 0.2)
	for _, c := range []struct {
		i    int
		want float64
	}{
		{5, 0.5 + 0.01*(x5-0.4)*f},
		{9, 0.5 + 0.01*(x9-0.4)*f},
		{0, 0.5 - 0.01*0.4*f},
		{10, 1},
	} {
		if got := w[c.i*2+1]; math.Abs(got-c.want) > 1e-12 {
			t.Errorf("input %d: w = %.12f, want %.12f", c.i, got, c.want)
		}
		if got := w[c.i*2]; got != 0.5 {
			t.Errorf("input %d: the other cell's weight changed to %g", c.i, got)
		}
	}
}

func TestAssignPredict(t *testing.T) {
	counts := [][]int32{{5, 0, 1}, {4, 0, 0}, {0, 3, 0}, {1, 2, 0}}
	labels := []uint8{7, 7, 2, 2}
	a, err := Assign(counts, labels)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, []int{7, 2, 7}) {
		t.Fatalf("assignments %v, want [7 2 7]", a)
	}
	// class 7 cells (0 and 2) average 1.5, class 2 cell (1) 2
	if got := Predict([]int32{3, 2, 0}, a); got != 2 {
		t.Errorf("Predict = %d, want 2", got)
	}
	if got := Predict([]int32{3, 1, 1}, a); got != 7 {
		t.Errorf("Predict = %d, want 7", got)
	}
	acc, conf, err := Evaluate(counts, labels, a)
	if err != nil {
		t.Fatal(err)
	}
	if acc != 1 || conf[7][7] != 2 || conf[2][2] != 2 {
		t.Errorf("accuracy %g, confusion rows %v %v", acc, conf[7], conf[2])
	}
	if _, err := Assign(counts, labels[:2]); err == nil {
		t.Error("Assign accepted mismatched lengths")
	}
	if a, _ := Assign([][]int32{{0, 1}}, []uint8{3}); a[0] != -1 {
		t.Errorf("a silent cell got label %d, want -1", a[0])
	}
}

// TestResponsesWorkers: the spike counts of the frozen network do not
// depend on the number of workers.
func TestResponsesWorkers(t *testing.T) {
	train, _ := loadMNIST(t)
	d, _ := train.Slice(0, 60)
	m, err := NewModel(Paper(30), rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	m.Normalize()
	r1, err := Responses(m, d, 9, PhaseTest, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, w := range []int{2, 3, 7} {
		rw, err := Responses(m, d, 9, PhaseTest, w, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k := range r1 {
			if !slices.Equal(r1[k], rw[k]) {
				t.Fatalf("%d workers: image %d counts %v, 1 worker %v", w, k, rw[k], r1[k])
			}
		}
	}
	for _, c := range r1 {
		for _, v := range c {
			total += int(v)
		}
	}
	if total < 5*len(r1) {
		t.Errorf("%d spikes for %d images: the re-presentation rule should give at least 5 each", total, len(r1))
	}
}

// TestResume: training interrupted by a checkpoint (save, load, continue)
// ends with bit-identical weights, thresholds and accuracy curve.
func TestResume(t *testing.T) {
	train, _ := loadMNIST(t)
	delayed := Paper(20)
	delayed.InputDelayMax = 10
	for _, p := range []Params{Paper(20), func() Params { p := Paper(20); p.Rule = RuleTriplet; return p }(), delayed} {
		rule := fmt.Sprintf("%v, delays %g ms", p.Rule, p.InputDelayMax)
		run := func(stopAt int) *Trainer {
			tr, err := NewTrainer(p, 11, 2, 30, 10)
			if err != nil {
				t.Fatal(err)
			}
			for !tr.Finished() {
				if tr.Done == stopAt {
					path := filepath.Join(t.TempDir(), "ck")
					if err := tr.Save(path); err != nil {
						t.Fatal(err)
					}
					if tr, err = LoadTrainer(path); err != nil {
						t.Fatal(err)
					}
				}
				if err := tr.Step(train); err != nil {
					t.Fatal(err)
				}
			}
			return tr
		}
		a, b := run(-1), run(37)
		if !slices.Equal(a.Model.W, b.Model.W) || !slices.Equal(a.Model.Theta, b.Model.Theta) || !slices.Equal(a.Model.Delay, b.Model.Delay) {
			t.Errorf("%v: resumed training ends with different weights", rule)
		}
		if !slices.Equal(a.Curve, b.Curve) || a.Presentations != b.Presentations || a.Spikes != b.Spikes {
			t.Errorf("%v: resumed curve %v, straight %v", rule, b.Curve, a.Curve)
		}
		if len(a.Curve) != 5 {
			t.Errorf("%v: %d curve points, want 5 (blocks of 10 over 60 images, the first has no labels)", rule, len(a.Curve))
		}
		changed := 0
		m0, _ := NewModel(p, rand.New(rand.NewPCG(splitmix(11), 0x5eed)))
		m0.Normalize()
		for i := range a.Model.W {
			if math.Abs(a.Model.W[i]-m0.W[i]) > 1e-3 {
				changed++
			}
		}
		if changed < len(a.Model.W)/10 {
			t.Errorf("%v: only %d of %d weights moved by more than 0.001", rule, changed, len(a.Model.W))
		}
	}
	if _, err := LoadTrainer(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("LoadTrainer of a missing file returned no error")
	}
}

// TestDelayedTrace: with input delays, a synapse reads its input's trace as
// it was a delay earlier, from the input's spike history.
func TestDelayedTrace(t *testing.T) {
	p := Paper(2)
	p.InputDelayMax = 10
	s, err := NewSim(p)
	if err != nil {
		t.Fatal(err)
	}
	s.reset()
	if s.ringLen != 21 {
		t.Fatalf("ring of %d steps, want 21 (0–10 ms at 0.5 ms)", s.ringLen)
	}
	d := math.Exp(-p.Dt / p.TauPre)
	x20 := 1 + math.Pow(d, 20)
	s.pushTrace(5, 0, 1)
	s.pushTrace(5, 20, x20)
	for _, c := range []struct {
		step int32
		want float64
	}{{-1, 0}, {0, 1}, {10, math.Pow(d, 10)}, {19, math.Pow(d, 19)}, {20, x20}, {30, x20 * math.Pow(d, 10)}} {
		if got := s.traceAt(5, c.step); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("trace at step %d: %g, want %g", c.step, got, c.want)
		}
	}
	if got := s.traceAt(6, 30); got != 0 {
		t.Errorf("silent input: trace %g, want 0", got)
	}
	// more spikes than the ring holds: the newest ones are kept
	for k := int32(0); k < 30; k++ {
		s.pushTrace(7, 100+k, float64(k))
	}
	if got := s.traceAt(7, 120); got != 20 {
		t.Errorf("trace after a burst: %g, want 20", got)
	}
}

// TestZeroDelays: delays that all round to zero steps give the network
// without delays (the conductances arrive in the same step; only the
// order of the additions may differ).
func TestZeroDelays(t *testing.T) {
	train, _ := loadMNIST(t)
	p0 := Paper(20)
	p1 := p0
	p1.InputDelayMax = 0.2 // < Dt/2: rounds to 0 steps
	a, err := NewTrainer(p0, 3, 1, 40, 40)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewTrainer(p1, 3, 1, 40, 40)
	if err != nil {
		t.Fatal(err)
	}
	for !a.Finished() {
		if err := a.Step(train); err != nil {
			t.Fatal(err)
		}
		if err := b.Step(train); err != nil {
			t.Fatal(err)
		}
	}
	if a.Spikes != b.Spikes || a.Presentations != b.Presentations {
		t.Errorf("spikes %d vs %d, presentations %d vs %d", a.Spikes, b.Spikes, a.Presentations, b.Presentations)
	}
	for i := range a.Model.W {
		if math.Abs(a.Model.W[i]-b.Model.W[i]) > 1e-9 {
			t.Fatalf("weight %d: %g without delays, %g with zero delays", i, a.Model.W[i], b.Model.W[i])
		}
	}
	if a.Spikes == 0 {
		t.Error("no spikes")
	}
}
