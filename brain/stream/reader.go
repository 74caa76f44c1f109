package stream

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"slices"

	"github.com/neuron-sim/neuron/brain"
)

// File is a stream file opened for reading. Open reads only the block
// headers (and the small metadata blocks); data are read on demand, one
// block at a time.
type File struct {
	f        *os.File
	path     string
	meta     map[string]any
	streams  []*rstream
	complete bool
	totals   []int64
}

type blockRef struct {
	off         int64 // payload offset
	size        uint32
	first, last int64
	count       uint32
	crc         uint32
}

type rstream struct {
	info   StreamInfo
	blocks []blockRef
	total  int64
}

// Open reads the index of a stream file. A file whose writer did not
// Close it (a crashed run) opens up to its last complete block, with
// Complete false.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("brain/stream: %w", err)
	}
	sf := &File{f: f, path: path}
	if err := sf.index(); err != nil {
		f.Close()
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return sf, nil
}

func (sf *File) index() error {
	st, err := sf.f.Stat()
	if err != nil {
		return fmt.Errorf("brain/stream: %w", err)
	}
	size := st.Size()
	h := make([]byte, headerSize)
	if _, err := sf.f.ReadAt(h, 0); err != nil {
		return fmt.Errorf("%w: no header: %v", ErrFormat, err)
	}
	if string(h[:len(magic)]) != magic {
		return fmt.Errorf("%w: not a stream file (magic %q)", ErrFormat, h[:len(magic)])
	}
	if h[len(magic)] != version {
		return fmt.Errorf("%w: version %d, this reader knows %d", ErrFormat, h[len(magic)], version)
	}
	off := int64(headerSize)
	bh := make([]byte, blockSize)
	for off+blockSize <= size {
		if _, err := sf.f.ReadAt(bh, off); err != nil {
			return fmt.Errorf("brain/stream: block at %d: %w", off, err)
		}
		h, err := parseBlockHeader(bh)
		if err != nil {
			return fmt.Errorf("%w at byte %d", err, off)
		}
		off += blockSize
		if off+int64(h.size) > size {
			break // truncated payload: the writer stopped here
		}
		ref := blockRef{off: off, size: h.size, first: h.first, last: h.last, count: h.count, crc: h.crc}
		off += int64(h.size)
		switch h.kind {
		case kindMeta, kindDeclare, kindEnd:
			p, err := sf.payload(ref, nil)
			if err != nil {
				return err
			}
			if err := sf.control(h, p); err != nil {
				return err
			}
		default:
			k := int(h.stream) - 1
			if k < 0 || k >= len(sf.streams) {
				return fmt.Errorf("%w: block at %d of undeclared stream %d", ErrFormat, off, h.stream)
			}
			s := sf.streams[k]
			if (h.kind == kindSpikes) != (s.info.Kind == KindSpikes) {
				return fmt.Errorf("%w: block kind %d in %s stream %d", ErrFormat, h.kind, s.info.Kind, h.stream)
			}
			s.blocks = append(s.blocks, ref)
			s.total += int64(h.count)
		}
	}
	if sf.complete && sf.totals != nil {
		for k, s := range sf.streams {
			if k < len(sf.totals) && sf.totals[k] != s.total {
				return fmt.Errorf("%w: stream %d holds %d records, its end block says %d", ErrFormat, k+1, s.total, sf.totals[k])
			}
		}
	}
	return nil
}

func (sf *File) control(h blockHeader, p []byte) error {
	switch h.kind {
	case kindMeta:
		if err := json.Unmarshal(p, &sf.meta); err != nil {
			return fmt.Errorf("%w: meta: %v", ErrFormat, err)
		}
	case kindDeclare:
		var info StreamInfo
		if err := json.Unmarshal(p, &info); err != nil {
			return fmt.Errorf("%w: declare: %v", ErrFormat, err)
		}
		if info.ID != len(sf.streams)+1 || int(h.stream) != info.ID {
			return fmt.Errorf("%w: stream %d declared as number %d", ErrFormat, info.ID, len(sf.streams)+1)
		}
		if info.Kind != KindSpikes && info.Kind != KindState {
			return fmt.Errorf("%w: stream %d: kind %q", ErrFormat, info.ID, info.Kind)
		}
		if info.Kind == KindState && (info.Every < 1 || len(info.Neurons) == 0 || len(info.Variables) == 0) {
			return fmt.Errorf("%w: state stream %d: every %d, %d neurons, %d variables", ErrFormat, info.ID, info.Every, len(info.Neurons), len(info.Variables))
		}
		if !(info.DT > 0) || info.N <= 0 {
			return fmt.Errorf("%w: stream %d: dt %v ms, N %d", ErrFormat, info.ID, info.DT, info.N)
		}
		sf.streams = append(sf.streams, &rstream{info: info})
	case kindEnd:
		var e endInfo
		if err := json.Unmarshal(p, &e); err != nil {
			return fmt.Errorf("%w: end: %v", ErrFormat, err)
		}
		sf.complete, sf.totals = true, e.Totals
	}
	return nil
}

