package sweep

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Func is the function a sweep evaluates at every point. Eval must be a pure
// function of the point's parameters and seed (the same point gives the same
// results on any machine, in any order, with any number of other points
// running beside it) and return len(Results) values; it should return early
// with ctx.Err() when ctx is cancelled. Params lists the parameters Eval
// needs; a spec that lacks one is rejected before anything runs.
type Func struct {
	Params  []string
	Results []string
	Eval    func(ctx context.Context, p Point) ([]float64, error)
}

func (f Func) check(spec *Spec) error {
	if f.Eval == nil {
		return fmt.Errorf("sweep: func %q has no Eval", spec.Func)
	}
	seen := map[string]bool{}
	for _, n := range spec.Names() {
		seen[n] = true
	}
	for _, n := range f.Params {
		if !seen[n] {
			return fmt.Errorf("sweep: func %q needs parameter %q, spec %q has %v", spec.Func, n, spec.Name, spec.Names())
		}
	}
	if len(f.Results) == 0 {
		return fmt.Errorf("sweep: func %q declares no results", spec.Func)
	}
	for _, n := range f.Results {
		if err := checkName("result", n, seen); err != nil {
			return fmt.Errorf("sweep: func %q: %w", spec.Func, err)
		}
	}
	return nil
}

var registry = struct {
	sync.Mutex
	m map[string]Func
}{m: map[string]Func{}}

// Register makes f available to specs under name (for the command line and
// the Beam runner, whose workers look functions up by name). Registering a
// name twice is an error.
func Register(name string, f Func) error {
	registry.Lock()
	defer registry.Unlock()
	if name == "" || f.Eval == nil {
		return fmt.Errorf("sweep: Register(%q): empty name or nil Eval", name)
	}
	if _, dup := registry.m[name]; dup {
		return fmt.Errorf("sweep: Register: %q is already registered", name)
	}
	registry.m[name] = f
	return nil
}

// Lookup returns the function registered under name.
func Lookup(name string) (Func, error) {
	registry.Lock()
	defer registry.Unlock()
	f, ok := registry.m[name]
	if !ok {
		names := make([]string, 0, len(registry.m))
		for n := range registry.m {
			names = append(names, n)
		}
		sort.Strings(names)
		return Func{}, fmt.Errorf("sweep: no function %q is registered (have %v)", name, names)
	}
	return f, nil
}

// Eval evaluates f at p and returns the row: results, or the error text if
// f fails, returns the wrong number of results, or panics. The second value
// reports whether the row is final; it is false when ctx was cancelled
// while f ran, in which case the point counts as not run.
func Eval(ctx context.Context, f Func, p Point) (Row, bool) {
	r := Row{Index: p.Index, ID: p.ID, Seed: p.Seed, Params: p.Params}
	start := time.Now()
	res, err := safeEval(ctx, f, p)
	r.WallMS = float64(time.Since(start).Nanoseconds()) / 1e6
	if err != nil && ctx.Err() != nil {
		return r, false
	}
	switch {
	case err != nil:
		r.Err = err.Error()
	case len(res) != len(f.Results):
		r.Err = fmt.Sprintf("sweep: function returned %d results, want %d (%v)", len(res), len(f.Results), f.Results)
	default:
		r.Results = res
	}
	if r.Results == nil {
		r.Results = nanSlice(len(f.Results))
	}
	if r.Err == "" && ctx.Err() != nil {
		return r, false
	}
	return r, true
}

func safeEval(ctx context.Context, f Func, p Point) (res []float64, err error) {
	defer func() {
		if e := recover(); e != nil {
			// The panic value only: a stack trace would differ between runs and break the table's identity.
			err = fmt.Errorf("panic: %v", e)
		}
	}()
	return f.Eval(ctx, p)
}
