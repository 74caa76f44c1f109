package brain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// boundedRule is a user's rule that declares weight bounds without
// promising to keep them (kept false): SetWeight must still respect them.
type boundedRule struct{ lo, hi float64 }

func (r *boundedRule) Prepare(s *Synapses, dt float64) error     { return s.CheckWeights(r.lo, r.hi) }
func (r *boundedRule) Learn(*Synapses, int64, []int32, []int32)  {}
func (r *boundedRule) WeightBounds() (lo, hi float64, kept bool) { return r.lo, r.hi, false }

// TestSetWeightInsideRuleBounds: Projection.SetWeight refuses a weight
// outside the plasticity rule's bounds, naming them. It checked only
// [0, MaxWeight], so an STDP synapse could be set above WMax (additive
// STDP then clipped it down at its first update, a jump no spike pair
// caused; multiplicative STDP's soft bound WMax − w turned negative, so
// potentiation depressed it).
func TestSetWeightInsideRuleBounds(t *testing.T) {
	src := must(NewPoissonGroup("src", 4, 10))
	post := must(NewPopulation("post", 3, Generic()))
	net := NewNetwork(0.1, 1)
	rule := SongRule(10)
	rule.WMin = 1
	stdp := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(5), STDP: &rule}))
	user := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(2), Plasticity: &boundedRule{lo: 1, hi: 3}}))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p      *Projection
		w      float64
		bounds string
	}{{stdp, 12, "[1, 10]"}, {stdp, 0.5, "[1, 10]"}, {stdp, 10.000001, "[1, 10]"}, {user, 3.5, "[1, 3]"}, {user, 0, "[1, 3]"}} {
		err := c.p.SetWeight(0, c.w)
		if err == nil {
			t.Errorf("%s: SetWeight(0, %v) accepted outside the rule's bounds %s", c.p.Name, c.w, c.bounds)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, c.bounds) || !strings.Contains(msg, "weight magnitude "+fmt.Sprint(c.w)) {
			t.Errorf("%s: SetWeight(0, %v): error %q does not name the value and the bounds %s", c.p.Name, c.w, msg, c.bounds)
		}
	}
	if stdp.Weight(0) != 5 || user.Weight(0) != 2 {
		t.Errorf("refused SetWeight calls changed weights to %v, %v", stdp.Weight(0), user.Weight(0))
	}
	for _, c := range []struct {
		p *Projection
		w float64
	}{{stdp, 10}, {stdp, 1}, {user, 3}, {user, 1}} {
		if err := c.p.SetWeight(1, c.w); err != nil || c.p.Weight(1) != float64(float32(c.w)) {
			t.Errorf("%s: SetWeight(1, %v) at the bound: %v, weight %v", c.p.Name, c.w, err, c.p.Weight(1))
		}
	}
}

// TestInhibitoryExponentialWeights: exponentially distributed weights for
// inhibitory cells. Exponential(mean, shift) accepted only a mean > 0,
// whose numbers reach +∞, so Dale's law (inhibitory weights ≤ 0) refused
// every exponential weight of an inhibitory projection ("can be > 0").
// A negative mean now mirrors the distribution: shift − |mean|·X.
func TestInhibitoryExponentialWeights(t *testing.T) {
	src := must(NewPoissonGroup("inh", 200, 10))
	src.Inhibitory = true
	post := must(NewPopulation("post", 50, Generic()))
	net := NewNetwork(0.1, 3)
	p, err := net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Exponential(-0.5, 0)})
	if err != nil {
		t.Fatalf("inhibitory Exponential(-0.5, 0) weights refused: %v", err)
	}
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	if p.Receptor() != Inhibitory {
		t.Errorf("receptor %v, want the inhibitory one", p.Receptor())
	}
	sum, below := 0.0, 0
	for s := range p.NumSynapses() {
		w := p.Weight(s)
		if !(w >= 0) {
			t.Fatalf("synapse %d: magnitude %v", s, w)
		}
		sum += w
		if w < 0.5*math.Ln2 {
			below++
		}
	}
	n := float64(p.NumSynapses())
	// 10 000 draws: the mean's standard error is 0.005, the median's
	// share's 0.005.
	if m := sum / n; math.Abs(m-0.5) > 0.025 {
		t.Errorf("mean magnitude %v, want 0.5", m)
	}
	if f := float64(below) / n; math.Abs(f-0.5) > 0.025 {
		t.Errorf("share below the median 0.5·ln 2: %v, want 0.5", f)
	}

	// What stays refused, each naming its reason.
	for _, c := range []struct {
		inhib  bool
		w, d   Value
		reason string
	}{
		{false, Exponential(-0.5, 0), Value{}, "can be < 0 but the presynaptic cells are excitatory"},
		{true, Exponential(0.5, -3), Value{}, "can be > 0 but the presynaptic cells are inhibitory"},
		{true, Exponential(0, -1), Value{}, "Exponential mean = 0"},
		{true, Const(-1), Exponential(-1, 5), "shorter than one step"},
	} {
		src := must(NewPoissonGroup("src", 3, 10))
		src.Inhibitory = c.inhib
		post := must(NewPopulation("post", 2, Generic()))
		net := NewNetwork(0.1, 3)
		_, err := net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: c.w, Delay: c.d})
		if err == nil {
			err = net.Build()
		}
		if err == nil || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("inhibitory %t, weight %+v, delay %+v: error %v, want one containing %q", c.inhib, c.w, c.d, err, c.reason)
		}
	}
}

