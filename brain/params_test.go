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
			if dt > 0 && !math.IsInf(dt, 0) {
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
