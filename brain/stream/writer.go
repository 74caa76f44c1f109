package stream

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/neuron-sim/neuron/brain"
)

// Options configure a Recorder.
type Options struct {
	// BufferBytes is the size of one buffer (bytes); 0 means 1 MiB. A
	// buffer grows beyond it only when one step's spikes or one sample do
	// not fit.
	BufferBytes int
	// Buffers is the number of spare buffers the step loop swaps a full
	// one for (≥ 1; 0 means 2). Memory is (streams + Buffers)·BufferBytes.
	Buffers int
	// Meta is stored as the file's metadata (JSON): provenance such as the
	// program version, the seed and the parameters.
	Meta map[string]any
}

// maxStreams bounds the streams of one file (the free-buffer queue is
// sized for them).
const maxStreams = 4000

// ErrClosed is returned when a closed Recorder is asked to record.
var ErrClosed = errors.New("brain/stream: recorder closed")

// Recorder writes streams of spikes and state samples to one file while a
// network runs. Declare streams with Spikes, SourceSpikes and State
// (before a Run or between Runs), and Close it after the last Run. Its
// methods are not safe for concurrent use; the network calls it from one
// goroutine.
type Recorder struct {
	path string
	dt   float64
	net  *brain.Network
	opt  Options

	f       *os.File
	out     io.Writer // f (tests slow it down)
	spikes  []*wstream
	states  []*wstream
	streams []*wstream
	free    chan []byte
	jobs    chan job
	done    chan struct{}
	closed  bool

	mu  sync.Mutex
	err error // first write error

	buffers   int           // buffers allocated (spares, one per stream, grown ones)
	stalls    int           // times the step loop waited for a spare buffer
	stallTime time.Duration // and how long in all
}

// wstream is one stream being written.
type wstream struct {
	info  StreamInfo
	kind  byte
	index int         // population index, or −1−source index (spikes)
	src   [][]float64 // per variable, the population's slice (state)
	width int         // values per sample (state)

	buf         []byte
	first, prev int64
	count       uint32
	total       int64
}

type job struct {
	h       blockHeader
	buf     []byte
	recycle bool
	barrier chan struct{}
}

