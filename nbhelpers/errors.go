package nbhelpers

import (
	"errors"
	"fmt"
	"math"
)

// Sentinel errors wrapped by every validation failure; match them with errors.Is.
var (
	// ErrEmpty: no data where some is needed (no traces, no samples, no spikes, no bins).
	ErrEmpty = errors.New("nbhelpers: empty data")
	// ErrNonFinite: a NaN or ±Inf value.
	ErrNonFinite = errors.New("nbhelpers: non-finite value")
	// ErrLength: two slices that must have the same length do not.
	ErrLength = errors.New("nbhelpers: mismatched lengths")
	// ErrRange: a value outside its allowed range (negative bin width, unsorted time axis,
	// neuron id outside the population, ...).
	ErrRange = errors.New("nbhelpers: value out of range")
	// ErrRender: the chart library failed (a recovered panic or a marshalling error).
	ErrRender = errors.New("nbhelpers: render failed")
)

func errf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// checkFinite returns an ErrNonFinite error naming field and index of the first NaN or Inf.
func checkFinite(field string, xs []float64) error {
	for i, v := range xs {
		if !isFinite(v) {
			return errf(ErrNonFinite, "%s[%d] = %v", field, i, v)
		}
	}
	return nil
}

// checkAxis validates a time (or other) axis: non-empty, finite, non-decreasing.
func checkAxis(field string, xs []float64) error {
	if len(xs) == 0 {
		return errf(ErrEmpty, "%s has no samples", field)
	}
	if err := checkFinite(field, xs); err != nil {
		return err
	}
	for i := 1; i < len(xs); i++ {
		if xs[i] < xs[i-1] {
			return errf(ErrRange, "%s is not sorted: %s[%d] = %v < %s[%d] = %v",
				field, field, i, xs[i], field, i-1, xs[i-1])
		}
	}
	return nil
}

func checkPositive(field string, v float64) error {
	if !isFinite(v) {
		return errf(ErrNonFinite, "%s = %v", field, v)
	}
	if v <= 0 {
		return errf(ErrRange, "%s = %v, want > 0", field, v)
	}
	return nil
}
