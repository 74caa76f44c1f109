package fit

import (
	"fmt"
	"math"
)

// Limits on the inputs of this package, so that an extreme step or an
// oversized file is an error rather than a crash or an out-of-memory
// death.
const (
	// MinSimDT and MaxSimDT bound the integration step (ms): below 0.1 µs
	// no recording is sampled, above 1 ms the adaptive-exponential
	// upswing (a few ms) is not resolved.
	MinSimDT = 1e-4
	MaxSimDT = 1.0
)

// MaxSamples bounds the samples of a trace, as read from a file and as
// resampled to the integration step (2²⁶ ≈ 67 million: 512 MB of float64,
// 1.9 hours at 0.1 ms). Raise it for longer recordings.
var MaxSamples = 1 << 26

// resample returns the current sampled at step h (ms) from a trace sampled
// at dt: sample k is the current at the middle of [k·h, (k+1)·h). It
// refuses steps outside [MinSimDT, MaxSimDT], a sampling interval that is
// not finite and positive, and results longer than MaxSamples or empty.
func resample(current []float64, dt, h float64) ([]float64, error) {
	if !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("%w: dt = %v ms: must be finite and > 0", ErrInput, dt)
	}
	if !(h >= MinSimDT && h <= MaxSimDT) {
		return nil, fmt.Errorf("%w: simulation step %v ms: must be in [%g, %g] ms", ErrInput, h, MinSimDT, MaxSimDT)
	}
	T := float64(len(current)) * dt
	f := math.Floor(T/h + 1e-9)
	if !(f <= float64(MaxSamples)) {
		return nil, fmt.Errorf("%w: %d samples at dt = %v ms are %.4g steps of %v ms, more than MaxSamples = %d", ErrInput, len(current), dt, f, h, MaxSamples)
	}
	if f < 1 {
		return nil, fmt.Errorf("%w: %d samples at dt = %v ms (%v ms) are shorter than one step of %v ms", ErrInput, len(current), dt, T, h)
	}
	if math.Abs(h-dt) < 1e-12*dt {
		return current, nil
	}
	out := make([]float64, int(f))
	for k := range out {
		i := int((float64(k) + 0.5) * h / dt)
		if i >= len(current) {
			i = len(current) - 1
		}
		out[k] = current[i]
	}
	return out, nil
}
