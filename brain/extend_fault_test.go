package brain_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// eulerCell is a user's conductance-based LIF stepped by forward Euler
// that, like the GeneralizedNeuron, refuses a step it knows is unstable:
// a ScratchModel that stops at the cell and a FaultModel that says why.
type eulerCell struct {
	C, GL, EL, EE, VT, VR float64 // pF, nS, mV
	TauE                  float64 // ms
	h                     float64
	poison                int // a neuron whose V the step sets to NaN (−1: none)
}

func (m *eulerCell) Vars() []brain.Var {
	return []brain.Var{{Name: "V", Unit: "mV", Init: m.EL}}
}

func (m *eulerCell) Prepare(dt float64, s *brain.State) error {
	if !(m.C > 0) {
		return fmt.Errorf("eulerCell: C = %v, want > 0", m.C)
	}
	m.h = dt
	return nil
}

func (m *eulerCell) Step(s *brain.State, lo, hi int, step int64, dst []int32) []int32 {
	out, _ := m.StepScratch(s, lo, hi, step, dst, nil)
	return out
}

func (m *eulerCell) NewScratch() any { return nil }

func (m *eulerCell) StepScratch(s *brain.State, lo, hi int, step int64, dst []int32, _ any) ([]int32, int) {
	v, ge := s.Var(0), s.Input(brain.Excitatory)
	for i := lo; i < hi; i++ {
		if m.h*(m.GL+ge[i])/m.C >= 2 {
			return dst, i // leave the cell as it was: Fault explains
		}
		v[i] += m.h / m.C * (-m.GL*(v[i]-m.EL) - ge[i]*(v[i]-m.EE))
		ge[i] -= m.h / m.TauE * ge[i]
		if i == m.poison {
			v[i] = math.NaN()
		}
		if math.IsNaN(v[i]) {
			return dst, i
		}
		if v[i] > m.VT {
			v[i] = m.VR
			dst = append(dst, int32(i))
		}
	}
	return dst, -1
}

func (m *eulerCell) Fault(s *brain.State, i int) (string, float64, string, bool) {
	k := m.h * (m.GL + s.Input(brain.Excitatory)[i]) / m.C
	if k < 2 {
		return "", 0, "", false
	}
	return "h·(GL+gE)/C", k, "the excitatory conductance is too large for forward Euler", true
}

// A user's model stops a run with its own reason, as the GeneralizedNeuron
// does for its forward Euler cells; when it has none, the population names
// the non-finite variable.
func TestUserModelExplainsBlowUp(t *testing.T) {
	const dt = 0.1
	newCell := func() *eulerCell {
		return &eulerCell{C: 200, GL: 10, EL: -60, EE: 0, VT: -50, VR: -60, TauE: 5, poison: -1}
	}
	t.Run("unstable step, through Run", func(t *testing.T) {
		m := newCell()
		pop, err := brain.NewModelPopulation("user", 40, m)
		if err != nil {
			t.Fatal(err)
		}
		net := brain.NewNetwork(dt, 1)
		net.Workers = 1
		if err := net.AddPopulation(pop); err != nil {
			t.Fatal(err)
		}
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		// gE = 4000 nS gives h·(GL+gE)/C = 2.005 at neuron 17.
		pop.Input(brain.Proximal, brain.Excitatory)[17] = 4000
		v17 := pop.Var("V")[17]
		err = net.Run(context.Background(), 5, nil)
		var be *brain.BlowUpError
		if !errors.As(err, &be) {
			t.Fatalf("Run: err = %v, want a *BlowUpError", err)
		}
		if be.Neuron != 17 || be.Population != "user" || be.Variable != "h·(GL+gE)/C" ||
			math.Abs(be.Value-2.005) > 1e-12 || be.TimeMS != 0 || !strings.Contains(be.Cause, "too large for forward Euler") {
			t.Fatalf("BlowUpError = %+v", *be)
		}
		if !strings.Contains(err.Error(), "too large for forward Euler") {
			t.Fatalf("the message does not carry the cause: %v", err)
		}
		if got := pop.Var("V")[17]; got != v17 {
			t.Fatalf("V of the stopped cell = %v, want %v as before the step", got, v17)
		}
	})
	t.Run("NaN without a cause", func(t *testing.T) {
		m := newCell()
		m.poison = 5
		pop, err := brain.NewModelPopulation("user", 8, m)
		if err != nil {
			t.Fatal(err)
		}
		if err := pop.Prepare(dt); err != nil {
			t.Fatal(err)
		}
		_, err = pop.Step(0)
		var be *brain.BlowUpError
		if !errors.As(err, &be) {
			t.Fatalf("Step: err = %v, want a *BlowUpError", err)
		}
		if be.Neuron != 5 || be.Variable != "V" || !math.IsNaN(be.Value) || be.Cause != "" {
			t.Fatalf("BlowUpError = %+v", *be)
		}
	})
}

