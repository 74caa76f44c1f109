package brain

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestBadInputIsAnError(t *testing.T) {
	if _, err := NewPopulation("x", 0, Generic()); err == nil || !strings.Contains(err.Error(), "N = 0") {
		t.Errorf("N = 0: %v", err)
	}
	if _, err := NewPopulation("x", -3, Generic()); err == nil {
		t.Error("N < 0: no error")
	}
	bad := Generic()
	bad.C = -200
	if _, err := NewPopulation("x", 10, bad); !errors.Is(err, ErrInvalidParams) || !strings.Contains(err.Error(), "C = -200") {
		t.Errorf("negative C: %v", err)
	}
	pop, _ := NewPopulation("x", 3, Pyramidal())
	if _, err := pop.Step(0); !errors.Is(err, ErrNotPrepared) {
		t.Errorf("Step before Prepare: %v", err)
	}
	for _, dt := range []float64{0, -0.1, math.NaN(), math.Inf(1)} {
		if err := pop.Prepare(dt); err == nil || !strings.Contains(err.Error(), "dt = ") {
			t.Errorf("Prepare(%v): %v", dt, err)
		}
	}
	pop.Size[1] = -2
	if err := pop.Prepare(0.1); err == nil || !strings.Contains(err.Error(), "Size[1] = -2") {
		t.Errorf("negative size: %v", err)
	}
	pop.Size[1] = 1
	pop.IBias[2] = math.Inf(-1)
	if err := pop.Prepare(0.1); err == nil || !strings.Contains(err.Error(), "IBias[2] = -Inf") {
		t.Errorf("infinite bias: %v", err)
	}
	pop.IBias[2] = 0
	pop.P.Gc = 0 // dendrite removed after construction
	if err := pop.Prepare(0.1); err == nil || !strings.Contains(err.Error(), "Gc") {
		t.Errorf("Gc changed: %v", err)
	}
	// SimulateCurrent
	if _, _, err := SimulateCurrent(Generic(), 0.1, make([]float64, 10), make([]float64, 9)); err == nil || !strings.Contains(err.Error(), "len(iDend) = 9") {
		t.Errorf("mismatched lengths: %v", err)
	}
	if _, _, err := SimulateCurrent(Generic(), 0.1, nil, nil); err == nil {
		t.Error("empty current: no error")
	}
	if _, _, err := SimulateCurrent(Generic(), 0.1, []float64{1, math.NaN()}, nil); err == nil || !strings.Contains(err.Error(), "iSoma[1] = NaN") {
		t.Errorf("NaN current: %v", err)
	}
	if _, _, err := SimulateCurrent(Generic(), -1, []float64{1}, nil); err == nil {
		t.Error("dt < 0: no error")
	}
	if pop.Input(2, Excitatory) != nil || pop.Input(Proximal, 5) != nil {
		t.Error("Input with a bad compartment or receptor is not nil")
	}
}

// A NaN or Inf reaching a neuron is reported as a *BlowUpError naming the
// population, neuron, variable, value and time, for every kernel.
func TestBlowUpError(t *testing.T) {
	cond := Generic()
	cond.Synapse.Model = ConductanceExp
	for _, p := range []Params{Generic(), cond, Pyramidal(), Sensory()} {
		pop := mustPop(t, 5, p, 0.1)
		for k := range int64(10) {
			if _, err := pop.Step(k); err != nil {
				t.Fatal(err)
			}
		}
		pop.Input(Proximal, Excitatory)[3] = math.Inf(1)
		_, err := pop.Step(10)
		var be *BlowUpError
		if !errors.As(err, &be) {
			t.Fatalf("%s: error %v, want *BlowUpError", p.Name, err)
		}
		if be.Population != p.Name || be.Neuron != 3 || be.Variable != "Input(Proximal,Excitatory)" ||
			!math.IsInf(be.Value, 1) || math.Abs(be.TimeMS-1.0) > 1e-12 {
			t.Errorf("%s: %+v", p.Name, *be)
		}
		if !strings.Contains(err.Error(), "neuron 3") || !strings.HasPrefix(err.Error(), "brain: ") {
			t.Errorf("message %q", err)
		}
	}
	// a NaN external current
	pop := mustPop(t, 2, Pyramidal(), 0.1)
	pop.IExt[1] = math.NaN()
	_, err := pop.Step(0)
	var be *BlowUpError
	if !errors.As(err, &be) || be.Variable != "IExt" || be.Neuron != 1 {
		t.Errorf("NaN IExt: %v", err)
	}
	// runaway exponential with a huge VPeak is capped and detected, not a hang
	q := Pyramidal()
	q.VPeak = MaxVoltage // the largest allowed
	pop = mustPop(t, 1, q, 0.1)
	pop.IExt[0] = 5000
	for k := range int64(1000) {
		if _, err := pop.Step(k); err != nil {
			if !errors.As(err, &be) {
				t.Fatalf("unexpected error %v", err)
			}
			break
		}
	}
}