// writerRule is a user's rule that writes weight w into synapse syn at
// step at (and, as a Transmitter, gives release factor r to every spike
// from step rAt on).
type writerRule struct {
	at, rAt int64
	syn     int
	w       float32
	r       float64
}

func (r *writerRule) Prepare(*Synapses, float64) error { return nil }
func (r *writerRule) Learn(s *Synapses, k int64, _, _ []int32) {
	if k == r.at {
		s.Weights()[r.syn] = r.w
	}
}

type writerTransmitter struct{ writerRule }

func (r *writerTransmitter) Transmit(_ *Synapses, k int64, _ []int32, release []float64) {
	for n := range release {
		release[n] = 1
		if k >= r.rAt {
			release[n] = r.r
		}
	}
}

// boundedWriter declares bounds [0, 2] it does not keep.
type boundedWriter struct{ writerRule }

func (r *boundedWriter) WeightBounds() (lo, hi float64, kept bool) { return 0, 2, false }

// TestUserRuleBadWeightStopsRun: a user's rule that writes a negative,
// NaN or too large weight magnitude, or a Transmitter that gives a
// negative or NaN release factor, stops Run with an error naming the
// projection, the rule, the synapse or spike, the value and the time.
// Before, a negative magnitude made an excitatory synapse inhibit for the
// rest of the run without a word (Dale's law reversed), and a NaN
// surfaced as a blow-up of the target population (or not at all while
// its presynaptic cell was silent).
func TestUserRuleBadWeightStopsRun(t *testing.T) {
	const nPre, nPost = 40, 30 // 1200 synapses: a pass of the sweep takes 5 steps
	// Cell i fires at 0.1·(i mod 20) + 2k ms: some cell in every step.
	times := make([][]float64, nPre)
	for i := range times {
		for k := 1; k < 30; k++ {
			times[i] = append(times[i], 0.1*float64(i%20)+2*float64(k))
		}
	}
	run := func(rule PlasticityRule, ms float64) (*Projection, error) {
		src := must(NewSpikeSourceArray("src", times))
		post := must(NewPopulation("post", nPost, Generic()))
		net := NewNetwork(0.1, 5)
		p := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), Plasticity: rule}))
		return p, net.Run(context.Background(), ms, nil)
	}
	const at = 100 // t = 10 ms
	for _, c := range []struct {
		name string
		rule PlasticityRule
		want []string
	}{
		{"negative", &writerRule{at: at, syn: 777, w: -0.5}, []string{`projection "src→post"`, "*brain.writerRule", "weight magnitude -0.5", "synapse 777 (25→27)", "outside [0, 1e+06]", "against Dale's law"}},
		{"NaN", &writerRule{at: at, syn: 3, w: float32(math.NaN())}, []string{"weight magnitude NaN", "synapse 3 (0→3)"}},
		{"+Inf", &writerRule{at: at, syn: 1199, w: float32(math.Inf(1))}, []string{"weight magnitude +Inf", "synapse 1199 (39→29)"}},
		{"above the declared bound", &boundedWriter{writerRule{at: at, syn: 5, w: 2.5}}, []string{"*brain.boundedWriter", "weight magnitude 2.5", "outside [0, 2]"}},
		{"negative release", &writerTransmitter{writerRule{at: -1, rAt: at, r: -1}}, []string{"*brain.writerTransmitter", "release factor -1", "presynaptic cell 0 at t = 10 ms", "against Dale's law"}},
		{"NaN release", &writerTransmitter{writerRule{at: -1, rAt: at, r: math.NaN()}}, []string{"release factor NaN", "at t = 10 ms"}},
	} {
		p, err := run(c.rule, 50)
		if err == nil {
			t.Errorf("%s: Run succeeded; weight %v", c.name, p.Weight(777))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
		// Found within one pass of the sweep (5 steps) after the write;
		// a release factor at once.
		var found float64
		if i := strings.Index(err.Error(), "found after the step at t = "); i >= 0 {
			fmt.Sscanf(err.Error()[i+len("found after the step at t = "):], "%g", &found)
			if found < 10 || found > 10.5 {
				t.Errorf("%s: found at t = %v ms, want within 5 steps of 10 ms", c.name, found)
			}
		}
	}
	// A rule that writes good weights (including the bounds) runs on.
	if _, err := run(&writerRule{at: at, syn: 3, w: 1e6}, 50); err != nil {
		t.Errorf("weight MaxWeight: %v", err)
	}
	if _, err := run(&boundedWriter{writerRule{at: at, syn: 3, w: 2}}, 50); err != nil {
		t.Errorf("weight at the declared bound: %v", err)
	}
	if _, err := run(&writerTransmitter{writerRule{at: -1, rAt: at, r: 0}}, 50); err != nil {
		t.Errorf("release factor 0: %v", err)
	}
}

