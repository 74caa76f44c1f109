package fit

import (
	"math"
	"testing"
)

// SaturationField searches WSat relative to the adaptation current of the
// fixed increment at the given rate, after B and τw are set: moving B
// moves WSat with it, the start value is kept, and a B ≤ 0 turns the
// saturation off.
func TestSaturationFieldIsRelative(t *testing.T) {
	p0 := initialDefault() // B = 2·GL, τw = 100 ms
	const rate = 80.0      // Hz: τw·ν = 8
	p0.WSat = SaturationStart * p0.B * 8
	// the relative field is listed first but set last
	sp, err := newSpace(p0, []string{SaturationField, "B", "TauW"}, rate)
	if err != nil {
		t.Fatal(err)
	}
	if sp.fields[len(sp.fields)-1].name != SaturationField {
		t.Fatalf("fields %v: the relative field is not last", fieldNames(sp))
	}
	p, out := sp.params(make([]float64, 3))
	if out != 0 || math.Abs(p.WSat-p0.WSat) > 1e-9*p0.WSat {
		t.Fatalf("origin: WSat %v (out %v), want %v", p.WSat, out, p0.WSat)
	}
	x := []float64{1, 0, 0} // B one search unit (3·GL) up
	p, _ = sp.params(x)
	if want := SaturationStart * p.B * math.Max(1, p.TauW*rate/1000); p.B == p0.B || math.Abs(p.WSat-want) > 1e-9*want {
		t.Errorf("B %v → %v: WSat %v, want %v", p0.B, p.B, p.WSat, want)
	}
	x = []float64{0, 0, 1} // log R up by 0.5
	p, _ = sp.params(x)
	if want := p0.WSat * math.Exp(0.5); math.Abs(p.WSat-want) > 1e-9*want {
		t.Errorf("R × e^0.5: WSat %v, want %v", p.WSat, want)
	}
	x = []float64{-p0.B/(3*p0.GL) - 1, 0, 0} // B < 0
	p, _ = sp.params(x)
	if p.B >= 0 || p.WSat != 0 {
		t.Errorf("B %v: WSat %v, want 0", p.B, p.WSat)
	}
	if _, err := fieldSpec(SaturationField, p0, rate); err != nil {
		t.Error(err)
	}
}
