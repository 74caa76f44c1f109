//go:build goexperiment.simd && amd64

package kernel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/neuron-sim/neuron/brain/internal/simd"
)

// vecWidths are the vector widths this CPU runs.
func vecWidths() []int { return simd.Widths() }

// TestHeunVecMatchesScalar: the vector Heun kernel and the scalar one,
// run side by side over 3000 steps of 1003 cells (not a multiple of 4 or
// 8; stepped as three parts, so that groups start at odd indices) from
// random states with random synaptic kicks, give the same spikes, spike
// times and bit-identical state at every step, at each width the CPU has
// — and every lane outcome occurs: fast steps, whole refractory steps in
// closed form, and Slow (spikes, ends of refractoriness, upswings).
func TestHeunVecMatchesScalar(t *testing.T) {
	ws := vecWidths()
	if len(ws) == 0 {
		t.Skip("no vector kernels on this CPU")
	}
	defer func(w int) { simd.Width = w }(simd.Width)
	for _, w := range ws {
		for _, tc := range vecTestParams() {
			t.Run(fmt.Sprintf("width=%d/%s", w, tc.name), func(t *testing.T) {
				simd.Width = w
				const n, h = 1003, 0.1
				cv := NewConsts(tc.p, h, true)
				if cv.Kind() != Heun || !cv.vecHeun {
					t.Fatalf("kind %s, vector %v: want the vector Heun kernel", cv.Kind(), cv.vecHeun)
				}
				cs := *cv
				cs.vecHeun = false
				r := rand.New(rand.NewPCG(11, uint64(w)))
				a := vecTestState(tc.p, n, tc.drive, r)
				b := a.clone()
				sca, scb := NewScratch(), NewScratch()
				var sa, sb []int32
				spikes, refSteps, slow := 0, 0, 0
				for step := range 3000 {
					for range 30 {
						i, x := r.IntN(n), 400*r.Float64()
						a.EP[i] += x
						b.EP[i] += x
					}
					for i := range a.Ref {
						if a.Ref[i] >= h {
							refSteps++
						} else if a.Ref[i] > 0 || a.V[i]-a.Theta[i] > cv.XFast()*tc.p.DeltaT {
							slow++
						}
					}
					sa, sb = sa[:0], sb[:0]
					for _, part := range [][2]int{{0, 333}, {333, 700}, {700, n}} {
						var badA, badB int
						sa, badA = Step(cv, a, part[0], part[1], sa, sca)
						sb, badB = Step(&cs, b, part[0], part[1], sb, scb)
						if badA >= 0 || badB >= 0 {
							t.Fatalf("step %d: blow-up at %d (vector) and %d (scalar)", step, badA, badB)
						}
					}
					if !slices.Equal(sa, sb) {
						t.Fatalf("step %d: spikes %v (vector) vs %v (scalar)", step, sa, sb)
					}
					spikes += len(sa)
					for _, v := range [][3]any{{"V", a.V, b.V}, {"Vd", a.Vd, b.Vd}, {"W", a.W, b.W},
						{"Theta", a.Theta, b.Theta}, {"EP", a.EP, b.EP}, {"IP", a.IP, b.IP}, {"ED", a.ED, b.ED},
						{"ID", a.ID, b.ID}, {"Ref", a.Ref, b.Ref}, {"Offset", a.Offset, b.Offset}} {
						x, y := v[1].([]float64), v[2].([]float64)
						for i := range x {
							if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
								t.Fatalf("step %d: %s[%d] = %v (vector) vs %v (scalar)", step, v[0], i, x[i], y[i])
							}
						}
					}
				}
				t.Logf("%d spikes, %d whole refractory steps, %d other slow steps in %d neuron-steps",
					spikes, refSteps, slow, 3000*n)
				if spikes < 3000 || refSteps < 10000 || slow < 3000 {
					t.Errorf("the events are barely exercised: %d spikes, %d refractory steps, %d slow steps",
						spikes, refSteps, slow)
				}
			})
		}
	}
}

// TestHeunVecBlowUp: a non-finite state stops the vector kernel at that
// neuron, as the scalar kernel stops, with its synaptic variables put
// back to their start values.
func TestHeunVecBlowUp(t *testing.T) {
	ws := vecWidths()
	if len(ws) == 0 {
		t.Skip("no vector kernels on this CPU")
	}
	defer func(w int) { simd.Width = w }(simd.Width)
	tc := vecTestParams()[0]
	for _, w := range ws {
		simd.Width = w
		cv := NewConsts(tc.p, 0.1, true)
		cs := *cv
		cs.vecHeun = false
		for _, bad := range []struct {
			name string
			f    func(*State)
		}{{"W = NaN", func(s *State) { s.W[21] = math.NaN() }}, {"W = +Inf", func(s *State) { s.W[21] = math.Inf(1) }},
			{"V = 1e13", func(s *State) { s.V[21] = 1e13 }}, {"Vd = −Inf", func(s *State) { s.Vd[21] = math.Inf(-1) }}} {
			a := vecTestState(tc.p, 64, tc.drive, rand.New(rand.NewPCG(3, 4)))
			a.Ref[21] = 0
			bad.f(a)
			e, d := a.EP[21], a.ED[21]
			b := a.clone()
			_, ia := Step(cv, a, 0, 64, nil, NewScratch())
			_, ib := Step(&cs, b, 0, 64, nil, NewScratch())
			if ia != 21 || ib != 21 {
				t.Errorf("width %d, %s: blow-up reported at %d (vector) and %d (scalar), want 21", w, bad.name, ia, ib)
			}
			if a.EP[21] != e || a.ED[21] != d {
				t.Errorf("width %d, %s: synaptic variables %v, %v after the blow-up, want %v, %v", w, bad.name, a.EP[21], a.ED[21], e, d)
			}
		}
	}
}