// TestBadWeightNamedAtBlowUp: when a NaN weight blows up its target
// before the sweep has reached it, the error names the weight as well as
// the blow-up.
func TestBadWeightNamedAtBlowUp(t *testing.T) {
	// 400 × 100 synapses: a pass of the sweep takes 157 steps; synapse 0
	// is checked at step 0, made NaN at step 1 and next checked at step
	// 157, but its presynaptic cell fires at 2 ms (step 20).
	times := make([][]float64, 400)
	times[0] = []float64{2}
	src := must(NewSpikeSourceArray("src", times))
	post := must(NewPopulation("post", 100, Generic()))
	net := NewNetwork(0.1, 5)
	must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), Plasticity: &writerRule{at: 1, syn: 0, w: float32(math.NaN())}}))
	err := net.Run(context.Background(), 10, nil)
	var bu *BlowUpError
	if !errors.As(err, &bu) {
		t.Fatalf("error %v, want a *BlowUpError", err)
	}
	if !strings.Contains(err.Error(), "weight magnitude NaN into synapse 0 (0→0)") {
		t.Errorf("error %q does not name the NaN weight", err)
	}
}

// TestModulatorLevelChecked: a Modulator level that is not finite stops
// Run with an error naming it and its time, and the rule reads 0 instead,
// so its weights stay finite.
func TestModulatorLevelChecked(t *testing.T) {
	src := must(NewPoissonGroup("src", 5, 20))
	post := must(NewPopulation("post", 4, Generic()))
	net := NewNetwork(0.1, 5)
	rule := &modRule{}
	p := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), Plasticity: rule,
		Modulator: ModulatorFunc(func(t float64) float64 {
			if t >= 5 {
				return math.Inf(-1)
			}
			return 0.001
		})}))
	err := net.Run(context.Background(), 20, nil)
	if err == nil || !strings.Contains(err.Error(), "gave level -Inf at t = 5 ms") {
		t.Fatalf("error %v, want one naming the level -Inf at t = 5 ms", err)
	}
	if w := p.Weight(0); !(w >= 1 && w < 1.1) {
		t.Errorf("weight %v after the bad level, want 1 + 50·0.001", w)
	}
}

// modRule adds the modulation to every weight each step.
type modRule struct{}

func (*modRule) Prepare(*Synapses, float64) error { return nil }
func (*modRule) Learn(s *Synapses, k int64, _, _ []int32) {
	m := float32(s.Modulation(k))
	for i := range s.Weights() {
		s.Weights()[i] += m
	}
}

// TestLibraryRulesNotSwept: the library's rules keep their bounds, so
// their projections pay nothing for the sweep; a user's rule, or one
// that declares bounds without keeping them, is swept.
func TestLibraryRulesNotSwept(t *testing.T) {
	src := must(NewPoissonGroup("src", 5, 20))
	post := must(NewPopulation("post", 4, Generic()))
	net := NewNetwork(0.1, 5)
	rule := SongRule(2)
	song := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), STDP: &rule}))
	user := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), Plasticity: &writerRule{at: -1}}))
	declared := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), Plasticity: &boundedWriter{writerRule{at: -1}}}))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	if song.guard != nil {
		t.Error("the library's STDP is swept")
	}
	if user.guard == nil || declared.guard == nil || declared.guard.hid != 2 {
		t.Errorf("user rules not swept (or not against their bounds): %+v, %+v", user.guard, declared.guard)
	}
	if len(net.watched) != 2 {
		t.Errorf("%d projections watched, want 2", len(net.watched))
	}
}

