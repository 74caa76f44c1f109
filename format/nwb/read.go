package nwb

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/format/internal/h5"
)

// ErrSweep is wrapped by every error about a sweep that cannot be read.
var ErrSweep = errors.New("format/nwb: bad current-clamp sweep")

// SweepInfo names one current-clamp sweep of a file: a CurrentClampSeries
// in /acquisition and the CurrentClampStimulusSeries in
// /stimulus/presentation with the same sweep_number.
type SweepInfo struct {
	// Response and Stimulus are the series' names.
	Response, Stimulus string
	// Number is the sweep_number attribute (−1 if the series has none).
	Number int64
}

// Sweep is one current-clamp sweep in the units of brain: time in ms from
// the sweep's first sample, voltage in mV, current in pA.
type Sweep struct {
	SweepInfo
	// DT is the sampling interval (ms).
	DT float64
	// StartS is the sweep's starting_time in the file (s).
	StartS float64
	// VoltageMV[i] is the membrane potential at i·DT.
	VoltageMV []float64
	// CurrentPA[i] is the injected current over [i·DT, (i+1)·DT).
	CurrentPA []float64
}

func neurodataType(o h5.Obj) string {
	t, _ := h5.ReadAttrString(o, "neurodata_type")
	return t
}

// Sweeps lists the current-clamp sweeps of an NWB file.
func Sweeps(path string) ([]SweepInfo, error) {
	f, err := h5.Open(path)
	if err != nil {
		return nil, fmt.Errorf("format/nwb: %w", err)
	}
	defer f.Close()
	return sweeps(f)
}

func sweeps(f *h5.File) ([]SweepInfo, error) {
	stims, err := seriesOf(f, "stimulus/presentation", "CurrentClampStimulusSeries")
	if err != nil {
		return nil, err
	}
	resps, err := seriesOf(f, "acquisition", "CurrentClampSeries")
	if err != nil {
		return nil, err
	}
	var out []SweepInfo
	for _, r := range resps {
		si := SweepInfo{Response: r.name, Number: r.number}
		for _, s := range stims {
			if r.number >= 0 && s.number == r.number {
				si.Stimulus = s.name
				break
			}
		}
		out = append(out, si)
	}
	return out, nil
}

type namedSeries struct {
	name   string
	number int64
}

