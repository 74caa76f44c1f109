package brain_test

// A connector, a spike source, a current source and a monitor written
// outside the package, as a notebook cell would write them, using only the
// exported extension points.

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// ringConnector connects cell i to the cells within Radius of it on a ring
// (distance |i − j| mod N), each with probability exp(−d²/2σ²), σ =
// Radius/2: a distance-dependent connector of the kind cortical models use.
type ringConnector struct{ Radius int }

func (c ringConnector) String() string { return fmt.Sprintf("ring{%d}", c.Radius) }

func (c ringConnector) Connect(b *brain.ConnBuilder) error {
	if b.NPre() != b.NPost() {
		return fmt.Errorf("ring: %d presynaptic and %d postsynaptic cells (need equal)", b.NPre(), b.NPost())
	}
	n, s := b.NPost(), float64(c.Radius)/2
	return b.RowsParallel(float64(n*c.Radius), func(i int, dst []uint32) []uint32 {
		r := b.RowRand(i)
		for j := range n {
			d := min((i-j+n)%n, (j-i+n)%n)
			if d == 0 || d > c.Radius {
				continue
			}
			if r.Float64() < math.Exp(-float64(d*d)/(2*s*s)) {
				dst = append(dst, uint32(j))
			}
		}
		return dst
	})
}

// jitterClock is a spike source: generator i fires about every PeriodMS,
// each interval jittered by a uniform ±JitterMS from its own stream. It
// carries state (random generators, next times), so it implements
// brain.Stateful.
type jitterClock struct {
	N                  int
	PeriodMS, JitterMS float64

	dt   float64
	pcg  []rand.PCG
	next []float64
}

func (s *jitterClock) Len() int           { return s.N }
func (s *jitterClock) SourceName() string { return "jitter clock" }
func (s *jitterClock) IsInhibitory() bool { return false }

func (s *jitterClock) Prepare(dt float64, st brain.Streams) error {
	if !(s.PeriodMS > 2*s.JitterMS) {
		return fmt.Errorf("jitterClock: PeriodMS = %v must exceed 2·JitterMS = %v", s.PeriodMS, 2*s.JitterMS)
	}
	s.dt = dt
	s.pcg = make([]rand.PCG, s.N)
	s.next = make([]float64, s.N)
	for i := range s.N {
		st.Seed(&s.pcg[i], i)
		s.next[i] = rand.New(&s.pcg[i]).Float64() * s.PeriodMS // random phase
	}
	return nil
}

func (s *jitterClock) Emit(step int64, dst []int32) []int32 {
	dst = dst[:0]
	end := float64(step+1) * s.dt
	for i := range s.N {
		for s.next[i] < end {
			dst = append(dst, int32(i))
			s.next[i] += s.PeriodMS + s.JitterMS*(2*rand.New(&s.pcg[i]).Float64()-1)
		}
	}
	return dst
}

func (s *jitterClock) SaveState(e *brain.StateEncoder) {
	for i := range s.pcg {
		e.PCG(&s.pcg[i])
	}
	e.Float64s(s.next)
}

func (s *jitterClock) RestoreState(d *brain.StateDecoder) error {
	for i := range s.pcg {
		d.PCG(&s.pcg[i])
	}
	d.Float64s(s.next)
	return d.Err()
}

// telegraph is a current source: every target switches between 0 and
// AmpPA at rate RateHz (a random telegraph signal), independently, from
// its own stream. Stateful.
type telegraph struct {
	AmpPA, RateHz float64

	p   float64 // switch probability per step
	on  []bool
	pcg []rand.PCG
}

func (c *telegraph) String() string { return fmt.Sprintf("telegraph{%v pA, %v Hz}", c.AmpPA, c.RateHz) }

func (c *telegraph) Validate() error {
	if !(c.RateHz > 0) {
		return fmt.Errorf("telegraph: RateHz = %v must be > 0", c.RateHz)
	}
	return nil
}

func (c *telegraph) Prepare(dt float64, st brain.Streams) error {
	c.p = -math.Expm1(-c.RateHz * dt / 1000)
	c.on = make([]bool, st.Len())
	c.pcg = make([]rand.PCG, st.Len())
	for k := range c.pcg {
		st.Seed(&c.pcg[k], k)
	}
	return nil
}

func (c *telegraph) Add(_ int64, _ float64, cells []int32, dst []float64) {
	for k, cell := range cells {
		if c.on[k] {
			dst[cell] += c.AmpPA
		}
		if rand.New(&c.pcg[k]).Float64() < c.p {
			c.on[k] = !c.on[k]
		}
	}
}

