package validate_test

import (
	"errors"
	"math"
	"testing"

	"github.com/neuron-sim/neuron/brain/fit/validate"
	"github.com/neuron-sim/neuron/brain/reference"
)

// The held-out protocols share no variant and no noise seed with the
// tuning protocols; each cell and regime has its share; the regimes are
// what their σ/μ says.
func TestFamilySplit(t *testing.T) {
	ps := validate.Family(2, 2)
	seen := map[string]bool{}
	type key struct {
		split, cell, regime string
	}
	count := map[key]int{}
	khz2 := map[key]bool{}
	tuneVar, tuneSeed := map[int]bool{}, map[uint64]bool{}
	for _, p := range ps {
		if seen[p.ID] {
			t.Errorf("duplicate id %s", p.ID)
		}
		seen[p.ID] = true
		count[key{p.Split, p.Cell, p.Regime}]++
		if p.VoltageKHz == 2 {
			khz2[key{p.Split, p.Cell, p.Regime}] = true
		}
		if p.Split == validate.Tuning {
			tuneVar[p.Variant], tuneSeed[p.Seed] = true, true
		}
		fluct := p.MuOverSigma == 0 || 1/p.MuOverSigma >= 1
		if fluct != (p.Regime == validate.Fluctuation) {
			t.Errorf("%s: σ/μ = 1/%.3g in regime %s", p.ID, p.MuOverSigma, p.Regime)
		}
		if p.RateHz < 3 || p.RateHz > 30 || p.TrainS < 5 || p.TrainS > 20 {
			t.Errorf("%s: rate %v Hz, training %v s outside the family", p.ID, p.RateHz, p.TrainS)
		}
	}
	for _, p := range ps {
		if p.Split == validate.HeldOut && (tuneVar[p.Variant] || tuneSeed[p.Seed]) {
			t.Errorf("held-out %s shares variant %d or seed %d with the tuning set", p.ID, p.Variant, p.Seed)
		}
	}
	for _, cell := range validate.Cells {
		for _, r := range []string{validate.Fluctuation, validate.Mean} {
			if n := count[key{validate.Tuning, cell, r}]; n != 2 {
				t.Errorf("%s %s: %d tuning protocols, want 2", cell, r, n)
			}
			if n := count[key{validate.HeldOut, cell, r}]; n != 5 {
				t.Errorf("%s %s: %d held-out protocols, want 2 drawn + 3 issue protocols", cell, r, n)
			}
			if !khz2[key{validate.HeldOut, cell, r}] {
				t.Errorf("%s %s: no held-out protocol with the voltage at 2 kHz", cell, r)
			}
		}
	}
}

// A larger family keeps the protocols of a smaller one: the first n
// draws of every cell and regime do not depend on how many follow.
func TestFamilyPrefix(t *testing.T) {
	small := map[string]validate.Protocol{}
	for _, p := range validate.Family(1, 2) {
		small[p.ID] = p
	}
	n := 0
	for _, p := range validate.Family(3, 5) {
		if q, ok := small[p.ID]; ok {
			n++
			if q != p {
				t.Errorf("%s: %+v in the small family, %+v in the large one", p.ID, q, p)
			}
		}
	}
	if n != len(small) {
		t.Errorf("%d of the %d small-family protocols in the large family", n, len(small))
	}
}