// run drives pop for steps with a deterministic pseudo-random input and
// returns every (step, neuron) spike and the final V.
func run(t testing.TB, pop *Population, steps int64) ([][2]int64, []float64) {
	t.Helper()
	var out [][2]int64
	x := uint64(12345)
	for k := range steps {
		for i := range pop.IExt {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			pop.IExt[i] = 1500 * float64(x>>11) / (1 << 53)
			if x%97 == 0 {
				pop.Input(Distal, Excitatory)[i] += 300
			}
		}
		sp, err := pop.Step(k)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range sp {
			out = append(out, [2]int64{k, int64(i)})
		}
	}
	return out, slices.Clone(pop.V)
}

// Same input, same result; and the goroutine split inside Step changes
// nothing: 1 worker vs 4 on a population above the parallel threshold.
func TestDeterministicAndWorkerIndependent(t *testing.T) {
	for _, p := range []Params{Generic(), Pyramidal()} {
		n := parallelMinN + 1000
		serial := mustPop(t, n, p, 0.1)
		serial.SetWorkers(1)
		par := mustPop(t, n, p, 0.1)
		par.SetWorkers(4)
		if len(par.chunks) != 4 || len(serial.chunks) != 1 {
			t.Fatalf("chunks: %d parallel, %d serial", len(par.chunks), len(serial.chunks))
		}
		a, va := run(t, serial, 300)
		b, vb := run(t, par, 300)
		if len(a) == 0 {
			t.Fatalf("%s: no spikes", p.Name)
		}
		if !slices.Equal(a, b) || !slices.Equal(va, vb) {
			t.Errorf("%s: 1 worker and 4 workers differ (%d vs %d spikes)", p.Name, len(a), len(b))
		}
		again := mustPop(t, n, p, 0.1)
		c, vc := run(t, again, 300)
		if !slices.Equal(a, c) || !slices.Equal(va, vc) {
			t.Errorf("%s: two identical runs differ", p.Name)
		}
	}
}

