package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime/debug"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/brain/stream"
)

func init() {
	register(command{
		name:    "record",
		summary: "run a benchmark network and stream every spike to a file in bounded memory; JSON on stdout",
		run:     runRecord,
	})
}

const recordSynopsis = `--model cuba --n 64000 --ms 1000 --out run.nrs [--verify] [--nwb run.nwb] [--sonata spikes.h5] [--sonata-network DIR]

Runs CUBA or COBA (Brette et al. 2007) for --ms of simulated time while a
brain/stream Recorder writes every spike (and, with --trace-cells, the V of
the first cells every --every steps) to --out. --out "" runs the same network
without recording (the baseline of a memory comparison). The JSON result
gives the spikes, a hash of every (population, step, neuron) taken during the
run, the peak resident memory (VmHWM) and the wall time. --verify reads the
file back afterwards, block by block, and checks that it gives the same
spikes (count and hash). --nwb and --sonata convert the file, and
--sonata-network writes the network's SONATA node and edge files (these need a
build with HDF5, the default when cgo is on).`

// recordResult is the JSON written by "neuron record".
type recordResult struct {
	Model       string  `json:"model"`
	N           int     `json:"n"`
	Seed        uint64  `json:"seed"`
	SimMS       float64 `json:"sim_ms"`
	Spikes      int64   `json:"spikes"`
	Hash        string  `json:"hash"`
	Recording   bool    `json:"recording"`
	FileBytes   int64   `json:"file_bytes,omitempty"`
	BytesSpike  float64 `json:"bytes_per_spike,omitempty"`
	Buffers     int     `json:"buffers,omitempty"`
	Stalls      int     `json:"stalls"`
	StallMS     float64 `json:"stall_ms"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
	RunSeconds  float64 `json:"run_s"`
	Verified    *bool   `json:"verified,omitempty"`
	ReadSpikes  int64   `json:"read_spikes,omitempty"`
	ReadHash    string  `json:"read_hash,omitempty"`
	ReadSeconds float64 `json:"read_s,omitempty"`
	ReadPeakMB  float64 `json:"peak_rss_after_read_mb,omitempty"`
}

// spikeHash is a Monitor folding every spike of every population into an
// FNV-1a hash in O(1) memory (the order is the recorders' order).
type spikeHash struct {
	h uint64
	n int64
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (s *spikeHash) add(pop int, step int64, ids []int32) {
	for _, i := range ids {
		for _, x := range [3]uint64{uint64(pop), uint64(step), uint64(i)} {
			s.h = (s.h ^ x) * fnvPrime
		}
	}
	s.n += int64(len(ids))
}

func (s *spikeHash) Observe(v *brain.StepView) error {
	for k := range v.NumPopulations() {
		s.add(k, v.Step(), v.Spikes(k))
	}
	return nil
}

func runRecord(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("record", recordSynopsis, stderr)
	model := fs.String("model", "cuba", "network: cuba or coba")
	n := fs.Int("n", 4000, "number of neurons")
	seed := fs.Uint64("seed", 1, "network seed")
	ms := fs.Float64("ms", 1000, "simulated time (ms)")
	out := fs.String("out", "", "stream file to write (empty: run without recording)")
	traceCells := fs.Int("trace-cells", 0, "also record V of the first this many excitatory cells")
	every := fs.Int("every", 10, "state sampling: every this many steps")
	verify := fs.Bool("verify", false, "read the file back and compare count and hash")
	nwbPath := fs.String("nwb", "", "also convert the file to NWB 2 (HDF5)")
	sonataPath := fs.String("sonata", "", "also convert the spikes to a SONATA spike file (HDF5)")
	networkDir := fs.String("sonata-network", "", "also write the network as SONATA node and edge files into this directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var net *brain.Network
	var err error
	switch *model {
	case "cuba":
		net, err = models.CUBA(*n, *seed)
	case "coba":
		net, err = models.COBA(*n, *seed)
	default:
		return fmt.Errorf("--model %q: want cuba or coba", *model)
	}
	if err != nil {
		return err
	}
	if !(*ms > 0) || math.IsInf(*ms, 0) {
		return fmt.Errorf("--ms %v: must be a finite number > 0", *ms)
	}
	if *out == "" && (*verify || *nwbPath != "" || *sonataPath != "") {
		return errors.New("--verify, --nwb and --sonata need --out")
	}
	hash := &spikeHash{h: fnvOffset}
	if err := net.AddMonitor(hash); err != nil {
		return err
	}
	meta := map[string]any{"program": "neuron record", "version": moduleVersion(), "model": *model, "n": *n, "seed": *seed, "duration_ms": *ms}
	var rec *stream.Recorder
	if *out != "" {
		if rec, err = stream.Create(*out, net, stream.Options{Meta: meta}); err != nil {
			return err
		}
		for _, p := range net.Populations() {
			if err := rec.Spikes(p); err != nil {
				return err
			}
		}
		if *traceCells > 0 {
			exc := net.Population("exc")
			cells := make([]int, min(*traceCells, exc.N))
			for i := range cells {
				cells[i] = i
			}
			if err := rec.State(exc, cells, []string{"V", "IE", "II"}, *every); err != nil {
				return err
			}
		}
	}
	start := time.Now()
	if err := net.Run(context.Background(), *ms, nil); err != nil {
		return err
	}
	res := recordResult{Model: *model, N: *n, Seed: *seed, SimMS: *ms, Spikes: hash.n,
		Hash: fmt.Sprintf("%016x", hash.h), Recording: rec != nil}
	if rec != nil {
		n, wait := rec.Stalls()
		res.Buffers, res.Stalls, res.StallMS = rec.Buffers(), n, float64(wait)/1e6
		if err := rec.Close(); err != nil {
			return err
		}
	}
	res.RunSeconds = time.Since(start).Seconds()
	res.PeakRSSMB = float64(peakRSSKB()) / 1024
	if rec != nil {
		if st, err := os.Stat(*out); err == nil {
			res.FileBytes = st.Size()
			res.BytesSpike = float64(st.Size()) / float64(max(hash.n, 1))
		}
	}
	if *verify {
		t0 := time.Now()
		h, cnt, err := hashFile(*out, net)
		if err != nil {
			return err
		}
		ok := h == hash.h && cnt == hash.n
		res.Verified, res.ReadSpikes, res.ReadHash = &ok, cnt, fmt.Sprintf("%016x", h)
		res.ReadSeconds = time.Since(t0).Seconds()
		res.ReadPeakMB = float64(peakRSSKB()) / 1024
		if !ok {
			defer func() { fmt.Fprintln(stderr, "neuron record: the file does not give back the recorded spikes") }()
		}
	}
	if *nwbPath != "" || *sonataPath != "" {
		if err := convertRecording(*out, *nwbPath, *sonataPath, net, meta); err != nil {
			return err
		}
	}
	if *networkDir != "" {
		if err := writeSONATANetwork(*networkDir, net); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	if res.Verified != nil && !*res.Verified {
		return errors.New("verification failed")
	}
	return nil
}

// hashFile folds the spikes of a stream file into the hash spikeHash
// computes during the run: the populations' streams are merged step by
// step, in population order, reading every stream block by block.
func hashFile(path string, net *brain.Network) (uint64, int64, error) {
	f, err := stream.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	pops := net.Populations()
	its := make([]*stepIter, len(pops))
	for k, p := range pops {
		sp, err := f.Spikes(p.Name)
		if err != nil {
			return 0, 0, err
		}
		its[k] = newStepIter(sp)
	}
	defer func() {
		for _, it := range its {
			it.stop()
		}
	}()
	h := &spikeHash{h: fnvOffset}
	for {
		step := int64(math.MaxInt64)
		for _, it := range its {
			if it.ok && it.step < step {
				step = it.step
			}
		}
		if step == math.MaxInt64 {
			break
		}
		for k, it := range its {
			if it.ok && it.step == step {
				h.add(k, step, it.ids)
				it.next()
			}
		}
	}
	for _, it := range its {
		if it.err != nil {
			return 0, 0, it.err
		}
	}
	return h.h, h.n, nil
}

// stepIter walks one spike stream step by step (Spikes.Each driven from a
// goroutine, one step at a time).
type stepIter struct {
	ch   chan stepSpikes
	done chan struct{}
	step int64
	ids  []int32
	ok   bool
	err  error
	errc chan error
}

type stepSpikes struct {
	step int64
	ids  []int32
}

func newStepIter(sp *stream.Spikes) *stepIter {
	it := &stepIter{ch: make(chan stepSpikes, 64), done: make(chan struct{}), errc: make(chan error, 1)}
	go func() {
		err := sp.Each(0, math.MaxInt64, func(step int64, ids []int32) error {
			select {
			case it.ch <- stepSpikes{step, append([]int32(nil), ids...)}:
				return nil
			case <-it.done:
				return errors.New("stopped")
			}
		})
		it.errc <- err
		close(it.ch)
	}()
	it.next()
	return it
}

func (it *stepIter) next() {
	s, ok := <-it.ch
	it.step, it.ids, it.ok = s.step, s.ids, ok
	if !ok {
		if err := <-it.errc; err != nil {
			it.err = err
		}
	}
}

func (it *stepIter) stop() {
	select {
	case <-it.done:
	default:
		close(it.done)
	}
}

// moduleVersion is the module version (or VCS revision) the binary was
// built from.
func moduleVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}
