package brain

import (
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