// Create opens path for writing (truncating it) and returns a recorder
// added to net as a monitor: from now on it records every step of every
// Run, of the streams declared on it.
func Create(path string, net *brain.Network, o Options) (*Recorder, error) {
	if net == nil {
		return nil, errors.New("brain/stream: Create: nil network")
	}
	if o.BufferBytes == 0 {
		o.BufferBytes = 1 << 20
	}
	if o.Buffers == 0 {
		o.Buffers = 2
	}
	if o.BufferBytes < 256 {
		return nil, fmt.Errorf("brain/stream: Create: BufferBytes = %d: must be ≥ 256", o.BufferBytes)
	}
	if o.Buffers < 1 {
		return nil, fmt.Errorf("brain/stream: Create: Buffers = %d: must be ≥ 1", o.Buffers)
	}
	dt := net.DT
	if dt == 0 {
		dt = brain.DefaultDT
	}
	meta := []byte("{}")
	if o.Meta != nil {
		var err error
		if meta, err = json.Marshal(o.Meta); err != nil {
			return nil, fmt.Errorf("brain/stream: Create: Meta: %w", err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("brain/stream: %w", err)
	}
	if _, err := f.Write(fileHeader()); err != nil {
		f.Close()
		return nil, fmt.Errorf("brain/stream: %w", err)
	}
	r := &Recorder{
		path: path, dt: dt, net: net, opt: o, f: f, out: f, buffers: o.Buffers,
		free: make(chan []byte, maxStreams+o.Buffers),
		jobs: make(chan job, maxStreams+o.Buffers+16),
		done: make(chan struct{}),
	}
	for range o.Buffers {
		r.free <- make([]byte, 0, o.BufferBytes)
	}
	go r.write()
	r.control(kindMeta, 0, meta)
	if err := net.AddMonitor(r); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// Path is the file being written.
func (r *Recorder) Path() string { return r.path }

// write is the writer goroutine: it writes each job's block and returns
// the buffer to the free queue.
func (r *Recorder) write() {
	defer close(r.done)
	hdr := make([]byte, 0, blockSize)
	for j := range r.jobs {
		if j.barrier != nil {
			close(j.barrier)
			continue
		}
		if r.error() == nil {
			j.h.size = uint32(len(j.buf))
			j.h.crc = crc32.ChecksumIEEE(j.buf)
			hdr = j.h.append(hdr[:0])
			if _, err := r.out.Write(hdr); err != nil {
				r.fail(err)
			} else if _, err := r.out.Write(j.buf); err != nil {
				r.fail(err)
			}
		}
		if j.recycle {
			r.free <- j.buf[:0]
		}
	}
}

func (r *Recorder) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = fmt.Errorf("brain/stream: writing %s: %w", r.path, err)
	}
	r.mu.Unlock()
}

func (r *Recorder) error() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// control queues a meta, declare or end block.
func (r *Recorder) control(kind byte, stream uint16, payload []byte) {
	r.jobs <- job{h: blockHeader{kind: kind, stream: stream}, buf: payload}
}

func (r *Recorder) declare(s *wstream) error {
	if r.closed {
		return ErrClosed
	}
	if len(r.streams) >= maxStreams {
		return fmt.Errorf("brain/stream: more than %d streams in one file", maxStreams)
	}
	s.info.ID = len(r.streams) + 1
	s.info.DT = r.dt
	p, err := json.Marshal(s.info)
	if err != nil {
		return fmt.Errorf("brain/stream: %w", err)
	}
	s.buf = make([]byte, 0, r.opt.BufferBytes)
	r.buffers++
	r.streams = append(r.streams, s)
	r.control(kindDeclare, uint16(s.info.ID), p)
	return nil
}

// Spikes records every spike of pop (added to the network if needed).
func (r *Recorder) Spikes(pop *brain.Population) error {
	if pop == nil {
		return errors.New("brain/stream: Spikes: nil population")
	}
	if err := r.net.AddPopulation(pop); err != nil {
		return err
	}
	k := slices.Index(r.net.Populations(), pop)
	s := &wstream{info: StreamInfo{Kind: KindSpikes, Name: pop.Name, N: pop.N}, kind: kindSpikes, index: k}
	if err := r.declare(s); err != nil {
		return err
	}
	r.spikes = append(r.spikes, s)
	return nil
}

// SourceSpikes records every spike a spike source emits (in emission
// order within a step).
func (r *Recorder) SourceSpikes(src brain.Source) error {
	if src == nil {
		return errors.New("brain/stream: SourceSpikes: nil source")
	}
	if err := r.net.AddSource(src); err != nil {
		return err
	}
	k := slices.Index(r.net.Sources(), src)
	s := &wstream{info: StreamInfo{Kind: KindSpikes, Name: src.SourceName(), Source: true, N: src.Len()}, kind: kindSpikes, index: -1 - k}
	if err := r.declare(s); err != nil {
		return err
	}
	r.spikes = append(r.spikes, s)
	return nil
}

// State records the named variables (Population.VarNames) of the given
// neurons of pop after every step k with k % every == 0, like
// brain.Network.RecordState.
func (r *Recorder) State(pop *brain.Population, neurons []int, variables []string, every int) error {
	if pop == nil {
		return errors.New("brain/stream: State: nil population")
	}
	if every < 1 {
		return fmt.Errorf("brain/stream: State: every = %d: must be ≥ 1", every)
	}
	if len(neurons) == 0 || len(variables) == 0 {
		return fmt.Errorf("brain/stream: State: no neurons (%d) or no variables (%d)", len(neurons), len(variables))
	}
	for _, i := range neurons {
		if i < 0 || i >= pop.N {
			return fmt.Errorf("brain/stream: State: neuron %d: out of range [0, %d)", i, pop.N)
		}
	}
	src := make([][]float64, len(variables))
	for k, v := range variables {
		s, err := variable(pop, v)
		if err != nil {
			return err
		}
		src[k] = s
	}
	if err := r.net.AddPopulation(pop); err != nil {
		return err
	}
	s := &wstream{
		info: StreamInfo{Kind: KindState, Name: pop.Name, N: pop.N, Neurons: slices.Clone(neurons),
			Variables: slices.Clone(variables), Every: int64(every)},
		kind: kindSamples, src: src, width: len(neurons) * len(variables),
	}
	if err := r.declare(s); err != nil {
		return err
	}
	r.states = append(r.states, s)
	return nil
}

// variable returns the state slice of pop named v (pop.VarNames: the
// brain.StateVariables, or a NeuronModel's variables).
func variable(pop *brain.Population, v string) ([]float64, error) {
	if s := pop.Var(v); s != nil {
		return s, nil
	}
	return nil, fmt.Errorf("brain/stream: State: variable %q of population %q: unknown (want one of %v)", v, pop.Name, pop.VarNames())
}

// recordStep records the spikes and samples of step; spikes(k) returns
// the spikes of population k (k ≥ 0) or of source −1−k.
func (r *Recorder) recordStep(step int64, spikes func(k int) []int32) error {
	if r.closed {
		return nil
	}
	if err := r.error(); err != nil {
		return err
	}
	for _, s := range r.spikes {
		if sp := spikes(s.index); len(sp) > 0 {
			r.addSpikes(s, step, sp)
		}
	}
	for _, s := range r.states {
		if step%s.info.Every == 0 {
			r.addSample(s, step)
		}
	}
	return nil
}

// room makes sure s.buf can take need more bytes, swapping a full buffer
// for a spare one.
func (r *Recorder) room(s *wstream, need int) {
	if len(s.buf)+need > cap(s.buf) {
		r.flush(s)
		if need > cap(s.buf) {
			s.buf = make([]byte, 0, need)
			r.buffers++
		}
	}
}

func (r *Recorder) addSpikes(s *wstream, step int64, sp []int32) {
	r.room(s, 2*binary.MaxVarintLen64+binary.MaxVarintLen32*len(sp))
	if len(s.buf) == 0 {
		s.first, s.prev = step, step
	}
	b := binary.AppendUvarint(s.buf, uint64(step-s.prev))
	b = binary.AppendUvarint(b, uint64(len(sp)))
	prev := int64(0)
	for _, i := range sp {
		b = binary.AppendUvarint(b, zigzag(int64(i)-prev))
		prev = int64(i)
	}
	s.buf = b
	s.prev = step
	s.count += uint32(len(sp))
	s.total += int64(len(sp))
}

func (r *Recorder) addSample(s *wstream, step int64) {
	r.room(s, binary.MaxVarintLen64+8*s.width)
	if len(s.buf) == 0 {
		s.first, s.prev = step, step
	}
	b := binary.AppendUvarint(s.buf, uint64(step-s.prev))
	for _, src := range s.src {
		for _, i := range s.info.Neurons {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(src[i]))
		}
	}
	s.buf = b
	s.prev = step
	s.count++
	s.total++
}