// offByOne is a user's Source with a bug: in step 3 it emits generator
// Len() (and −1 in step 4 when neg is set).
type offByOne struct {
	n   int
	neg bool
}

func (s *offByOne) Len() int                             { return s.n }
func (s *offByOne) SourceName() string                   { return "off by one" }
func (s *offByOne) IsInhibitory() bool                   { return false }
func (s *offByOne) Prepare(float64, brain.Streams) error { return nil }
func (s *offByOne) Emit(step int64, dst []int32) []int32 {
	dst = append(dst[:0], 0)
	switch {
	case step == 3 && !s.neg:
		dst = append(dst, int32(s.n))
	case step == 4 && s.neg:
		dst = append(dst, -1)
	}
	return dst
}

// A Source that emits a generator id outside [0, Len) stops Run with an
// error naming it, whether its spikes are only recorded (they were dropped
// from the counts) or drive a projection (the delivery indexed out of
// range and came back as a *BugError).
func TestSourceIDOutOfRangeIsAnError(t *testing.T) {
	for _, tc := range []struct {
		name      string
		neg, conn bool
		want      string
	}{
		{"recorded, id Len", false, false, "emitted generator 8, outside [0, 8)"},
		{"projected, id Len", false, true, "emitted generator 8, outside [0, 8)"},
		{"projected, id -1", true, true, "emitted generator -1, outside [0, 8)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := brain.NewNetwork(0.1, 1)
			src := &offByOne{n: 8, neg: tc.neg}
			if tc.conn {
				pop, err := brain.NewPopulation("post", 8, brain.Pyramidal())
				if err != nil {
					t.Fatal(err)
				}
				if err := net.AddPopulation(pop); err != nil {
					t.Fatal(err)
				}
				if _, err := net.ConnectSource(src, pop, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1)}); err != nil {
					t.Fatal(err)
				}
			} else if err := net.AddSource(src); err != nil {
				t.Fatal(err)
			}
			rec, err := net.RecordSourceSpikes(src)
			if err != nil {
				t.Fatal(err)
			}
			if err := net.Build(); err != nil {
				t.Fatal(err)
			}
			err = net.Run(context.Background(), 2, nil)
			var bug *brain.BugError
			if err == nil || errors.As(err, &bug) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), `"off by one"`) {
				t.Fatalf("Run: err = %v, want an error saying %q", err, tc.want)
			}
			step := 3
			if tc.neg {
				step = 4
			}
			if got := rec.Len(); got != step {
				t.Fatalf("%d source spikes recorded, want %d (one per step before the bad one)", got, step)
			}
		})
	}
}

// quietCell is eulerCell told by Run whether its external current stays
// 0 (QuietInputModel), as the GeneralizedNeuron's kernels are.
type quietCell struct {
	eulerCell
	told []bool
}

func (m *quietCell) QuietInputs(s *brain.State, quiet bool) { m.told = append(m.told, quiet) }

// A user's model gets the hint the GeneralizedNeuron gets: quiet for a Run
// without current sources, not quiet when a current source injects, and
// not quiet again at the end of every Run.
func TestUserModelToldQuietInputs(t *testing.T) {
	for _, inject := range []bool{false, true} {
		m := &quietCell{eulerCell: eulerCell{C: 200, GL: 10, EL: -60, EE: 0, VT: -50, VR: -60, TauE: 5, poison: -1}}
		pop, err := brain.NewModelPopulation("user", 16, m)
		if err != nil {
			t.Fatal(err)
		}
		net := brain.NewNetwork(0.1, 1)
		if err := net.AddPopulation(pop); err != nil {
			t.Fatal(err)
		}
		if inject {
			if err := net.Inject(pop, nil, brain.Proximal, &brain.OUNoise{MeanPA: 10, SigmaPA: 5, TauMS: 5}); err != nil {
				t.Fatal(err)
			}
		}
		if err := net.Build(); err != nil {
			t.Fatal(err)
		}
		if err := net.Run(context.Background(), 1, nil); err != nil {
			t.Fatal(err)
		}
		want := []bool{true, false}
		if inject {
			want = []bool{false, false}
		}
		if fmt.Sprint(m.told) != fmt.Sprint(want) {
			t.Fatalf("inject %v: QuietInputs calls %v, want %v", inject, m.told, want)
		}
	}
}