func (c *telegraph) SaveState(e *brain.StateEncoder) {
	e.Bools(c.on)
	for k := range c.pcg {
		e.PCG(&c.pcg[k])
	}
}

func (c *telegraph) RestoreState(d *brain.StateDecoder) error {
	d.Bools(c.on)
	for k := range c.pcg {
		d.PCG(&c.pcg[k])
	}
	return d.Err()
}

// spikeCounter is a monitor: it counts each population's spikes and keeps
// the largest V it sees.
type spikeCounter struct {
	counts []int
	maxV   float64
	steps  int64
	ended  int
}

func (m *spikeCounter) StartRun(v *brain.StepView, _ int64) error {
	if m.counts == nil {
		m.counts = make([]int, v.NumPopulations())
		m.maxV = math.Inf(-1)
	}
	return nil
}

func (m *spikeCounter) Observe(v *brain.StepView) error {
	for k := range v.NumPopulations() {
		m.counts[k] += len(v.Spikes(k))
		m.maxV = max(m.maxV, slices.Max(v.Population(k).V))
	}
	m.steps++
	return nil
}

func (m *spikeCounter) EndRun(*brain.StepView) error { m.ended++; return nil }

// userNetwork builds a ring network of 600 LIF cells driven by the user's
// source and current source through the user's connector.
func userNetwork(t testing.TB, seed uint64, workers int) (*brain.Network, *brain.SpikeRecorder, *spikeCounter) {
	t.Helper()
	net := brain.NewNetwork(0.1, seed)
	net.Workers = workers
	p := brain.Generic()
	pop, err := brain.NewPopulation("ring", 600, p)
	if err != nil {
		t.Fatal(err)
	}
	clock := &jitterClock{N: 200, PeriodMS: 25, JitterMS: 5}
	d := brain.Const(1)
	if _, err := net.ConnectSource(clock, pop, brain.FixedInDegree{K: 20}, brain.SynapseSpec{Weight: brain.Const(40), Delay: d}); err != nil {
		t.Fatal(err)
	}
	if _, err := net.Connect(pop, pop, ringConnector{Radius: 10}, brain.SynapseSpec{Weight: brain.Const(25), Delay: brain.Uniform(1, 3)}); err != nil {
		t.Fatal(err)
	}
	if err := net.Inject(pop, nil, brain.Proximal, &telegraph{AmpPA: 150, RateHz: 20}); err != nil {
		t.Fatal(err)
	}
	rec, err := net.RecordSpikes(pop)
	if err != nil {
		t.Fatal(err)
	}
	mon := &spikeCounter{}
	if err := net.AddMonitor(mon); err != nil {
		t.Fatal(err)
	}
	return net, rec, mon
}

func spikePairs(r *brain.SpikeRecorder) ([]int32, []int32) {
	s, n := r.Spikes()
	return slices.Clone(s), slices.Clone(n)
}

