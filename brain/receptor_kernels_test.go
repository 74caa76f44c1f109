package brain_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// kernelCase is one receptor kernel with the closed form of the current
// it drives at a fixed membrane potential, per unit weight.
type kernelCase struct {
	name  string
	k     brain.RiseDecayKernel
	tr    float64 // rise (ms); == td for alpha
	td    float64
	drive func(v float64) float64 // current per unit g at v
}

func kernelCases() []kernelCase {
	one := func(float64) float64 { return 1 }
	return []kernelCase{
		{"AlphaCurrent τ=2", &brain.AlphaCurrent{TauMS: 2}, 2, 2, one},
		{"AlphaConductance τ=0.5 E=0", &brain.AlphaConductance{TauMS: 0.5, EMV: 0}, 0.5, 0.5, func(v float64) float64 { return -v }},
		{"DualExpCurrent 1/5", &brain.DualExpCurrent{TauRiseMS: 1, TauDecayMS: 5}, 1, 5, one},
		{"AMPA", brain.AMPAReceptor(), 0.5, 2.4, func(v float64) float64 { return 0 - v }},
		{"GABA_A", brain.GABAAReceptor(), 1, 7, func(v float64) float64 { return -70 - v }},
		{"GABA_B", brain.GABABReceptor(), 60, 200, func(v float64) float64 { return -90 - v }},
		// Jahr & Stevens (1990): B(V) = 1/(1 + [Mg]/3.57·exp(−0.062·V)), 1 mM.
		{"NMDA", brain.NMDAReceptor(), 4, 40, func(v float64) float64 { return (0 - v) / (1 + math.Exp(-0.062*v)/3.57) }},
	}
}

// TestRiseDecayKernelsClosedForm: one spike of weight w into x at t = 0;
// the current each kernel adds during step n equals w·shape(n·dt)·drive(V)
// (the closed form, DualExpShape) to 1e-12 relative to the peak, for
// several dt and membrane potentials: the propagators are exact.
func TestRiseDecayKernelsClosedForm(t *testing.T) {
	for _, c := range kernelCases() {
		for _, dt := range []float64{0.025, 0.1, 0.3} {
			for _, vm := range []float64{-80, -55, -20, 10} {
				if err := c.k.Prepare(dt); err != nil {
					t.Fatal(err)
				}
				const w = 2.5
				x, g, v, i := []float64{w}, []float64{0}, []float64{vm}, []float64{0}
				steps := int(math.Ceil(5 * c.td / dt))
				worst := 0.0
				for n := range steps {
					i[0] = 0
					c.k.Current(x, g, v, i)
					want := w * brain.DualExpShape(c.tr, c.td, float64(n)*dt) * c.drive(vm)
					worst = max(worst, math.Abs(i[0]-want)/(w*math.Abs(c.drive(vm))))
				}
				if worst > 1e-12 {
					t.Errorf("%s dt=%v V=%v: worst relative error %.3g > 1e-12", c.name, dt, vm, worst)
				}
			}
		}
	}
}

// TestKernelPeak: the normalisation. The closed form peaks at exactly 1 at
// t = τ (alpha) or τrτd/(τd−τr)·ln(τd/τr) (dual exponential), and the
// discrete g of a spike of weight w never exceeds w and reaches w when a
// step lands on the peak time.
func TestKernelPeak(t *testing.T) {
	for _, c := range kernelCases() {
		tp := c.td
		if c.tr != c.td {
			tp = brain.DualExpPeakMS(c.tr, c.td)
			want := c.tr * c.td / (c.td - c.tr) * math.Log(c.td/c.tr)
			if math.Abs(tp-want) > 1e-12*want {
				t.Errorf("%s: DualExpPeakMS = %v, want %v", c.name, tp, want)
			}
		}
		if p := brain.DualExpShape(c.tr, c.td, tp); math.Abs(p-1) > 1e-12 {
			t.Errorf("%s: shape at the peak time %v ms = %v, want 1", c.name, tp, p)
		}
		for _, e := range []float64{1e-3, -1e-3} {
			if brain.DualExpShape(c.tr, c.td, tp*(1+e)) >= 1 {
				t.Errorf("%s: shape at %v ms ≥ its value at the peak %v ms", c.name, tp*(1+e), tp)
			}
		}
		// A step of tp/200 lands on the peak at step 200.
		dt := tp / 200
		if err := c.k.Prepare(dt); err != nil {
			t.Fatal(err)
		}
		const w = 3.0
		x, g, v, i := []float64{w}, []float64{0}, []float64{0}, []float64{0}
		gmax, nmax := 0.0, 0
		for n := 1; n <= 1000; n++ {
			c.k.Current(x, g, v, i)
			if g[0] > gmax {
				gmax, nmax = g[0], n
			}
		}
		if nmax != 200 || math.Abs(gmax-w) > 1e-12*w {
			t.Errorf("%s: discrete peak %v at step %d, want %v at step 200", c.name, gmax, nmax, w)
		}
	}
}

