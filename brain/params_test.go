package brain

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestValidateNamesFieldAndValue(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		field string
		edit  func(*Params)
		value string
	}{
		{"C", func(p *Params) { p.C = -1 }, "-1"},
		{"C", func(p *Params) { p.C = 0 }, "0"},
		{"C", func(p *Params) { p.C = nan }, "NaN"},
		{"GL", func(p *Params) { p.GL = inf }, "+Inf"},
		{"GL", func(p *Params) { p.GL = -3 }, "-3"},
		{"EL", func(p *Params) { p.EL = nan }, "NaN"},
		{"DeltaT", func(p *Params) { p.DeltaT = -2 }, "-2"},
		{"VPeak", func(p *Params) { p.VPeak = p.VT - 1 }, ""},
		{"VReset", func(p *Params) { p.VReset = p.VPeak + 1 }, ""},
		{"TRef", func(p *Params) { p.TRef = -0.5 }, "-0.5"},
		{"TauW", func(p *Params) { p.TauW = -144 }, "-144"},
		{"TauW", func(p *Params) { p.TauW = 0 }, "0"},
		{"Gc", func(p *Params) { p.Gc = -1 }, "-1"},
		{"Cd", func(p *Params) { p.Cd = 0 }, "0"},
		{"Cd", func(p *Params) { p.Cd = -5 }, "-5"},
		{"GLd", func(p *Params) { p.GLd = -5 }, "-5"},
		{"TauTheta", func(p *Params) { p.DeltaTheta, p.TauTheta = 1, 0 }, "0"},
		{"TauTheta", func(p *Params) { p.TauTheta = -1 }, "-1"},
		{"TauTheta2", func(p *Params) { p.DeltaTheta2, p.TauTheta2 = 3, 0 }, "0"},
		{"TauTheta2", func(p *Params) { p.TauTheta2 = -2 }, "-2"},
		{"DeltaTheta2", func(p *Params) { p.DeltaTheta2, p.TauTheta2 = nan, 5 }, "NaN"},
		{"DeltaTheta2", func(p *Params) { p.DeltaTheta2, p.TauTheta2 = 2000, 5 }, "2000"},
		{"WSat", func(p *Params) { p.WSat = -10 }, "-10"},
		{"WSat", func(p *Params) { p.WSat = inf }, "+Inf"},
		{"TauVar", func(p *Params) { p.TauVar = -1 }, "-1"},
		{"ThetaPerSD", func(p *Params) { p.ThetaPerSD = -1 }, "-1"},
		{"ThetaDropMax", func(p *Params) { p.ThetaDropMax = -1 }, "-1"},
		{"IBias", func(p *Params) { p.IBias = nan }, "NaN"},
		{"Efficacy", func(p *Params) { p.Efficacy = -1 }, "-1"},
		{"Synapse.TauE", func(p *Params) { p.Synapse.TauE = 0 }, "0"},
		{"Synapse.TauI", func(p *Params) { p.Synapse.TauI = -10 }, "-10"},
		{"Synapse.EE", func(p *Params) { p.Synapse.EE = inf }, "+Inf"},
		{"Synapse.Model", func(p *Params) { p.Synapse.Model = 7 }, "7"},
	}
	for _, c := range cases {
		p := Pyramidal()
		c.edit(&p)
		err := p.Validate()
		if err == nil {
			t.Errorf("%s: no error", c.field)
			continue
		}
		var pe *ParamError
		if !errors.As(err, &pe) || pe.Field != c.field {
			t.Errorf("%s: error %v does not name the field", c.field, err)
		}
		if !errors.Is(err, ErrInvalidParams) {
			t.Errorf("%s: error does not wrap ErrInvalidParams", c.field)
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, "brain: ") || !strings.Contains(msg, c.field+" = "+c.value) {
			t.Errorf("%s: message %q lacks %q", c.field, msg, c.field+" = "+c.value)
		}
	}
	// ΔT = 0 needs VReset below the hard threshold
	p := Generic()
	p.VReset = p.VT
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "VReset") {
		t.Errorf("VReset = VT with ΔT = 0: %v", err)
	}
}