// TestRestoreChecksWeightBounds: a checkpoint whose weights lie outside
// the bounds of the restoring network's plasticity rule is refused,
// naming the synapse, the value and the bounds, and the network is left
// as it was. The checksum only vouches for the bytes: restored into a
// twin whose STDP WMax had been lowered from 10 to 5, weights of 8 ran on
// above WMax (multiplicative STDP then depresses on potentiation).
func TestRestoreChecksWeightBounds(t *testing.T) {
	build := func(wmax float64) (*Network, *Projection) {
		src := must(NewPoissonGroup("src", 4, 10))
		post := must(NewPopulation("post", 3, Generic()))
		net := NewNetwork(0.1, 1)
		rule := SongRule(wmax)
		rule.Dependence = Multiplicative
		p := must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), STDP: &rule}))
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		return net, p
	}
	a, pa := build(10)
	if err := pa.SetWeight(7, 8); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := a.Save(&buf); err != nil {
		t.Fatal(err)
	}
	b, pb := build(5)
	err := b.Restore(bytes.NewReader(buf.Bytes()))
	if err == nil || !strings.Contains(err.Error(), "synapse 7 (2→1): weight magnitude 8 outside [0, 5]") {
		t.Errorf("restore into STDP WMax 5: error %v, want one naming synapse 7, its weight 8 and [0, 5]", err)
	}
	if w := pb.Weight(7); w != 1 {
		t.Errorf("weight %v after the refused restore, want 1", w)
	}
	// The same checkpoint restores into a twin of the same rule.
	c, pc := build(10)
	if err := c.Restore(bytes.NewReader(buf.Bytes())); err != nil || pc.Weight(7) != 8 {
		t.Errorf("restore into the same network: %v, weight %v", err, pc.Weight(7))
	}
}

// declaredRule declares the bounds lo, hi (not kept) and checks nothing
// itself.
type declaredRule struct{ lo, hi float64 }

func (*declaredRule) Prepare(*Synapses, float64) error            { return nil }
func (*declaredRule) Learn(*Synapses, int64, []int32, []int32)    {}
func (r *declaredRule) WeightBounds() (lo, hi float64, kept bool) { return r.lo, r.hi, false }

// TestDeclaredBoundsChecked: Build refuses a rule's WeightBounds that are
// not 0 ≤ lo ≤ hi ≤ MaxWeight, and initial weights outside them, naming
// both. NaN bounds made SetWeight refuse every weight and the sweep flag
// every synapse; initial weights outside the bounds were found only by
// the sweep, up to 4096 steps into the run.
func TestDeclaredBoundsChecked(t *testing.T) {
	for _, c := range []struct {
		lo, hi, w float64
		want      string
	}{
		{math.NaN(), 1, 0.5, "WeightBounds [NaN, 1]"},
		{-1, 1, 0.5, "WeightBounds [-1, 1]"},
		{2, 1, 0.5, "WeightBounds [2, 1]"},
		{0, 1e7, 0.5, "WeightBounds [0, 1e+07]"},
		{0, 1, 3, "initial synapse 0 (0→0): weight magnitude 3 outside [0, 1]"},
	} {
		src := must(NewPoissonGroup("src", 2, 10))
		post := must(NewPopulation("post", 2, Generic()))
		net := NewNetwork(0.1, 1)
		must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(c.w), Plasticity: &declaredRule{c.lo, c.hi}}))
		if err := net.Build(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("bounds [%v, %v], weight %v: error %v, want one containing %q", c.lo, c.hi, c.w, err, c.want)
		}
	}
	src := must(NewPoissonGroup("src", 2, 10))
	post := must(NewPopulation("post", 2, Generic()))
	net := NewNetwork(0.1, 1)
	must(net.ConnectSource(src, post, AllToAll{}, SynapseSpec{Weight: Const(1), Plasticity: &declaredRule{0, 1}}))
	if err := net.Build(); err != nil {
		t.Errorf("weights at the declared bound: %v", err)
	}
}