func TestMgBlock(t *testing.T) {
	for _, c := range []struct{ v, mg, want float64 }{
		// 1/(1 + mg/3.57·e^(−0.062·V)), evaluated independently.
		{-70, 1, 1 / (1 + 76.7075393/3.57)},
		{0, 1, 1 / (1 + 1/3.57)},
		{-70, 0, 1},
		{-20, 2, 1 / (1 + 2*3.4556135/3.57)},
	} {
		if got := brain.MgBlock(c.v, c.mg); math.Abs(got-c.want) > 1e-6*c.want {
			t.Errorf("MgBlock(%v, %v) = %v, want %v", c.v, c.mg, got, c.want)
		}
	}
	// The block is relieved by depolarisation: B rises monotonically.
	prev := 0.0
	for v := -100.0; v <= 40; v += 5 {
		b := brain.MgBlock(v, 1)
		if !(b > prev) {
			t.Fatalf("MgBlock not increasing at %v mV", v)
		}
		prev = b
	}
}

func TestKernelValidation(t *testing.T) {
	for _, k := range []brain.RiseDecayKernel{
		&brain.AlphaCurrent{}, &brain.AlphaConductance{TauMS: 1, EMV: math.NaN()},
		&brain.DualExpCurrent{TauRiseMS: 5, TauDecayMS: 1}, &brain.DualExpCurrent{TauRiseMS: 1, TauDecayMS: math.Inf(1)},
		&brain.DualExpConductance{TauRiseMS: 1, TauDecayMS: 5, MgMM: -1},
	} {
		if err := k.Prepare(0.1); err == nil {
			t.Errorf("%#v: Prepare accepted bad parameters", k)
		}
	}
}

// passive is a user model: a passive membrane (C = 250 pF, τm = 10 ms,
// rest 0 mV) driven by IExt and one current kernel; the first-order ExpCurrent
// (ReceptorKernel) when exp is set, else the RiseDecayKernel k.
type passive struct {
	k   brain.RiseDecayKernel
	exp *brain.ExpCurrent
	dt  float64
}

func (m *passive) Vars() []brain.Var {
	return []brain.Var{{Name: "V", Unit: "mV"}, {Name: "x", Unit: "pA"}, {Name: "g", Unit: "pA"}, {Name: "I", Unit: "pA"}}
}
func (m *passive) Prepare(dt float64, _ *brain.State) error {
	m.dt = dt
	if m.exp != nil {
		return m.exp.Prepare(dt)
	}
	return m.k.Prepare(dt)
}
func (m *passive) Step(s *brain.State, lo, hi int, _ int64, dst []int32) []int32 {
	v, x, g, I := s.Var(0)[lo:hi], s.Var(1)[lo:hi], s.Var(2)[lo:hi], s.Var(3)[lo:hi]
	in := s.Input(brain.Excitatory)[lo:hi]
	copy(I, s.IExt()[lo:hi])
	if m.exp != nil {
		m.exp.Current(in, v, I) // the input is the exponential's state
	} else {
		for k := range in {
			x[k] += in[k]
			in[k] = 0
		}
		m.k.Current(x, g, v, I)
	}
	// Exact exponential integration of the membrane for the step's current.
	p := math.Exp(-m.dt / 10)
	for k := range v {
		v[k] = v[k]*p + I[k]/250*10*(1-p)
	}
	return dst
}

