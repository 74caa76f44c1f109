package nwb

import (
	"fmt"

	"github.com/neuron-sim/neuron/format/internal/h5"
)

// UnitsTable is the content of an NWB units table.
type UnitsTable struct {
	// SpikeTimesS holds every row's spike times (s), row after row.
	SpikeTimesS []float64
	// Index[r] is the end of row r's spikes in SpikeTimesS.
	Index []uint64
	// Population and Cell are the columns of that name (nil if absent).
	Population []string
	Cell       []int64
}

// Times returns the spike times (s) of row r.
func (u UnitsTable) Times(r int) []float64 {
	lo := uint64(0)
	if r > 0 {
		lo = u.Index[r-1]
	}
	return u.SpikeTimesS[lo:u.Index[r]]
}

// ReadUnits reads /units of an NWB file.
func ReadUnits(path string) (UnitsTable, error) {
	f, err := h5.Open(path)
	if err != nil {
		return UnitsTable{}, fmt.Errorf("format/nwb: %w", err)
	}
	defer f.Close()
	g, err := f.Root().Open("units")
	if err != nil {
		return UnitsTable{}, fmt.Errorf("format/nwb: %w", err)
	}
	defer g.Close()
	var u UnitsTable
	if u.SpikeTimesS, _, err = g.ReadFloat64s("spike_times"); err != nil {
		return u, fmt.Errorf("format/nwb: %w", err)
	}
	idx, _, err := g.ReadInt64s("spike_times_index")
	if err != nil {
		return u, fmt.Errorf("format/nwb: %w", err)
	}
	u.Index = make([]uint64, len(idx))
	prev := int64(0)
	for i, e := range idx {
		if e < prev || e > int64(len(u.SpikeTimesS)) {
			return u, fmt.Errorf("format/nwb: %s: spike_times_index[%d] = %d out of order or range", path, i, e)
		}
		u.Index[i], prev = uint64(e), e
	}
	if g.Has("population") {
		if u.Population, err = g.ReadStrings("population"); err != nil {
			return u, fmt.Errorf("format/nwb: %w", err)
		}
	}
	if g.Has("cell") {
		if u.Cell, _, err = g.ReadInt64s("cell"); err != nil {
			return u, fmt.Errorf("format/nwb: %w", err)
		}
	}
	return u, nil
}

// ReadTimeSeries reads the TimeSeries at path (relative to the root, e.g.
// "acquisition/exc_V"): data as stored, with its unit, conversion and
// sampling.
func ReadTimeSeries(file, path string) (TimeSeries, error) {
	f, err := h5.Open(file)
	if err != nil {
		return TimeSeries{}, fmt.Errorf("format/nwb: %w", err)
	}
	defer f.Close()
	g, err := f.Root().Open(path)
	if err != nil {
		return TimeSeries{}, fmt.Errorf("format/nwb: %w", err)
	}
	defer g.Close()
	ts := TimeSeries{Name: path}
	var dims []int
	if ts.Data, dims, err = g.ReadFloat64s("data"); err != nil {
		return ts, fmt.Errorf("format/nwb: %w", err)
	}
	ts.Channels = 1
	if len(dims) == 2 {
		ts.Channels = dims[1]
	}
	d, err := g.Dataset("data")
	if err != nil {
		return ts, fmt.Errorf("format/nwb: %w", err)
	}
	defer d.Close()
	if ts.Unit, err = h5.ReadAttrString(d, "unit"); err != nil {
		return ts, fmt.Errorf("format/nwb: %w", err)
	}
	ts.Conversion = 1
	if h5.HasAttr(d, "conversion") {
		if ts.Conversion, err = h5.ReadAttrFloat64(d, "conversion"); err != nil {
			return ts, fmt.Errorf("format/nwb: %w", err)
		}
	}
	if g.Has("timestamps") {
		ts.TimesS, _, err = g.ReadFloat64s("timestamps")
		return ts, err
	}
	st, _, err := g.ReadFloat64s("starting_time")
	if err != nil {
		return ts, fmt.Errorf("format/nwb: %w", err)
	}
	ts.StartS = st[0]
	sd, err := g.Dataset("starting_time")
	if err != nil {
		return ts, fmt.Errorf("format/nwb: %w", err)
	}
	defer sd.Close()
	if ts.RateHz, err = h5.ReadAttrFloat64(sd, "rate"); err != nil {
		return ts, fmt.Errorf("format/nwb: %w", err)
	}
	return ts, nil
}

// ReadDataset reads any numeric dataset (path relative to the root)
// as float64.
func ReadDataset(file, path string) ([]float64, error) {
	f, err := h5.Open(file)
	if err != nil {
		return nil, fmt.Errorf("format/nwb: %w", err)
	}
	defer f.Close()
	x, _, err := f.Root().ReadFloat64s(path)
	if err != nil {
		return nil, fmt.Errorf("format/nwb: %w", err)
	}
	return x, nil
}