// flush hands s's buffer to the writer and takes a spare one (waiting,
// if every spare is being written, for one write to finish).
func (r *Recorder) flush(s *wstream) {
	if len(s.buf) == 0 {
		return
	}
	r.jobs <- job{h: blockHeader{kind: s.kind, stream: uint16(s.info.ID), first: s.first, last: s.prev, count: s.count}, buf: s.buf, recycle: true}
	select {
	case s.buf = <-r.free:
	default:
		t0 := time.Now()
		s.buf = <-r.free
		r.stalls++
		r.stallTime += time.Since(t0)
	}
	s.count = 0
}

// Flush writes every buffered spike and sample to the file and waits
// until they are written. The network's Run calls it at its end.
func (r *Recorder) Flush() error {
	if r.closed {
		return r.error()
	}
	for _, s := range r.streams {
		r.flush(s)
	}
	b := make(chan struct{})
	r.jobs <- job{barrier: b}
	<-b
	return r.error()
}

// Counts returns the spikes (spike streams) or samples (state streams)
// recorded so far, by stream ID − 1.
func (r *Recorder) Counts() []int64 {
	c := make([]int64, len(r.streams))
	for k, s := range r.streams {
		c[k] = s.total
	}
	return c
}

// Stalls reports how often the step loop found no spare buffer and waited
// for the writer to finish one, and how long it waited in all. A disk that
// keeps up gives 0.
func (r *Recorder) Stalls() (n int, wait time.Duration) { return r.stalls, r.stallTime }

// Buffers is the number of buffers the recorder has allocated: Options.Buffers
// spares plus one per stream (plus one per step or sample larger than a
// buffer). It does not grow with the length of the run.
func (r *Recorder) Buffers() int { return r.buffers }

type endInfo struct {
	Totals []int64 `json:"totals"`
}

// Close flushes, writes the end block and closes the file. Steps after
// Close are not recorded.
func (r *Recorder) Close() error {
	if r.closed {
		return r.error()
	}
	for _, s := range r.streams {
		r.flush(s)
	}
	p, _ := json.Marshal(endInfo{Totals: r.Counts()})
	r.control(kindEnd, 0, p)
	r.closed = true
	close(r.jobs)
	<-r.done
	err := r.error()
	if e := r.f.Close(); e != nil && err == nil {
		err = fmt.Errorf("brain/stream: %w", e)
	}
	for _, s := range r.streams {
		s.buf = nil
	}
	return err
}
