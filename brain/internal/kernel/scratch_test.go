package kernel

import (
	"math/rand/v2"
	"testing"
)

// A scratch gets its arrays when a Heun or full kernel first steps with
// it, and not from the LIF kernels, which use none; results do not depend
// on when they were made.
func TestScratchLazy(t *testing.T) {
	lif := Params{C: 200, GL: 10, EL: -60, VT: -50, VReset: -60, TRef: 5, Cond: true, TauE: 5, TauI: 10, EE: 0, EI: -80}
	for _, p := range []Params{lif, func() Params { q := lif; q.Euler = true; return q }(), func() Params { q := lif; q.Cond = false; return q }()} {
		c := NewConsts(p, 0.1, true)
		if k := c.Kind(); k != LIFCurrent && k != LIFConductance && k != LIFConductanceEuler {
			t.Fatalf("%+v: kernel %v, want a LIF one", p, k)
		}
		sc := NewScratch()
		Step(c, vecTestState(p, 300, 300, rand.New(rand.NewPCG(1, 2))), 0, 300, nil, sc)
		if sc.js0 != nil || sc.heun.in != nil {
			t.Errorf("%v kernel: the scratch got its arrays", c.Kind())
		}
	}
	for _, tc := range vecTestParams() {
		c := NewConsts(tc.p, 0.1, true)
		a := vecTestState(tc.p, 300, tc.drive, rand.New(rand.NewPCG(3, 4)))
		b := a.clone()
		fresh, used := NewScratch(), NewScratch().ready()
		var sa, sb []int32
		for range 200 {
			sa, _ = Step(c, a, 0, 300, sa[:0], fresh)
			sb, _ = Step(c, b, 0, 300, sb[:0], used)
		}
		if fresh.js0 == nil || fresh.heun.in == nil {
			t.Errorf("%s (%v kernel): the scratch has no arrays after stepping", tc.name, c.Kind())
		}
		for i := range a.V {
			if a.V[i] != b.V[i] || a.W[i] != b.W[i] {
				t.Fatalf("%s: cell %d differs between a fresh and a ready scratch", tc.name, i)
			}
		}
	}
}