func TestStepDoesNotAllocate(t *testing.T) {
	cond := Generic()
	cond.Synapse.Model = ConductanceExp
	for _, c := range []struct {
		p       Params
		n       int
		workers int
	}{{Generic(), 1000, 1}, {cond, 1000, 1}, {Pyramidal(), 1000, 1}, {Sensory(), 1000, 1}, {Generic(), parallelMinN * 2, 2}} {
		pop := mustPop(t, c.n, c.p, 0.1)
		pop.SetWorkers(c.workers)
		for i := range pop.IBias {
			pop.IBias[i] = 3000 * float64(i%10) / 10
		}
		var k int64
		allocs := testing.AllocsPerRun(200, func() {
			if _, err := pop.Step(k); err != nil {
				t.Fatal(err)
			}
			k++
		})
		// the parallel path starts goroutines, which the runtime may
		// allocate the first time; serial Step allocates nothing.
		if c.workers == 1 && allocs != 0 {
			t.Errorf("%s: %v allocations per Step", c.p.Name, allocs)
		}
		if c.workers > 1 && allocs > 0 {
			t.Errorf("%s parallel: %v allocations per Step", c.p.Name, allocs)
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, p := range []Params{Generic(), Pyramidal()} {
		a := mustPop(t, 50, p, 0.1)
		run(t, a, 200)
		data, err := a.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		b := mustPop(t, 50, p, 0.1)
		if err := b.UnmarshalBinary(data); err != nil {
			t.Fatal(err)
		}
		sa, va := run(t, a, 200)
		sb, vb := run(t, b, 200)
		if !slices.Equal(sa, sb) || !slices.Equal(va, vb) {
			t.Errorf("%s: restored population diverges", p.Name)
		}
		if err := mustPop(t, 49, p, 0.1).UnmarshalBinary(data); !errors.Is(err, ErrBadState) {
			t.Errorf("wrong N: %v", err)
		}
		if err := b.UnmarshalBinary(data[:len(data)-1]); !errors.Is(err, ErrBadState) {
			t.Errorf("truncated: %v", err)
		}
		if err := b.UnmarshalBinary([]byte("nonsense")); !errors.Is(err, ErrBadState) {
			t.Errorf("garbage: %v", err)
		}
	}
	if err := mustPop(t, 50, Generic(), 0.1).UnmarshalBinary(func() []byte {
		d, _ := mustPop(t, 50, Pyramidal(), 0.1).MarshalBinary()
		return d
	}()); !errors.Is(err, ErrBadState) {
		t.Errorf("dendrite mismatch: %v", err)
	}
}

// Without a dendrite, distal inputs and IExtDist land on the soma; with
// one they are separate slices.
func TestInputsAndDendriteAliasing(t *testing.T) {
	lif := mustPop(t, 4, Generic(), 0.1)
	if &lif.Input(Distal, Excitatory)[0] != &lif.Input(Proximal, Excitatory)[0] || &lif.IExtDist[0] != &lif.IExt[0] {
		t.Error("no dendrite: distal slices are not the somatic ones")
	}
	pyr := mustPop(t, 4, Pyramidal(), 0.1)
	if &pyr.Input(Distal, Excitatory)[0] == &pyr.Input(Proximal, Excitatory)[0] || &pyr.IExtDist[0] == &pyr.IExt[0] {
		t.Error("dendrite: distal slices alias the somatic ones")
	}
	if pyr.OutputReceptor() != Excitatory || mustPop(t, 1, Interneuron(), 0.1).OutputReceptor() != Inhibitory {
		t.Error("OutputReceptor does not follow Dale's law")
	}
	// Step does not clear IExt
	lif.IExt[0] = 5
	lif.Step(0)
	if lif.IExt[0] != 5 {
		t.Error("Step cleared IExt")
	}
	// an inhibitory input hyperpolarises, in both synapse models
	for _, m := range []SynapseModel{CurrentExp, ConductanceExp} {
		p := Generic()
		p.Synapse.Model = m
		pop := mustPop(t, 1, p, 0.1)
		pop.Input(Proximal, Inhibitory)[0] = 10
		pop.Step(0)
		if !(pop.V[0] < p.EL) {
			t.Errorf("%v: inhibitory input gives V = %v ≥ EL", m, pop.V[0])
		}
	}
}

// Per-neuron bias and threshold: heterogeneous populations.
func TestHeterogeneousPopulation(t *testing.T) {
	p := Generic()
	pop, _ := NewPopulation("het", 3, p)
	pop.IBias[0], pop.IBias[1], pop.IBias[2] = 0, 200, 200
	pop.Theta0[2] = -45 // higher threshold: fires later
	if err := pop.Prepare(0.1); err != nil {
		t.Fatal(err)
	}
	first := []int64{-1, -1, -1}
	for k := range int64(2000) {
		sp, _ := pop.Step(k)
		for _, i := range sp {
			if first[i] < 0 {
				first[i] = k
			}
		}
	}
	if first[0] != -1 || first[1] < 0 || first[2] <= first[1] {
		t.Errorf("first spikes %v: want none, early, later", first)
	}
	pop.Theta0[1] = p.VReset - 1
	if err := pop.Prepare(0.1); err == nil {
		t.Error("Theta0 below VReset accepted")
	}
}
