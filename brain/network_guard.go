package brain

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"runtime/debug"
	"sync"
	"weak"
)

// Guards that turn misuse of a Network into errors instead of silently
// wrong results: a population or spike source belongs to one network; DT
// and Seed are fixed at Build; one Run at a time; a step count must fit
// the network's clock; a panic inside Run is reported as an error.

// MinDT and MaxDT bound Network.DT (ms). Below 1 ns the step count of any
// useful duration approaches the 2⁵³ steps a float64 clock can count
// exactly; above 100 ms a step is longer than every time constant of the
// models here.
const (
	MinDT = 1e-6
	MaxDT = 100.0
)

// MaxSteps is the largest step count a network's clock may reach: the
// time k·dt stays exact for every k ≤ 2⁵³.
const MaxSteps = int64(1) << 53

// owners maps every population and spike source added to a network to
// that network (a weak pointer, so a network that is no longer used does
// not keep its claim). A population or source carries state for one time
// step and one set of delay rings: sharing it between two networks would
// let the second silently change the first.
var owners sync.Map // any (*Population or Source) → weak.Pointer[Network]

// ownedList is what a network has claimed; a cleanup releases the claims
// when the network is garbage collected.
type ownedList struct {
	objs []any
}

func releaseOwned(l *ownedList) {
	for _, o := range l.objs {
		if v, ok := owners.Load(o); ok && v.(weak.Pointer[Network]).Value() == nil {
			owners.CompareAndDelete(o, v)
		}
	}
}

// checkOwners returns an error if a population or source of n belongs to
// another live network (built with it).
func (n *Network) checkOwners() error {
	check := func(obj any, what, name string) error {
		if v, ok := owners.Load(obj); ok {
			if o := v.(weak.Pointer[Network]).Value(); o != nil && o != n {
				return fmt.Errorf("brain: %s %q already belongs to another network, built with it (a population or source carries the state of one network: create one for each network)", what, name)
			}
		}
		return nil
	}
	for _, p := range n.pops {
		if err := check(p, "population", p.Name); err != nil {
			return err
		}
	}
	for _, s := range n.srcs {
		if err := check(s, "source", s.SourceName()); err != nil {
			return err
		}
	}
	return nil
}

// claimAll records that n's populations and sources (the pointer-typed
// ones) belong to n; Build calls it once it succeeded.
func (n *Network) claimAll() {
	wp := weak.Make(n)
	l := &ownedList{}
	for _, p := range n.pops {
		l.objs = append(l.objs, p)
	}
	for _, s := range n.srcs {
		if reflect.ValueOf(s).Kind() == reflect.Pointer {
			l.objs = append(l.objs, s)
		}
	}
	for _, o := range l.objs {
		owners.Store(o, wp)
	}
	n.owned = l
	runtime.AddCleanup(n, releaseOwned, l)
}

// checkDT validates Network.DT (after the 0 → DefaultDT default).
func checkDT(dt float64) error {
	if !(dt >= MinDT && dt <= MaxDT) {
		return fmt.Errorf("brain: Network.DT = %v ms: must be in [%g, %g] ms", dt, MinDT, MaxDT)
	}
	return nil
}

// checkFrozen reports a change of DT or Seed after Build, and a
// population re-prepared outside the network with another step.
func (n *Network) checkFrozen() error {
	if n.DT != n.builtDT {
		return fmt.Errorf("brain: Network.DT changed from %v to %v ms after Build: the delays, propagators and sources were built for %v ms (build a new network to change the step)", n.builtDT, n.DT, n.builtDT)
	}
	if n.Seed != n.builtSeed {
		return fmt.Errorf("brain: Network.Seed changed from %d to %d after Build: connectivity and random streams were drawn with %d (build a new network to change the seed)", n.builtSeed, n.Seed, n.builtSeed)
	}
	for _, p := range n.pops {
		if p.prepared && p.dt != n.builtDT {
			return fmt.Errorf("brain: population %q was prepared with dt = %v ms outside the network (dt = %v ms)", p.Name, p.dt, n.builtDT)
		}
	}
	return nil
}

// runSteps converts a duration into a step count, refusing counts that
// would overflow the network's clock.
func (n *Network) runSteps(durationMS float64) (int64, error) {
	if !(durationMS >= 0) || math.IsInf(durationMS, 0) {
		return 0, fmt.Errorf("brain: Run: duration %v ms: must be finite and ≥ 0", durationMS)
	}
	f := math.Round(durationMS / n.DT)
	if !(f <= float64(MaxSteps-n.step)) {
		return 0, fmt.Errorf("brain: Run: duration %v ms at dt %v ms is %.3g steps; with the %d steps done the clock would pass its limit of 2⁵³ steps", durationMS, n.DT, f, n.step)
	}
	return int64(f), nil
}

// acquire marks the network busy for one Run, Build, Save or Restore; it
// fails if another goroutine is using it.
func (n *Network) acquire(op string) error {
	if !n.busy.CompareAndSwap(false, true) {
		return fmt.Errorf("brain: %s: the network is in use by another goroutine (a Network is not safe for concurrent use)", op)
	}
	return nil
}

func (n *Network) release() { n.busy.Store(false) }

// BugError reports a panic inside Run or Build, recovered and returned as
// an error. It is always a bug, in the library or in a callback the
// caller passed (RateFunc, progress): please report the former.
type BugError struct {
	Op    string // the operation, e.g. "Run"
	Value any    // the panic value
	Stack string // the stack of the panic
}

func (e *BugError) Error() string {
	return fmt.Sprintf("brain: %s: recovered panic, a bug (in this library, or in a function passed to it such as a RateFunc or a progress callback; please report it if not yours): %v", e.Op, e.Value)
}

// recoverBug turns a panic into a *BugError in *err; the network is marked
// broken, since its state may be half updated.
func (n *Network) recoverBug(op string, err *error) {
	if r := recover(); r != nil {
		b, ok := r.(*BugError)
		if !ok {
			b = &BugError{Op: op, Value: r, Stack: string(debug.Stack())}
		}
		b.Op = op
		n.broken = b
		*err = b
	}
}

// MaxWeight bounds the magnitude of a synaptic weight (pA for current
// synapses, nS for conductance synapses): a thousand times the largest
// weights of published cortical models, and far inside float32, in which
// weights are stored.
const MaxWeight = 1e6

// checkWeightBounds rejects a weight Value that can draw beyond ±MaxWeight
// (an unbounded distribution is judged by its parameters).
func checkWeightBounds(proj string, v Value, lo, hi float64) error {
	for _, x := range []float64{lo, hi, v.A, v.B} {
		if !math.IsInf(x, 0) && math.Abs(x) > MaxWeight {
			return fmt.Errorf("brain: projection %q: Weight %+v beyond the bound of ±%g (MaxWeight, pA or nS)", proj, v, float64(MaxWeight))
		}
	}
	return nil
}
