package fit

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// ErrInput is wrapped by every error about an unusable recording or option.
var ErrInput = errors.New("brain: invalid fit input")

// Recording is what an experiment gives: the current injected into a cell,
// the spikes it fired and, optionally, its membrane voltage. Time 0 is the
// first current sample.
type Recording struct {
	// DT is the sampling interval of Current and Voltage (ms).
	DT float64
	// Current is the injected current (pA); sample i covers [i·DT, (i+1)·DT).
	Current []float64
	// Spikes are the recorded spike times (ms), sorted ascending.
	Spikes []float64
	// Voltage is the membrane potential (mV), Voltage[i] = V(i·DT); nil if
	// not recorded. Its length must equal len(Current).
	Voltage []float64
}

// DurationMS is the length of the recording (ms).
func (r Recording) DurationMS() float64 { return float64(len(r.Current)) * r.DT }

// Validate checks the recording.
func (r Recording) Validate() error {
	if !(r.DT > 0) || math.IsInf(r.DT, 0) {
		return fmt.Errorf("%w: DT = %v ms", ErrInput, r.DT)
	}
	if len(r.Current) == 0 {
		return fmt.Errorf("%w: empty Current", ErrInput)
	}
	for i, x := range r.Current {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: Current[%d] = %v", ErrInput, i, x)
		}
	}
	if r.Voltage != nil && len(r.Voltage) != len(r.Current) {
		return fmt.Errorf("%w: len(Voltage) = %d, len(Current) = %d", ErrInput, len(r.Voltage), len(r.Current))
	}
	for i, x := range r.Voltage {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: Voltage[%d] = %v", ErrInput, i, x)
		}
	}
	T := r.DurationMS()
	for i, t := range r.Spikes {
		if math.IsNaN(t) || t < 0 || t > T {
			return fmt.Errorf("%w: Spikes[%d] = %v ms outside [0, %v]", ErrInput, i, t, T)
		}
	}
	if !sort.Float64sAreSorted(r.Spikes) {
		return fmt.Errorf("%w: Spikes not sorted", ErrInput)
	}
	return nil
}

// Window is a time interval [StartMS, EndMS) of a recording (ms).
type Window struct {
	StartMS, EndMS float64
}

// Duration is EndMS − StartMS.
func (w Window) Duration() float64 { return w.EndMS - w.StartMS }

func (w Window) String() string { return fmt.Sprintf("[%g, %g) ms", w.StartMS, w.EndMS) }

func (w Window) check(name string, r Recording) error {
	if !(w.StartMS >= 0) || !(w.EndMS > w.StartMS) || w.EndMS > r.DurationMS()+1e-9 {
		return fmt.Errorf("%w: %s window %v not inside the recording [0, %g) ms", ErrInput, name, w, r.DurationMS())
	}
	return nil
}

// ParseWindow parses "a:b" into a Window. Plain numbers are times in ms; the
// suffix "s" means seconds and "samples" means sample indices (multiplied by
// dt): "0:10000" and "0:10s" are the first 10 s, "0:100000samples" is the
// same at dt = 0.1 ms. A bound without a unit takes the unit of the other
// ("10:20s" is 10–20 s).
func ParseWindow(s string, dt float64) (Window, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Window{}, fmt.Errorf("%w: window %q is not start:end", ErrInput, s)
	}
	_, ua := splitUnit(a)
	_, ub := splitUnit(b)
	if ua == "" {
		ua = ub
	}
	if ub == "" {
		ub = ua
	}
	x, err := parseTime(a, ua, dt)
	if err != nil {
		return Window{}, err
	}
	y, err := parseTime(b, ub, dt)
	if err != nil {
		return Window{}, err
	}
	return Window{StartMS: x, EndMS: y}, nil
}

func splitUnit(s string) (num, unit string) {
	s = strings.TrimSpace(s)
	for _, u := range []string{"samples", "ms", "s"} {
		if strings.HasSuffix(s, u) {
			return strings.TrimSuffix(s, u), u
		}
	}
	return s, ""
}

func parseTime(s, unit string, dt float64) (float64, error) {
	num, _ := splitUnit(s)
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: window bound %q", ErrInput, s)
	}
	switch unit {
	case "s":
		v *= 1000
	case "samples":
		if !(dt > 0) || math.IsInf(dt, 0) {
			return 0, fmt.Errorf("%w: window %q in samples needs a finite dt > 0", ErrInput, s)
		}
		v *= dt
	}
	if math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: window bound %q is beyond the range of a time in ms", ErrInput, s)
	}
	return v, nil
}

// spikesIn returns the spikes of s (sorted, ms) in [w.StartMS, w.EndMS),
// shifted so that the window starts at 0.
func spikesIn(s []float64, w Window) []float64 {
	lo := sort.SearchFloat64s(s, w.StartMS)
	hi := sort.SearchFloat64s(s, w.EndMS)
	if hi < lo {
		hi = lo
	}
	out := make([]float64, hi-lo)
	for i, t := range s[lo:hi] {
		out[i] = t - w.StartMS
	}
	return out
}

func sortFloats(s []float64) { sort.Float64s(s) }
