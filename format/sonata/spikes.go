// Package sonata writes SONATA files (the Blue Brain Project and Allen
// Institute format, HDF5) of simulated networks: spike files and the
// node and edge files of a network.
//
// A spike file holds, for every population, /spikes/<population>/ with
// the datasets timestamps (float64, ms; attribute units "ms") and
// node_ids (uint64, the cell's index in its population), one entry per
// spike, and the attribute sorting (an enum none/by_id/by_time): the
// spikes are written in time order, "by_time". A spike of step k is at
// (k+1)·dt ms, as in brain.SpikeRecorder.
//
// Spikes are read from their source twice (once to count, once to write)
// and written in slabs, so memory stays bounded whatever their number.
// Debian's HDF5 is built without thread safety: write from one goroutine
// at a time.
package sonata

import (
	"errors"
	"fmt"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/stream"
	"github.com/neuron-sim/neuron/format/internal/h5"
	"github.com/neuron-sim/neuron/format/internal/spikes"
)

// Population is the spikes of one population, read in step order (the
// same type as nwb.Population).
type Population = spikes.Population

// FromRecorder returns the spikes of an in-memory recorder.
func FromRecorder(name string, r *brain.SpikeRecorder) Population {
	return spikes.FromRecorder(name, r)
}

// FromStream returns the spikes of a stream file's spike stream.
func FromStream(sp *stream.Spikes) Population { return spikes.FromStream(sp) }

// sortings are the members of the sorting enum, in the order of their
// values.
var sortings = []string{"none", "by_id", "by_time"}

// slab is the number of spikes written at once.
const slab = 1 << 20

// SpikeWriter writes one SONATA spike file.
type SpikeWriter struct {
	f     *h5.File
	g     *h5.Group
	path  string
	names map[string]bool
}

// CreateSpikes creates a spike file.
func CreateSpikes(path string) (*SpikeWriter, error) {
	f, err := h5.Create(path)
	if err != nil {
		return nil, fmt.Errorf("format/sonata: %w", err)
	}
	g, err := f.Root().Create("spikes")
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("format/sonata: %w", err)
	}
	return &SpikeWriter{f: f, g: g, path: path, names: map[string]bool{}}, nil
}

// AddPopulation writes the spikes of p as /spikes/<p.Name>.
func (w *SpikeWriter) AddPopulation(p Population) (err error) {
	if p.Name == "" || p.N < 1 || !(p.DT > 0) || p.Each == nil {
		return fmt.Errorf("format/sonata: population %q: N = %d, DT = %v, Each nil = %v", p.Name, p.N, p.DT, p.Each == nil)
	}
	if w.names[p.Name] {
		return fmt.Errorf("format/sonata: population %q written twice", p.Name)
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("format/sonata: population %q: %w", p.Name, err)
		}
	}()
	var total int
	err = p.Each(func(_ int64, cells []int32) error {
		for _, i := range cells {
			if i < 0 || int(i) >= p.N {
				return fmt.Errorf("cell %d outside [0, %d)", i, p.N)
			}
		}
		total += len(cells)
		return nil
	})
	if err != nil {
		return err
	}
	g, err := w.g.Create(p.Name)
	if err != nil {
		return err
	}
	defer g.Close()
	if err := h5.AttrEnum(g, "sorting", sortings, 2); err != nil {
		return err
	}
	ts, err := g.NewFloat64s("timestamps", total)
	if err != nil {
		return err
	}
	defer ts.Close()
	if err := h5.AttrString(ts, "units", "ms"); err != nil {
		return err
	}
	ids, err := g.NewUint64s("node_ids", total)
	if err != nil {
		return err
	}
	defer ids.Close()
	tb := make([]float64, 0, min(total, slab))
	ib := make([]uint64, 0, min(total, slab))
	at := 0
	flush := func() error {
		if err := ts.WriteFloat64s(at, len(tb), tb); err != nil {
			return err
		}
		if err := ids.WriteUint64s(at, ib); err != nil {
			return err
		}
		at += len(tb)
		tb, ib = tb[:0], ib[:0]
		return nil
	}
	err = p.Each(func(step int64, cells []int32) error {
		t := float64(step+1) * p.DT
		for _, i := range cells {
			if at+len(tb) >= total {
				return errors.New("spike source changed between passes")
			}
			tb = append(tb, t)
			ib = append(ib, uint64(i))
			if len(tb) == slab {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil && at != total {
		err = fmt.Errorf("spike source changed between passes: %d spikes, then %d", total, at)
	}
	if err != nil {
		return err
	}
	w.names[p.Name] = true
	return nil
}

// Close finishes the file.
func (w *SpikeWriter) Close() error {
	w.g.Close()
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("format/sonata: %w", err)
	}
	return nil
}

// Spikes are the spikes of one population of a spike file.
type Spikes struct {
	TimestampsMS []float64
	NodeIDs      []uint64
}

// ReadSpikes reads population pop of a SONATA spike file. Times are
// returned in ms whatever the timestamps' units attribute says ("ms",
// or "s", which the SONATA specification also allows; none means ms);
// other units are an error.
func ReadSpikes(path, pop string) (Spikes, error) {
	f, err := h5.Open(path)
	if err != nil {
		return Spikes{}, fmt.Errorf("format/sonata: %w", err)
	}
	defer f.Close()
	g, err := f.Root().Open("spikes/" + pop)
	if err != nil {
		return Spikes{}, fmt.Errorf("format/sonata: %w", err)
	}
	defer g.Close()
	var s Spikes
	if s.TimestampsMS, _, err = g.ReadFloat64s("timestamps"); err != nil {
		return s, fmt.Errorf("format/sonata: %w", err)
	}
	// A file of another tool may give seconds: read as ms, its times
	// came out 1000 times too early.
	scale := 1.0
	d, err := g.Dataset("timestamps")
	if err != nil {
		return s, fmt.Errorf("format/sonata: %w", err)
	}
	if h5.HasAttr(d, "units") {
		u, err := h5.ReadAttrString(d, "units")
		switch {
		case err != nil:
			d.Close()
			return s, fmt.Errorf("format/sonata: %s: spikes/%s/timestamps: %w", path, pop, err)
		case u == "s":
			scale = 1000
		case u != "ms":
			d.Close()
			return s, fmt.Errorf("format/sonata: %s: spikes/%s/timestamps: units %q: want \"ms\" or \"s\"", path, pop, u)
		}
	}
	d.Close()
	if scale != 1 {
		for k := range s.TimestampsMS {
			s.TimestampsMS[k] *= scale
		}
	}
	ids, _, err := g.ReadInt64s("node_ids")
	if err != nil {
		return s, fmt.Errorf("format/sonata: %w", err)
	}
	if len(ids) != len(s.TimestampsMS) {
		return s, fmt.Errorf("format/sonata: %s: %d timestamps, %d node_ids", path, len(s.TimestampsMS), len(ids))
	}
	s.NodeIDs = make([]uint64, len(ids))
	for k, i := range ids {
		s.NodeIDs[k] = uint64(i)
	}
	return s, nil
}