// TestUserConnectorSourceCurrent: the user's connector, source, current
// source and monitor run inside a network; the wiring follows the
// connector's rule; spikes are identical for GOMAXPROCS 1, 2, 8 and any
// worker count; save/restore is bit-exact.
func TestUserConnectorSourceCurrent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	ctx := context.Background()
	var refSteps, refNeurons []int32
	for _, c := range []struct{ procs, workers int }{{1, 1}, {2, 2}, {8, 8}, {8, 3}, {2, 0}} {
		runtime.GOMAXPROCS(c.procs)
		net, rec, mon := userNetwork(t, 7, c.workers)
		if err := net.Run(ctx, 300, nil); err != nil {
			t.Fatal(err)
		}
		steps, neurons := spikePairs(rec)
		if refSteps == nil {
			refSteps, refNeurons = steps, neurons
			// The network is driven: the rate is in a sensible range.
			rate := float64(len(neurons)) / 600 / 0.3
			if rate < 1 || rate > 100 {
				t.Errorf("rate %.1f Hz: want 1–100 Hz (is the user input reaching the cells?)", rate)
			}
			// The monitor saw every spike and every step.
			if mon.counts[0] != len(neurons) || mon.steps != 3000 || mon.ended != 1 {
				t.Errorf("monitor: %d spikes in %d steps, %d ends; recorder %d spikes in 3000 steps, 1 run", mon.counts[0], mon.steps, mon.ended, len(neurons))
			}
			if !(mon.maxV < brain.Generic().VT) {
				t.Errorf("monitor: max recorded V %.2f mV ≥ threshold (state read after reset)", mon.maxV)
			}
			// The connector's rule: targets within the radius, never self,
			// about Σ exp(−d²/2σ²) per row (2·Σ_{d=1}^{10} e^{−d²/50} = 11.09;
			// the mean of 600 rows has a standard error of about 0.08).
			proj := net.Projections()[1]
			for i := range 600 {
				lo, hi := proj.Row(i)
				for _, j := range proj.Targets()[lo:hi] {
					d := min((i-int(j)+600)%600, (int(j)-i+600)%600)
					if d == 0 || d > 10 {
						t.Fatalf("synapse %d→%d: ring distance %d outside 1…10", i, j, d)
					}
				}
			}
			if k := float64(proj.NumSynapses()) / 600; math.Abs(k-11.09) > 0.3 {
				t.Errorf("ring connector: %.2f synapses per cell, want 11.09 ± 0.3", k)
			}
			continue
		}
		if !slices.Equal(steps, refSteps) || !slices.Equal(neurons, refNeurons) {
			t.Errorf("GOMAXPROCS %d, Workers %d: %d spikes differ from the serial run's %d", c.procs, c.workers, len(neurons), len(refNeurons))
		}
	}
	// Checkpoint: run(150) + save + restore into a fresh network + run(150)
	// equals run(300).
	runtime.GOMAXPROCS(2)
	first, _, _ := userNetwork(t, 7, 0)
	if err := first.Run(ctx, 150, nil); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := first.Save(&buf); err != nil {
		t.Fatal(err)
	}
	second, rec, _ := userNetwork(t, 7, 0)
	if err := second.Restore(&buf); err != nil {
		t.Fatal(err)
	}
	if err := second.Run(ctx, 150, nil); err != nil {
		t.Fatal(err)
	}
	steps, neurons := spikePairs(rec)
	k := 0
	for k < len(refSteps) && refSteps[k] < 1500 {
		k++
	}
	if !slices.Equal(steps, refSteps[k:]) || !slices.Equal(neurons, refNeurons[k:]) {
		t.Errorf("restored run: %d spikes in the second half, want the uninterrupted run's %d", len(neurons), len(refNeurons)-k)
	}
}

// failingMonitor stops a run with an error.
type failingMonitor struct{ at int64 }

func (m failingMonitor) Observe(v *brain.StepView) error {
	if v.Step() == m.at {
		return fmt.Errorf("disk full")
	}
	return nil
}

// TestUserExtensionErrors: bad user components give errors from Build or
// Run that name them, never a panic.
func TestUserExtensionErrors(t *testing.T) {
	ctx := context.Background()
	pop := func() *brain.Population {
		p, _ := brain.NewPopulation("p", 10, brain.Generic())
		return p
	}
	net := brain.NewNetwork(0.1, 1)
	if _, err := net.ConnectSource(&jitterClock{N: 10, PeriodMS: 1, JitterMS: 1}, pop(), brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1)}); err != nil {
		t.Fatal(err)
	}
	if err := net.Build(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("PeriodMS")) {
		t.Errorf("bad source parameters: err = %v, want one naming PeriodMS", err)
	}
	net = brain.NewNetwork(0.1, 1)
	a := pop()
	b, err := brain.NewPopulation("b", 11, brain.Generic())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := net.Connect(a, b, ringConnector{Radius: 2}, brain.SynapseSpec{Weight: brain.Const(1)}); err != nil {
		t.Fatal(err)
	}
	if err := net.Build(); err == nil || !bytes.Contains([]byte(err.Error()), []byte("ring")) {
		t.Errorf("bad connector use: err = %v, want one naming the projection's connector", err)
	}
	net = brain.NewNetwork(0.1, 1)
	if err := net.Inject(pop(), nil, brain.Proximal, &telegraph{AmpPA: 1}); err == nil {
		t.Error("telegraph with RateHz 0: Inject accepted it")
	}
	net = brain.NewNetwork(0.1, 1)
	if err := net.AddPopulation(pop()); err != nil {
		t.Fatal(err)
	}
	if err := net.AddMonitor(failingMonitor{at: 42}); err != nil {
		t.Fatal(err)
	}
	err = net.Run(ctx, 10, nil)
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("disk full")) || net.Step() != 43 {
		t.Errorf("failing monitor: err = %v after %d steps, want the monitor's error after step 42 (43 steps)", err, net.Step())
	}
}