func TestParamsDerived(t *testing.T) {
	p := Pyramidal()
	if got, want := p.TauM(), 281.0/30; got != want {
		t.Errorf("TauM = %v, want %v", got, want)
	}
	q := Generic()
	if got := q.Rheobase(); got != 100 { // GL·(θ − EL) = 10 nS · 10 mV
		t.Errorf("LIF rheobase %v pA, want 100", got)
	}
	if got := q.Attenuation(); got != 1 {
		t.Errorf("Attenuation without dendrite = %v, want 1", got)
	}
	// AdEx rheobase with a = 0: GL·(VT − EL − ΔT)
	r := Sensory()
	if got, want := r.Rheobase(), 10*(-50+70-2.0); math.Abs(got-want) > 1e-12 {
		t.Errorf("AdEx rheobase %v, want %v", got, want)
	}
}

// FuzzParamsValidate: Validate never panics; whatever it accepts builds,
// prepares and steps without panicking, returning either spikes or a
// *BlowUpError.
func FuzzParamsValidate(f *testing.F) {
	f.Add(281.0, 30.0, -70.6, -50.4, 2.0, 20.0, -70.6, 2.0, 4.0, 80.5, 144.0, 30.0, 30.0, 1.0, 0.1, 1500.0)
	f.Add(200.0, 10.0, -60.0, -50.0, 0.0, 0.0, -60.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 200.0)
	f.Add(-1.0, 10.0, -60.0, -50.0, 0.0, 0.0, -60.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.0)
	f.Add(200.0, 10.0, math.NaN(), -50.0, 2.0, 0.0, -60.0, 5.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(1e-300, 1e300, -60.0, -50.0, 50.0, 1e300, -1e300, 0.0, 1e300, 1e300, 1e-300, 1e-300, 1e300, 1e300, 1e-300, 1e300)
	f.Add(200.0, 10.0, -60.0, -50.0, 2.0, 0.0, -60.0, 0.0, -1e3, 0.0, 1.0, 1.0, 0.1, 0.0, 10.0, 1e9)
	f.Fuzz(func(t *testing.T, c, gl, el, vt, dT, vpeak, vr, tref, a, b, tw, gc, gld, dth, dt, iext float64) {
		p := Params{Name: "fuzz", C: c, GL: gl, EL: el, VT: vt, DeltaT: dT, VPeak: vpeak, VReset: vr,
			TRef: tref, A: a, B: b, TauW: tw, Cd: c, GLd: gld, Gc: gc, DeltaTheta: dth, TauTheta: tw,
			Efficacy: 1, Synapse: defaultSynapse()}
		err := p.Validate()
		pop, perr := NewPopulation("fuzz", 2, p)
		if (err == nil) != (perr == nil) {
			t.Fatalf("Validate %v but NewPopulation %v", err, perr)
		}
		if perr != nil {
			return
		}
		if err := pop.Prepare(dt); err != nil {
			if dt > 0 && !math.IsInf(dt, 0) && !strings.Contains(err.Error(), "substeps per step") {
				t.Fatalf("Prepare(%v): %v", dt, err)
			}
			return
		}
		for k := range int64(20) {
			pop.IExt[0], pop.IExt[1] = iext, -iext
			if _, err := pop.Step(k); err != nil {
				var be *BlowUpError
				if !errors.As(err, &be) {
					t.Fatalf("Step: unexpected error %v", err)
				}
				return
			}
		}
	})
}

// fixedPoint returns the resting state (V, Vd, W) of p under a constant
// somatic current I on the lower branch of the steady-state I–V curve
// (bisection), or ok = false if there is none.
func fixedPoint(p Params, I float64) (v, vd, w float64, ok bool) {
	g := p.GL
	if p.Gc > 0 {
		g += p.Gc * p.GLd / (p.Gc + p.GLd)
	}
	f := func(v float64) float64 { // steady-state I–V curve
		return (g+p.A)*(v-p.EL) - p.GL*p.DeltaT*math.Exp((v-p.VT)/p.DeltaT)
	}
	lo, hi := p.EL-100, p.VT+p.DeltaT*math.Log((g+p.A)/p.GL) // hi: the maximum of f
	if f(hi) < I {
		return 0, 0, 0, false
	}
	for range 200 {
		m := (lo + hi) / 2
		if f(m) < I {
			lo = m
		} else {
			hi = m
		}
	}
	v = (lo + hi) / 2
	vd = p.EL
	if p.Gc > 0 {
		vd = p.EL + p.Gc/(p.Gc+p.GLd)*(v-p.EL)
	}
	return v, vd, p.A * (v - p.EL), true
}

// stepRheobase is the smallest constant current (pA, to 0.05 pA) that makes
// p fire within durMS of a step from rest (bisection on simulations).
func stepRheobase(t *testing.T, p Params, durMS float64) float64 {
	n := int(durMS / 0.1)
	lo, hi := 0.0, 4*p.Rheobase()
	for hi-lo > 0.05 {
		m := (lo + hi) / 2
		sp, _, err := SimulateCurrent(p, 0.1, ConstantCurrent(n, m), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sp) > 0 {
			hi = m
		} else {
			lo = m
		}
	}
	return (lo + hi) / 2
}

// Rheobase is where rest loses stability, the dendrite's load and the
// adaptation included: started at the steady state of 0.99·Rheobase (plus
// 1e-3 mV) a cell returns to it; at 1.01·Rheobase the steady state is
// unstable or gone and the cell fires. Pyramidal (dendrite, A·τw > C: a
// Hopf point just below the saddle-node), the same soma without dendrite
// (Hopf at exp((V−VT)/ΔT) = 1 + τm/τw), Interneuron (Hopf), Purkinje and
// Motor (A = 0: saddle-node), and an adaptive cell with a weak a
// (A·τw < C: saddle-node).
func TestRheobaseIsWhereRestIsLost(t *testing.T) {
	noDend := Pyramidal()
	noDend.Gc, noDend.Name = 0, "pyramidal without dendrite"
	weak := Pyramidal()
	weak.A, weak.Name = 1, "pyramidal, A = 1 nS"
	for _, p := range []Params{Pyramidal(), noDend, Interneuron(), Purkinje(), Motor(), weak} {
		p.IBias = 0
		irh := p.Rheobase()
		for _, f := range []float64{0.99, 1.01} {
			I := f * irh
			pop := mustPop(t, 1, p, 0.1)
			v0, vd0, w0, ok := fixedPoint(p, I)
			if ok {
				pop.V[0], pop.Vd[0], pop.W[0] = v0+1e-3, vd0, w0
			}
			spikes := 0
			for k := range int64(50000) { // 5 s
				pop.IExt[0] = I
				sp, err := pop.Step(k)
				if err != nil {
					t.Fatal(err)
				}
				spikes += len(sp)
			}
			if f < 1 && (!ok || spikes > 0 || math.Abs(pop.V[0]-v0) > 1e-3) {
				t.Errorf("%s: at 0.99·Rheobase = %.1f pA rest is not stable (%d spikes, V − V* = %.2g mV)", p.Name, I, spikes, pop.V[0]-v0)
			}
			if f > 1 && spikes == 0 {
				t.Errorf("%s: at 1.01·Rheobase = %.1f pA no spike in 5 s", p.Name, I)
			}
		}
	}
	// the dendrite loads the soma: Pyramidal's rheobase is (G + A)·(…) with
	// G = GL + Gc·GLd/(Gc+GLd) = 45 nS; the Hopf point lies 0.05 pA below
	// the saddle-node (939.88 pA)
	if got := Pyramidal().Rheobase(); math.Abs(got-939.83) > 0.01 {
		t.Errorf("Pyramidal().Rheobase() = %.3f pA, want 939.83", got)
	}
}

// A current step from rest fires a cell with slow adaptation below
// Rheobase (w lags behind V), but not below the rheobase with w held at 0,
// G·(VT − EL − ΔT + ΔT·ln(G/GL)). Without subthreshold adaptation (A = 0)
// the step rheobase is Rheobase.
func TestStepRheobase(t *testing.T) {
	for _, p := range []Params{Pyramidal(), Interneuron(), Purkinje(), Motor()} {
		p.IBias = 0
		g := p.GL
		if p.Gc > 0 {
			g += p.Gc * p.GLd / (p.Gc + p.GLd)
		}
		fast := g * (p.VT - p.EL - p.DeltaT + p.DeltaT*math.Log(g/p.GL))
		got := stepRheobase(t, p, 5000)
		if p.A == 0 {
			if math.Abs(got-p.Rheobase()) > 0.001*p.Rheobase() {
				t.Errorf("%s: step rheobase %.2f pA, Rheobase %.2f pA", p.Name, got, p.Rheobase())
			}
			continue
		}
		if !(got > fast && got < p.Rheobase()) {
			t.Errorf("%s: step rheobase %.2f pA outside (%.2f, %.2f) pA", p.Name, got, fast, p.Rheobase())
		}
		t.Logf("%-11s step rheobase %.1f pA in (%.1f, %.1f)", p.Name, got, fast, p.Rheobase())
	}
}