// payload reads and checks one block's payload into dst (grown as needed).
func (sf *File) payload(b blockRef, dst []byte) ([]byte, error) {
	dst = slices.Grow(dst[:0], int(b.size))[:b.size]
	if _, err := sf.f.ReadAt(dst, b.off); err != nil {
		return nil, fmt.Errorf("brain/stream: block at byte %d: %w", b.off, err)
	}
	if crc32.ChecksumIEEE(dst) != b.crc {
		return nil, fmt.Errorf("%w: block at byte %d: checksum mismatch", ErrFormat, b.off)
	}
	return dst, nil
}

// blocks calls fn, in file order, with every block of stream s whose
// steps overlap [from, to) and its verified payload (a buffer reused
// from one block to the next).
func (sf *File) blocks(s *rstream, from, to int64, fn func(b blockRef, p []byte) error) error {
	var buf []byte
	for _, b := range s.blocks {
		if b.last < from || b.first >= to {
			continue
		}
		p, err := sf.payload(b, buf)
		if err != nil {
			return err
		}
		buf = p
		if err := fn(b, p); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the file.
func (sf *File) Close() error { return sf.f.Close() }

// Meta is the metadata the recorder was given (Options.Meta).
func (sf *File) Meta() map[string]any { return sf.meta }

// Complete reports whether the recorder closed the file (false: the file
// ends with the last block written before the writer stopped).
func (sf *File) Complete() bool { return sf.complete }

// Streams describes every stream of the file, in declaration order.
func (sf *File) Streams() []StreamInfo {
	out := make([]StreamInfo, len(sf.streams))
	for k, s := range sf.streams {
		out[k] = s.info
	}
	return out
}

func (sf *File) find(kind, name string) (*rstream, error) {
	var names []string
	for _, s := range sf.streams {
		if s.info.Kind == kind && s.info.Name == name {
			return s, nil
		}
		if s.info.Kind == kind {
			names = append(names, s.info.Name)
		}
	}
	return nil, fmt.Errorf("%w: %s: no %s stream named %q (have %q)", ErrNoStream, sf.path, kind, name, names)
}

// Spikes returns the spike stream of the population or source name.
func (sf *File) Spikes(name string) (*Spikes, error) {
	s, err := sf.find(KindSpikes, name)
	if err != nil {
		return nil, err
	}
	return &Spikes{Info: s.info, f: sf, s: s}, nil
}

// State returns the (first) state stream of population name.
func (sf *File) State(name string) (*State, error) {
	s, err := sf.find(KindState, name)
	if err != nil {
		return nil, err
	}
	return &State{Info: s.info, f: sf, s: s}, nil
}

// Spikes reads one spike stream.
type Spikes struct {
	Info StreamInfo
	f    *File
	s    *rstream
}

// Len is the number of spikes in the stream.
func (sp *Spikes) Len() int64 { return sp.s.total }

// Bytes is the size of the stream's blocks in the file (headers and
// payloads).
func (sp *Spikes) Bytes() int64 { return sp.s.bytes() }

func (s *rstream) bytes() int64 {
	var n int64
	for _, b := range s.blocks {
		n += blockSize + int64(b.size)
	}
	return n
}

// Each calls fn for every step in [fromStep, toStep) with spikes, in step
// order, with the neurons that spiked (in recorded order; the slice is
// reused after fn returns). It reads one block at a time.
func (sp *Spikes) Each(fromStep, toStep int64, fn func(step int64, neurons []int32) error) error {
	var ids []int32
	return sp.f.blocks(sp.s, fromStep, toStep, func(b blockRef, p []byte) error {
		step := b.first
		var got uint32
		for len(p) > 0 {
			d, n := binary.Uvarint(p)
			if n <= 0 {
				return sp.corrupt(b)
			}
			c, m := binary.Uvarint(p[n:])
			if m <= 0 || c > uint64(len(p)) {
				return sp.corrupt(b)
			}
			p = p[n+m:]
			step += int64(d)
			ids = ids[:0]
			prev := int64(0)
			for range c {
				u, k := binary.Uvarint(p)
				if k <= 0 {
					return sp.corrupt(b)
				}
				p = p[k:]
				prev += unzigzag(u)
				if prev < 0 || prev >= int64(sp.Info.N) {
					return fmt.Errorf("%w: block at byte %d: neuron %d outside [0, %d)", ErrFormat, b.off, prev, sp.Info.N)
				}
				ids = append(ids, int32(prev))
			}
			got += uint32(c)
			if step >= fromStep && step < toStep {
				if err := fn(step, ids); err != nil {
					return err
				}
			}
		}
		if got != b.count || step != b.last {
			return sp.corrupt(b)
		}
		return nil
	})
}

func (sp *Spikes) corrupt(b blockRef) error {
	return fmt.Errorf("%w: spike block at byte %d does not decode", ErrFormat, b.off)
}

// LastStep is the last step with a spike, or −1 with none.
func (sp *Spikes) LastStep() int64 {
	if len(sp.s.blocks) == 0 {
		return -1
	}
	return sp.s.blocks[len(sp.s.blocks)-1].last
}

// Recorder loads the whole stream into a brain.SpikeRecorder: the same
// steps and neurons, in the same order, as the in-memory recorder of the
// same run (8 bytes per spike).
func (sp *Spikes) Recorder() (*brain.SpikeRecorder, error) {
	r, err := brain.NewSpikeRecorder(sp.Info.N, sp.Info.DT)
	if err != nil {
		return nil, err
	}
	r.Reserve(int(sp.Len()))
	err = sp.Each(0, math.MaxInt64, func(step int64, ids []int32) error {
		r.Record(step, ids)
		return nil
	})
	return r, err
}

// stepRange converts a time window [startMS, endMS) of spike times
// (step+1)·dt into the steps whose spikes fall in it.
func stepRange(startMS, endMS, dt float64) (int64, int64) {
	from := int64(math.Ceil(startMS/dt-1-1e-9)) - 1
	to := int64(math.Ceil(endMS/dt-1+1e-9)) + 1
	return max(from, 0), max(to, 0)
}

// Window returns the spikes with time in [startMS, endMS) of the neurons
// in [lo, hi), as parallel slices of times (ms) and neuron indices: what a
// raster of that part of the run draws.
func (sp *Spikes) Window(startMS, endMS float64, lo, hi int) (timesMS []float64, ids []int32, err error) {
	if !(endMS > startMS) || lo < 0 || hi <= lo {
		return nil, nil, fmt.Errorf("brain/stream: Window: [%v, %v) ms, neurons [%d, %d): empty or invalid", startMS, endMS, lo, hi)
	}
	dt := sp.Info.DT
	from, to := stepRange(startMS, endMS, dt)
	err = sp.Each(from, to, func(step int64, n []int32) error {
		t := float64(step+1) * dt
		if t < startMS || t >= endMS {
			return nil
		}
		for _, i := range n {
			if int(i) >= lo && int(i) < hi {
				timesMS = append(timesMS, t)
				ids = append(ids, i)
			}
		}
		return nil
	})
	return timesMS, ids, err
}

// Counts returns the number of spikes of every neuron.
func (sp *Spikes) Counts() ([]int, error) {
	c := make([]int, sp.Info.N)
	err := sp.Each(0, math.MaxInt64, func(_ int64, n []int32) error {
		for _, i := range n {
			c[i]++
		}
		return nil
	})
	return c, err
}

// Rate bins the spikes with time in [startMS, endMS) into bins of binMS
// and returns the bin centres (ms) and the population rate (Hz): count /
// (N · binMS/1000). A last partial bin is divided by its true width.
func (sp *Spikes) Rate(startMS, endMS, binMS float64) (centersMS, rateHz []float64, err error) {
	if !(binMS > 0) || !(endMS > startMS) || math.IsInf(endMS-startMS, 0) {
		return nil, nil, fmt.Errorf("brain/stream: Rate: window [%v, %v) ms, bin %v ms: invalid", startMS, endMS, binMS)
	}
	nb := int(math.Ceil((endMS - startMS) / binMS * (1 - 1e-12)))
	if nb > 1e7 {
		return nil, nil, fmt.Errorf("brain/stream: Rate: %d bins of %v ms: want ≤ 1e7", nb, binMS)
	}
	counts := make([]float64, nb)
	dt := sp.Info.DT
	from, to := stepRange(startMS, endMS, dt)
	err = sp.Each(from, to, func(step int64, n []int32) error {
		t := float64(step+1) * dt
		if t < startMS || t >= endMS {
			return nil
		}
		counts[min(int((t-startMS)/binMS), nb-1)] += float64(len(n))
		return nil
	})
	centersMS = make([]float64, nb)
	for k := range counts {
		lo := startMS + float64(k)*binMS
		hi := min(lo+binMS, endMS)
		centersMS[k] = (lo + hi) / 2
		counts[k] /= float64(sp.Info.N) * (hi - lo) / 1000
	}
	return centersMS, counts, err
}

// State reads one stream of sampled state variables.
type State struct {
	Info StreamInfo
	f    *File
	s    *rstream
}

// Len is the number of samples.
func (st *State) Len() int64 { return st.s.total }

// Bytes is the size of the stream's blocks in the file (headers and
// payloads).
func (st *State) Bytes() int64 { return st.s.bytes() }

// each calls fn for every sample with step in [from, to), with its values
// (variable-major, len(Variables)·len(Neurons), still encoded).
func (st *State) each(from, to int64, fn func(step int64, vals []byte)) error {
	width := 8 * len(st.Info.Neurons) * len(st.Info.Variables)
	return st.f.blocks(st.s, from, to, func(b blockRef, p []byte) error {
		step := b.first
		var got uint32
		for len(p) > 0 {
			d, n := binary.Uvarint(p)
			if n <= 0 || len(p) < n+width {
				return fmt.Errorf("%w: sample block at byte %d does not decode", ErrFormat, b.off)
			}
			step += int64(d)
			if step >= from && step < to {
				fn(step, p[n:n+width])
			}
			p = p[n+width:]
			got++
		}
		if got != b.count || step != b.last {
			return fmt.Errorf("%w: sample block at byte %d: %d samples, header says %d", ErrFormat, b.off, got, b.count)
		}
		return nil
	})
}

// Times returns the sample times (ms): (step+1)·dt.
func (st *State) Times() ([]float64, error) {
	t := make([]float64, 0, st.Len())
	err := st.each(0, math.MaxInt64, func(step int64, _ []byte) {
		t = append(t, float64(step+1)*st.Info.DT)
	})
	return t, err
}

func (st *State) column(neuron int, variable string) (int, error) {
	vi := slices.Index(st.Info.Variables, variable)
	if vi < 0 {
		return 0, fmt.Errorf("brain/stream: state %q: variable %q not recorded (have %v)", st.Info.Name, variable, st.Info.Variables)
	}
	ni := slices.Index(st.Info.Neurons, neuron)
	if ni < 0 {
		return 0, fmt.Errorf("brain/stream: state %q: neuron %d not recorded", st.Info.Name, neuron)
	}
	return vi*len(st.Info.Neurons) + ni, nil
}

// Trace returns every sample of one variable of one recorded neuron, as
// brain.StateRecorder.Trace does.
func (st *State) Trace(neuron int, variable string) ([]float64, error) {
	_, v, err := st.TraceWindow(neuron, variable, math.Inf(-1), math.Inf(1))
	return v, err
}

// TraceWindow returns the samples of one variable of one neuron with time
// in [startMS, endMS): their times (ms) and values.
func (st *State) TraceWindow(neuron int, variable string, startMS, endMS float64) (timesMS, values []float64, err error) {
	c, err := st.column(neuron, variable)
	if err != nil {
		return nil, nil, err
	}
	if !(endMS > startMS) {
		return nil, nil, fmt.Errorf("brain/stream: TraceWindow: [%v, %v) ms: empty", startMS, endMS)
	}
	from, to := int64(0), int64(math.MaxInt64)
	if !math.IsInf(startMS, 0) || !math.IsInf(endMS, 0) {
		from, to = stepRange(max(startMS, -1e300), min(endMS, 1e300), st.Info.DT)
		if math.IsInf(endMS, 1) {
			to = math.MaxInt64
		}
	}
	err = st.each(from, to, func(step int64, vals []byte) {
		t := float64(step+1) * st.Info.DT
		if t < startMS || t >= endMS {
			return
		}
		timesMS = append(timesMS, t)
		values = append(values, math.Float64frombits(binary.LittleEndian.Uint64(vals[8*c:])))
	})
	return timesMS, values, err
}

// ErrNoStream is wrapped when a file has no stream of the asked kind and
// name.
var ErrNoStream = errors.New("brain/stream: no such stream")