// seriesOf lists the groups of parent whose neurodata_type is t.
func seriesOf(f *h5.File, parent, t string) ([]namedSeries, error) {
	if !f.Root().Has(parent) {
		return nil, nil
	}
	g, err := f.Root().Open(parent)
	if err != nil {
		return nil, fmt.Errorf("format/nwb: %w", err)
	}
	defer g.Close()
	names, kinds, err := g.Members()
	if err != nil {
		return nil, fmt.Errorf("format/nwb: %w", err)
	}
	var out []namedSeries
	for k, name := range names {
		if kinds[k] != h5.KindGroup {
			continue
		}
		s, err := g.Open(name)
		if err != nil {
			return nil, fmt.Errorf("format/nwb: %w", err)
		}
		if neurodataType(s) == t {
			n := int64(-1)
			if v, err := h5.ReadAttrFloat64(s, "sweep_number"); err == nil {
				n = int64(v)
			}
			out = append(out, namedSeries{name, n})
		}
		s.Close()
	}
	slices.SortFunc(out, func(a, b namedSeries) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// ReadSweep reads the current-clamp sweep named by sweep: the name of its
// CurrentClampSeries in /acquisition, or its sweep_number. The stimulus is
// the CurrentClampStimulusSeries with the same sweep_number; both must be
// sampled alike.
func ReadSweep(path, sweep string) (Sweep, error) {
	f, err := h5.Open(path)
	if err != nil {
		return Sweep{}, fmt.Errorf("format/nwb: %w", err)
	}
	defer f.Close()
	all, err := sweeps(f)
	if err != nil {
		return Sweep{}, err
	}
	var names []string
	var si *SweepInfo
	for k := range all {
		names = append(names, fmt.Sprintf("%s (sweep %d)", all[k].Response, all[k].Number))
		if all[k].Response == sweep || strconv.FormatInt(all[k].Number, 10) == sweep && all[k].Number >= 0 {
			si = &all[k]
		}
	}
	if si == nil {
		return Sweep{}, fmt.Errorf("%w: %s: no CurrentClampSeries %q (have %s)", ErrSweep, path, sweep, strings.Join(names, ", "))
	}
	if si.Stimulus == "" {
		return Sweep{}, fmt.Errorf("%w: %s: %s: no CurrentClampStimulusSeries with sweep_number %d", ErrSweep, path, si.Response, si.Number)
	}
	s := Sweep{SweepInfo: *si}
	var rRate, sRate, sStart float64
	if s.VoltageMV, rRate, s.StartS, err = readSeries(f, "acquisition/"+si.Response, map[string]float64{"volts": 1e3, "V": 1e3, "millivolts": 1, "mV": 1}); err != nil {
		return Sweep{}, err
	}
	if s.CurrentPA, sRate, sStart, err = readSeries(f, "stimulus/presentation/"+si.Stimulus, map[string]float64{"amperes": 1e12, "A": 1e12, "nA": 1e3, "pA": 1}); err != nil {
		return Sweep{}, err
	}
	if rRate != sRate || len(s.VoltageMV) != len(s.CurrentPA) || math.Abs(s.StartS-sStart) > 0.5/rRate {
		return Sweep{}, fmt.Errorf("%w: %s: response %s (%d samples at %g Hz from %g s) and stimulus %s (%d at %g Hz from %g s) are sampled differently",
			ErrSweep, path, si.Response, len(s.VoltageMV), rRate, s.StartS, si.Stimulus, len(s.CurrentPA), sRate, sStart)
	}
	s.DT = 1000 / rRate
	return s, nil
}

// readSeries reads a TimeSeries' data in the unit scaled by scale[unit]
// (from its SI unit), with its rate (Hz) and start (s).
func readSeries(f *h5.File, path string, scale map[string]float64) (data []float64, rate, start float64, err error) {
	g, err := f.Root().Open(path)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrSweep, err)
	}
	defer g.Close()
	d, err := g.Dataset("data")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrSweep, err)
	}
	unit, err := h5.ReadAttrString(d, "unit")
	if err != nil {
		d.Close()
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrSweep, err)
	}
	conv, off := 1.0, 0.0
	if h5.HasAttr(d, "conversion") {
		conv, err = h5.ReadAttrFloat64(d, "conversion")
	}
	if err == nil && h5.HasAttr(d, "offset") {
		off, err = h5.ReadAttrFloat64(d, "offset")
	}
	d.Close()
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrSweep, err)
	}
	// data·conversion + offset is the value in unit: a conversion of 0
	// would read every sample as the offset (a flat trace, silently).
	if conv == 0 || math.IsNaN(conv) || math.IsInf(conv, 0) {
		return nil, 0, 0, fmt.Errorf("%w: /%s/data: conversion %v: must be finite and not 0", ErrSweep, path, conv)
	}
	if math.IsNaN(off) || math.IsInf(off, 0) {
		return nil, 0, 0, fmt.Errorf("%w: /%s/data: offset %v: must be finite", ErrSweep, path, off)
	}
	k, ok := scale[unit]
	if !ok {
		return nil, 0, 0, fmt.Errorf("%w: /%s: unit %q not one of %v", ErrSweep, path, unit, slices.Sorted(maps.Keys(scale)))
	}
	raw, dims, err := g.ReadFloat64s("data")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("%w: %w", ErrSweep, err)
	}
	if len(dims) != 1 || len(raw) < 2 {
		return nil, 0, 0, fmt.Errorf("%w: /%s/data: shape %v, want one channel of ≥ 2 samples", ErrSweep, path, dims)
	}
	for i, x := range raw {
		raw[i] = (x*conv + off) * k
	}
	switch {
	case g.Has("starting_time"):
		st, _, err := g.ReadFloat64s("starting_time")
		if err != nil || len(st) != 1 {
			return nil, 0, 0, fmt.Errorf("%w: /%s/starting_time unreadable", ErrSweep, path)
		}
		t, err := g.Dataset("starting_time")
		if err != nil {
			return nil, 0, 0, fmt.Errorf("%w: %w", ErrSweep, err)
		}
		rate, err = h5.ReadAttrFloat64(t, "rate")
		t.Close()
		if err != nil || !(rate > 0) {
			return nil, 0, 0, fmt.Errorf("%w: /%s/starting_time: rate %v (%v)", ErrSweep, path, rate, err)
		}
		start = st[0]
	case g.Has("timestamps"):
		ts, _, err := g.ReadFloat64s("timestamps")
		if err != nil || len(ts) != len(raw) {
			return nil, 0, 0, fmt.Errorf("%w: /%s/timestamps: %d for %d samples (%v)", ErrSweep, path, len(ts), len(raw), err)
		}
		step := (ts[len(ts)-1] - ts[0]) / float64(len(ts)-1)
		if !(step > 0) || math.IsInf(step, 0) {
			return nil, 0, 0, fmt.Errorf("%w: /%s/timestamps: from %v to %v s over %d samples: must increase", ErrSweep, path, ts[0], ts[len(ts)-1], len(ts))
		}
		for i := 1; i < len(ts); i++ {
			if math.Abs(ts[i]-ts[i-1]-step) > 1e-3*step {
				return nil, 0, 0, fmt.Errorf("%w: /%s: irregular timestamps at sample %d", ErrSweep, path, i)
			}
		}
		rate, start = 1/step, ts[0]
	default:
		return nil, 0, 0, fmt.Errorf("%w: /%s: neither starting_time nor timestamps", ErrSweep, path)
	}
	return raw, rate, start, nil
}

// DetectSpikes returns the spike times (ms) of a voltage trace sampled at
// dt: the time i·dt of the first sample at or above thresholdMV after the
// trace was below it.
func DetectSpikes(vMV []float64, dt, thresholdMV float64) []float64 {
	var out []float64
	below := len(vMV) > 0 && vMV[0] < thresholdMV
	for i, v := range vMV {
		if v >= thresholdMV {
			if below {
				out = append(out, float64(i)*dt)
			}
			below = false
		} else {
			below = true
		}
	}
	return out
}

// Recording turns the sweep into brain/fit's Recording: the current and
// voltage as they are, and the spikes the voltage crosses thresholdMV at
// (DetectSpikes; 0 mV is the usual choice).
func (s Sweep) Recording(thresholdMV float64) (fit.Recording, error) {
	r := fit.Recording{DT: s.DT, Current: s.CurrentPA, Voltage: s.VoltageMV, Spikes: DetectSpikes(s.VoltageMV, s.DT, thresholdMV)}
	if err := r.Validate(); err != nil {
		return fit.Recording{}, fmt.Errorf("format/nwb: sweep %s: %w", s.Response, err)
	}
	return r, nil
}