func TestVariant(t *testing.T) {
	p0, f0, err := validate.Variant("RS", 0)
	if err != nil || len(f0) != 0 || p0 != reference.RS() {
		t.Fatalf("variant 0 = %+v, %v, %v; want the published RS", p0, f0, err)
	}
	ib := reference.IB()
	for v := 1; v < 40; v++ {
		p, f, err := validate.Variant("IB", v)
		if err != nil {
			t.Fatal(err)
		}
		if len(f) != 5 {
			t.Fatalf("IB variant %d perturbs %d conductances, want 5", v, len(f))
		}
		for name, x := range f {
			if x < 0.8 || x > 1.2 {
				t.Errorf("variant %d: %s × %.3f outside [0.8, 1.2]", v, name, x)
			}
		}
		if math.Abs(p.GL/ib.GL-f["gL"]) > 1e-12 || math.Abs(p.GLeak/ib.GLeak-f["gleak"]) > 1e-12 {
			t.Errorf("variant %d: factors %v not applied: %+v", v, f, p)
		}
	}
	if _, f, _ := validate.Variant("FS", 3); f["gM"] != 0 || f["gL"] != 0 {
		t.Errorf("FS has no M or L current, factors %v", f)
	}
	if _, _, err := validate.Variant("LTS", 1); !errors.Is(err, validate.ErrInput) {
		t.Errorf("LTS: err = %v, want ErrInput", err)
	}
}

// The suite integrates the reference cells with ReferenceStepMS instead of
// the package's default: the spike times agree to within 0.02 ms.
func TestReferenceStep(t *testing.T) {
	for _, mk := range []func() *reference.Cell{reference.NewRS, reference.NewIB} {
		c := mk()
		in := reference.Step(8000, 0.1, 50, 750, 900)
		a, err := c.Spikes(in, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		c.MaxStepMS = validate.ReferenceStepMS
		b, err := c.Spikes(in, 0.1)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) != len(b) || len(a) < 5 {
			t.Fatalf("%s: %d spikes at 0.01 ms, %d at %v ms", c.Params().Name, len(a), len(b), validate.ReferenceStepMS)
		}
		for i := range a {
			if d := math.Abs(a[i] - b[i]); d > 0.02 {
				t.Errorf("%s spike %d: %.4f vs %.4f ms", c.Params().Name, i, a[i], b[i])
			}
		}
	}
}

// A fresh tuning draw (FamilyDraw with a tuning seed ≥ 2) shares no
// variant, noise seed or ID with the held-out part or with the stored
// tuning draw, leaves the held-out part as it is, and seed 1 is Family.
func TestFamilyDrawFreshTuning(t *testing.T) {
	stored := validate.Family(4, 4)
	for i, p := range validate.FamilyDraw(4, 4, 1) {
		if p != stored[i] {
			t.Fatalf("seed 1: protocol %d is %+v, Family has %+v", i, p, stored[i])
		}
	}
	usedVar, usedSeed, usedID := map[int]string{}, map[uint64]string{}, map[string]bool{}
	for _, p := range stored {
		usedVar[p.Variant], usedSeed[p.Seed], usedID[p.ID] = p.ID, p.ID, true
	}
	var held []validate.Protocol
	for _, p := range stored {
		if p.Split == validate.HeldOut {
			held = append(held, p)
		}
	}
	for _, seed := range []uint64{2, 8} {
		n, k := 0, 0
		for _, p := range validate.FamilyDraw(4, 4, seed) {
			if p.Split == validate.HeldOut {
				if p != held[k] {
					t.Errorf("seed %d: held-out %s changed: %+v", seed, p.ID, p)
				}
				k++
				continue
			}
			n++
			if usedID[p.ID] {
				t.Errorf("seed %d: tuning id %s is also in the stored family", seed, p.ID)
			}
			if p.Variant != 0 {
				if id, ok := usedVar[p.Variant]; ok {
					t.Errorf("seed %d: %s shares variant %d with %s", seed, p.ID, p.Variant, id)
				}
			}
			if id, ok := usedSeed[p.Seed]; ok {
				t.Errorf("seed %d: %s shares noise seed %d with %s", seed, p.ID, p.Seed, id)
			}
		}
		if n != 4*len(validate.Cells)*2 || k != len(held) {
			t.Errorf("seed %d: %d tuning, %d held-out protocols; want %d, %d", seed, n, k, 4*len(validate.Cells)*2, len(held))
		}
	}
}
