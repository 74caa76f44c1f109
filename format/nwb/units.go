package nwb

import (
	"errors"
	"fmt"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/stream"
	"github.com/neuron-sim/neuron/format/internal/h5"
	"github.com/neuron-sim/neuron/format/internal/spikes"
)

// Population is the spikes of one population, read in step order by its
// Each (as many times as the writer needs: once to count, then once per
// pass). It is the same type as sonata.Population.
type Population = spikes.Population

// FromRecorder returns the spikes of an in-memory recorder.
func FromRecorder(name string, r *brain.SpikeRecorder) Population {
	return spikes.FromRecorder(name, r)
}

// FromStream returns the spikes of a stream file's spike stream, read
// block by block.
func FromStream(sp *stream.Spikes) Population { return spikes.FromStream(sp) }

// DefaultMaxSpikesInMemory bounds the spike times held while writing the
// units table (8 bytes each: 32 MB).
const DefaultMaxSpikesInMemory = 1 << 22

// Units configures the units table.
type Units struct {
	// Description of the table; "" gives a default.
	Description string
	// MaxSpikesInMemory bounds the spike times buffered per pass (0:
	// DefaultMaxSpikesInMemory). More spikes take more passes over the
	// sources.
	MaxSpikesInMemory int
}

// AddUnits writes /units: one row per cell of every population, in order.
func (w *Writer) AddUnits(pops []Population, o Units) (err error) {
	if w.units {
		return errors.New("format/nwb: AddUnits called twice")
	}
	if len(pops) == 0 {
		return errors.New("format/nwb: AddUnits: no populations")
	}
	if o.MaxSpikesInMemory == 0 {
		o.MaxSpikesInMemory = DefaultMaxSpikesInMemory
	}
	if o.MaxSpikesInMemory < 1 {
		return fmt.Errorf("format/nwb: AddUnits: MaxSpikesInMemory = %d: must be ≥ 1", o.MaxSpikesInMemory)
	}
	if o.Description == "" {
		o.Description = "every cell of every simulated population, one row each, with its spike times"
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("format/nwb: units: %w", err)
		}
	}()
	// Pass 0: spike counts per cell.
	var rows int
	counts := make([][]int64, len(pops))
	for g, p := range pops {
		if p.N < 1 || !(p.DT > 0) || p.Each == nil {
			return fmt.Errorf("population %q: N = %d, DT = %v, Each nil = %v", p.Name, p.N, p.DT, p.Each == nil)
		}
		c := make([]int64, p.N)
		err := p.Each(func(_ int64, cells []int32) error {
			for _, i := range cells {
				if i < 0 || int(i) >= p.N {
					return fmt.Errorf("population %q: cell %d outside [0, %d)", p.Name, i, p.N)
				}
				c[i]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		counts[g] = c
		rows += p.N
	}
	ends := make([]uint64, 0, rows)
	var total uint64
	for _, c := range counts {
		for _, n := range c {
			total += uint64(n)
			ends = append(ends, total)
		}
	}
	root := w.f.Root()
	u, err := root.Create("units")
	if err != nil {
		return err
	}
	defer u.Close()
	if err := typed(u, "core", "Units"); err != nil {
		return err
	}
	if err := h5.AttrString(u, "description", o.Description); err != nil {
		return err
	}
	if err := h5.AttrStrings(u, "colnames", []string{"spike_times", "population", "cell"}); err != nil {
		return err
	}
	// id
	ids := make([]int64, rows)
	for i := range ids {
		ids[i] = int64(i)
	}
	d, err := u.Int64s("id", ids)
	if err != nil {
		return err
	}
	err = typed(d, "hdmf-common", "ElementIdentifiers")
	d.Close()
	if err != nil {
		return err
	}
	// population and cell columns
	popCol := make([]string, 0, rows)
	cellCol := make([]int32, 0, rows)
	for _, p := range pops {
		for i := range p.N {
			popCol = append(popCol, p.Name)
			cellCol = append(cellCol, int32(i))
		}
	}
	if d, err = u.Strings("population", popCol); err != nil {
		return err
	}
	err = column(d, "the population of the cell")
	d.Close()
	if err != nil {
		return err
	}
	if d, err = u.Int32s("cell", cellCol); err != nil {
		return err
	}
	err = column(d, "the index of the cell within its population")
	d.Close()
	if err != nil {
		return err
	}
	// spike_times, filled in passes of at most MaxSpikesInMemory spikes.
	st, err := u.NewFloat64s("spike_times", int(total))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := column(st, "spike times of each cell (s): a spike of step k is at (k+1)·dt"); err != nil {
		return err
	}
	if err := h5.AttrFloat64(st, "resolution", pops[0].DT/1000); err != nil {
		return err
	}
	if err := writeSpikeTimes(st, pops, ends, o.MaxSpikesInMemory); err != nil {
		return err
	}
	idx, err := u.Uint64s("spike_times_index", ends)
	if err != nil {
		return err
	}
	defer idx.Close()
	if err := typed(idx, "hdmf-common", "VectorIndex"); err != nil {
		return err
	}
	if err := h5.AttrString(idx, "description", "index into spike_times: row r's spikes end before spike_times_index[r]"); err != nil {
		return err
	}
	if err := idx.AttrRef("target", st.Path()); err != nil {
		return err
	}
	w.units = true
	return nil
}

func column(d *h5.Dataset, desc string) error {
	if err := typed(d, "hdmf-common", "VectorData"); err != nil {
		return err
	}
	return h5.AttrString(d, "description", desc)
}

// writeSpikeTimes fills spike_times: rows are cut into runs holding at
// most limit spikes (a row with more gets a run of its own), and each run is
// filled by one pass over the populations it spans.
func writeSpikeTimes(st *h5.Dataset, pops []Population, ends []uint64, limit int) error {
	// global row of population g's cell 0
	base := make([]int, len(pops)+1)
	for g, p := range pops {
		base[g+1] = base[g] + p.N
	}
	rows := base[len(pops)]
	start := func(r int) uint64 {
		if r == 0 {
			return 0
		}
		return ends[r-1]
	}
	var buf []float64
	cursor := make([]uint64, 0)
	for lo := 0; lo < rows; {
		hi := lo + 1
		for hi < rows && ends[hi]-start(lo) <= uint64(limit) {
			hi++
		}
		n := int(ends[hi-1] - start(lo))
		if n == 0 {
			lo = hi
			continue
		}
		buf = append(buf[:0], make([]float64, n)...)
		cursor = append(cursor[:0], make([]uint64, hi-lo)...)
		for r := lo; r < hi; r++ {
			cursor[r-lo] = start(r) - start(lo)
		}
		for g, p := range pops {
			a, b := max0(lo-base[g]), min(hi-base[g], p.N)
			if a >= b {
				continue
			}
			dt := p.DT
			off := base[g] - lo
			err := p.Each(func(step int64, cells []int32) error {
				t := float64(step+1) * dt / 1000
				for _, i := range cells {
					if int(i) >= a && int(i) < b {
						c := &cursor[int(i)+off]
						buf[*c] = t
						*c++
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		for r := lo; r < hi; r++ {
			if cursor[r-lo] != ends[r]-start(lo) {
				return fmt.Errorf("spike source changed between passes (row %d)", r)
			}
		}
		if err := st.WriteFloat64s(int(start(lo)), n, buf); err != nil {
			return err
		}
		lo = hi
	}
	return nil
}

func max0(x int) int { return max(x, 0) }