// pspClosedForm is V(t) of the passive membrane (τm = 10 ms, C = 250 pF)
// for the synaptic current w·shape(t): for shape = e^(−t/τ),
// V = w/C·(e^(−t/τ) − e^(−t/τm))/(1/τm − 1/τ); the dual exponential is a
// difference of two such terms; the alpha current w·(e/τ)·t·e^(−t/τ) gives
// w·e/(Cτ)·e^(−t/τm)·(e^(kt)(kt − 1) + 1)/k² with k = 1/τm − 1/τ.
func pspClosedForm(tr, td, w, t float64) float64 {
	const tm, c = 10.0, 250.0
	expPSP := func(tau float64) float64 {
		return w / c * (math.Exp(-t/tau) - math.Exp(-t/tm)) / (1/tm - 1/tau)
	}
	switch {
	case tr == 0: // exponential
		return expPSP(td)
	case tr == td:
		k := 1/tm - 1/td
		return w * math.E / (c * td) * math.Exp(-t/tm) * (math.Exp(k*t)*(k*t-1) + 1) / (k * k)
	}
	tp := brain.DualExpPeakMS(tr, td)
	n := 1 / (math.Exp(-tp/td) - math.Exp(-tp/tr))
	return n * (expPSP(td) - expPSP(tr))
}

// TestPSPClosedForm: the PSP of a passive membrane driven by each current
// kernel, simulated through a Network (a spike source, one synapse), lies
// within 0.5 % of the peak of the closed-form PSP at dt = 0.01 ms, and the
// error is first order in dt (halving dt halves it, ratio in [1.8, 2.2]):
// the kernels are exact, the remaining error is the membrane's
// step-start current.
func TestPSPClosedForm(t *testing.T) {
	cases := []struct {
		name   string
		tr, td float64
		model  func() *passive
	}{
		{"exp τ=3", 0, 3, func() *passive { return &passive{exp: &brain.ExpCurrent{TauMS: 3}} }},
		{"alpha τ=2", 2, 2, func() *passive { return &passive{k: &brain.AlphaCurrent{TauMS: 2}} }},
		{"dual-exp 1/5", 1, 5, func() *passive { return &passive{k: &brain.DualExpCurrent{TauRiseMS: 1, TauDecayMS: 5}} }},
	}
	const w, tSpike = 100.0, 1.0 // pA; the spike arrives at t = 1 ms (delay 1 step after the source fires at 1 − dt)
	for _, c := range cases {
		var errs [2]float64
		for k, dt := range []float64{0.01, 0.005} {
			net := brain.NewNetwork(dt, 1)
			pop, err := brain.NewModelPopulation("cell", 1, c.model())
			if err != nil {
				t.Fatal(err)
			}
			src, err := brain.NewSpikeSourceArray("in", [][]float64{{tSpike - dt}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := net.ConnectSource(src, pop, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(w), Delay: brain.Const(dt)}); err != nil {
				t.Fatal(err)
			}
			rec, err := net.RecordState(pop, []int{0}, []string{"V"}, 1)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Run(t.Context(), 40, nil); err != nil {
				t.Fatal(err)
			}
			vs, err := rec.Trace(0, "V")
			if err != nil {
				t.Fatal(err)
			}
			peak, worst := 0.0, 0.0
			for n, v := range vs {
				tt := rec.Times()[n] - tSpike
				want := 0.0
				if tt > 1e-9 {
					want = pspClosedForm(c.tr, c.td, w, tt)
				}
				peak = max(peak, want)
				worst = max(worst, math.Abs(v-want))
			}
			errs[k] = worst / peak
		}
		if errs[0] > 5e-3 {
			t.Errorf("%s: PSP error %.3g of the peak at dt = 0.01 ms > 0.5 %%", c.name, errs[0])
		}
		if r := errs[0] / errs[1]; r < 1.8 || r > 2.2 {
			t.Errorf("%s: error ratio dt=0.01/dt=0.005 = %.3g, want first order (≈ 2)", c.name, r)
		}
		fmt.Printf("%s: PSP error %.3g (dt 0.01), %.3g (dt 0.005) of the peak\n", c.name, errs[0], errs[1])
	}
}
