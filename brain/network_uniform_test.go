package brain

import (
	"context"
	"math"
	"slices"
	"testing"
)

// benchLikeNetwork is a small CUBA- or COBA-like network (Brette et al.
// 2007: τm 20 ms, Vt −50, Vr −60 mV, refractory 5 ms) of n cells, 80 %
// excitatory, with every spike recorded: the networks the constant-drive
// kernels and the peer steps are for. The inhibitory population gets
// uneven thresholds (so its kernels read the arrays) unless even is true.
func benchLikeNetwork(t testing.TB, n int, cond, euler, even bool) (*Network, []*SpikeRecorder) {
	syn, el, we, wi := CurrentExp, -49.0, 16.2, -90.0
	if cond {
		syn, el, we, wi = ConductanceExp, -60, 6, -67
	}
	mk := func(name string, inhib bool) Params {
		p := Params{Name: name, C: 200, GL: 10, EL: el, VT: -50, VReset: -60, TRef: 5, Inhibitory: inhib, Efficacy: 1,
			Synapse: SynapseParams{Model: syn, TauE: 5, TauI: 10, EE: 0, EI: -80}}
		if euler {
			p.Integrator = ForwardEuler
		}
		return p
	}
	net := NewNetwork(0.1, 3)
	exc := must(NewPopulation("exc", n*4/5, mk("exc", false)))
	inh := must(NewPopulation("inh", n-n*4/5, mk("inh", true)))
	for k, pop := range []*Population{exc, inh} {
		r := NewStream(3, 1, uint64(k))
		for i := range pop.V {
			pop.V[i] = -60 + 10*r.Float64()
			if cond {
				pop.Input(Proximal, Excitatory)[i] = (1.5*r.NormFloat64() + 4) * 10
				pop.Input(Proximal, Inhibitory)[i] = max(0, (12*r.NormFloat64()+20)*10)
			}
		}
	}
	if !even {
		for i := range inh.Theta0 {
			inh.Theta0[i] = -50 + 0.01*float64(i%3)
		}
	}
	conn := FixedProbability{P: 80 / float64(n)}
	for _, pre := range []*Population{exc, inh} {
		w := we
		if pre == inh {
			w = wi
		}
		for _, post := range []*Population{exc, inh} {
			must(net.Connect(pre, post, conn, SynapseSpec{Weight: Const(w)}))
		}
	}
	var recs []*SpikeRecorder
	for _, p := range []*Population{exc, inh} {
		recs = append(recs, must(net.RecordSpikes(p)))
	}
	return net, recs
}

// nopMonitor is a Monitor of the user's that does nothing.
type nopMonitor struct{}

func (nopMonitor) Observe(*StepView) error { return nil }

// TestUniformDrive: during a Run the LIF kernels of a population without
// current sources whose IBias and Theta0 are each one value take them as
// constants (kernel.State.Uniform), and the spikes and state are bit for
// bit those of the same run with the arrays read (a monitor of the user's
// turns the constants off), for the three LIF kernels; a population with
// uneven thresholds reads the arrays; a bias changed from the progress
// callback takes effect at the next step, as between two Runs.
func TestUniformDrive(t *testing.T) {
	uniform := func(net *Network, k int) bool { return net.pops[k].mod.m.(*GeneralizedNeuron).ks.Uniform }
	for _, kc := range []struct {
		name        string
		cond, euler bool
	}{{"current", false, false}, {"conductance", true, false}, {"forward Euler", true, true}} {
		run := func(user bool, change func(*Network) func(Progress)) ([][]int32, []float64, []bool) {
			net, recs := benchLikeNetwork(t, 800, kc.cond, kc.euler, false)
			net.Workers = 1
			if user {
				must0(t, net.AddMonitor(nopMonitor{}))
			}
			var seen []bool
			progress := func(p Progress) {
				if p.Step == 100 {
					seen = []bool{uniform(net, 0), uniform(net, 1)}
				}
			}
			if change != nil {
				progress = change(net)
			}
			if err := net.Run(context.Background(), 100, progress); err != nil {
				t.Fatal(err)
			}
			if uniform(net, 0) || uniform(net, 1) {
				t.Errorf("%s: Uniform still set after the Run", kc.name)
			}
			return spikesOf(recs), slices.Concat(net.pops[0].V, net.pops[1].V, net.pops[0].Input(Proximal, Excitatory)), seen
		}
		s0, v0, seen := run(false, nil)
		if !slices.Equal(seen, []bool{true, false}) {
			t.Errorf("%s: Uniform (exc, inh with uneven thresholds) during the Run: %v, want [true false]", kc.name, seen)
		}
		if len(s0[1]) < 50 {
			t.Fatalf("%s: %d spikes: the network is too quiet", kc.name, len(s0[1]))
		}
		s1, v1, seen := run(true, nil)
		if !slices.Equal(seen, []bool{false, false}) {
			t.Errorf("%s: with a monitor of the user's, Uniform during the Run: %v, want [false false]", kc.name, seen)
		}
		if !sameSpikes(s0, s1) || !slices.EqualFunc(v0, v1, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
			t.Errorf("%s: constant drive and threshold change the results", kc.name)
		}
		// A bias set from the progress callback after step 500 against
		// two Runs with the change in between.
		bias := func(net *Network) {
			for i := range net.pops[0].IBias {
				net.pops[0].IBias[i] = 150
			}
		}
		s2, _, _ := run(false, func(net *Network) func(Progress) {
			return func(p Progress) {
				if p.Step == 500 {
					bias(net)
				}
			}
		})
		net, recs := benchLikeNetwork(t, 800, kc.cond, kc.euler, false)
		net.Workers = 1
		must0(t, net.Run(context.Background(), 50, nil))
		bias(net)
		must0(t, net.Run(context.Background(), 50, nil))
		s3 := spikesOf(recs)
		if !sameSpikes(s2, s3) {
			t.Errorf("%s: a bias changed by the progress callback differs from one changed between Runs", kc.name)
		}
		t.Logf("%s: spikes %d, with the bias %d", kc.name, len(s0[1])+len(s0[3]), len(s2[1])+len(s2[3]))
		if sameSpikes(s2, s0) {
			t.Errorf("%s: the bias change had no effect", kc.name)
		}
	}
}

func must0(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
