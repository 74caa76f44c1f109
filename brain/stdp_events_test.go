package brain

import (
	"context"
	"math"
	"testing"
)

// TestSTDPEventDrivenTraces: the event-driven traces (decayed only when a
// spike reads them) give the weights of the clock-driven definition, in
// which every trace decays by exp(−dt/τ) at every step: the recorded
// spikes of a sparse plastic network are replayed step by step through a
// direct implementation of the rule (pair and triplet terms, additive and
// multiplicative, all-to-all and nearest pairing), and the final weights
// must agree to rounding.
func TestSTDPEventDrivenTraces(t *testing.T) {
	triplet := SongRule(300)
	triplet.TauX, triplet.TauY, triplet.A3Plus, triplet.A3Minus = 101, 125, 2, 0.5
	mult := BiPooRule(0.05, 0.04, 300)
	mult.Dependence = Multiplicative
	nearest := SongRule(300)
	nearest.Pairing = PairNearest
	for name, rule := range map[string]STDP{"song": SongRule(300), "triplet": triplet, "multiplicative": mult, "nearest": nearest} {
		net := NewNetwork(0.1, 5)
		in := must(NewPoissonGroup("in", 300, 12))
		cell := Generic()
		post := must(NewPopulation("post", 40, cell))
		r := rule
		proj := must(net.ConnectSource(in, post, FixedProbability{P: 0.3}, SynapseSpec{Weight: Uniform(50, 250), STDP: &r}))
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		w := proj.Weights(nil)
		preRec := must(net.RecordSourceSpikes(in))
		postRec := must(net.RecordSpikes(post))
		const ms = 2000
		if err := net.Run(context.Background(), ms, nil); err != nil {
			t.Fatal(err)
		}
		preSteps, preIDs := preRec.Spikes()
		postSteps, postIDs := postRec.Spikes()
		if len(postSteps) < 50 {
			t.Fatalf("%s: only %d postsynaptic spikes", name, len(postSteps))
		}
		// Clock-driven replay.
		dt := 0.1
		r1, r2 := make([]float64, 300), make([]float64, 300)
		o1, o2 := make([]float64, 40), make([]float64, 40)
		decay := func(x []float64, tau float64) {
			if tau == 0 {
				return
			}
			f := math.Exp(-dt / tau)
			for i := range x {
				x[i] *= f
			}
		}
		a, b := 0, 0
		for k := int32(0); k < ms/0.1; k++ {
			decay(r1, rule.TauPlus)
			decay(o1, rule.TauMinus)
			decay(r2, rule.TauX)
			decay(o2, rule.TauY)
			for ; a < len(preSteps) && preSteps[a] == k; a++ {
				i := int(preIDs[a])
				lo, hi := proj.Row(i)
				for s := lo; s < hi; s++ {
					w[s] = float64(float32(rule.depress(w[s], o1[proj.Targets()[s]], r2[i])))
				}
				r1[i], r2[i] = rule.jump(r1[i]), rule.jump(r2[i])
			}
			for ; b < len(postSteps) && postSteps[b] == k; b++ {
				j := postIDs[b]
				for i := range 300 {
					if s := proj.Find(i, int(j)); s >= 0 {
						w[s] = float64(float32(rule.potentiate(w[s], r1[i], o2[j])))
					}
				}
				o1[j], o2[j] = rule.jump(o1[j]), rule.jump(o2[j])
			}
		}
		got := proj.Weights(nil)
		var worst float64
		for s := range got {
			worst = max(worst, math.Abs(got[s]-w[s]))
		}
		// float32 weights: a few ulps of 300 (3e-5) per update at most
		if worst > 1e-3 {
			t.Errorf("%s: event-driven weights differ from the clock-driven replay by up to %.3g", name, worst)
		}
		t.Logf("%s: %d pre, %d post spikes; largest weight difference %.3g", name, len(preSteps), len(postSteps), worst)
	}
}
