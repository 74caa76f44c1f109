// Package dist runs one brain.Network over several ranks.
//
// Local gives ranks that are goroutines of one process, joined by a
// shared-memory brain.Comm: it is what the tests use to check that 1, 2
// and 4 ranks give the spikes of one process, bit for bit, without MPI.
// Across machines, brain/dist/mpi provides the same Comm over MPI (built
// with -tags mpi). Run and Merge work with either.
package dist

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/neuron-sim/neuron/brain"
)

// hub is the meeting point of the ranks of a Local job.
type hub struct {
	mu     sync.Mutex
	cond   *sync.Cond
	size   int
	gen    uint64    // completed collective calls
	here   int       // ranks arrived at the current call
	parts  [][]int32 // per rank: payload of the current call
	result []int32   // the concatenation of the last completed call
	counts []int
	gone   int // the first rank that left (−1: none)
}

// LocalComm is one rank of a Local job.
type LocalComm struct {
	h      *hub
	rank   int
	closed bool
}

// Local returns the size ranks of a job whose ranks are goroutines of this
// process (size ≥ 1). Each rank must be used by one goroutine.
func Local(size int) ([]*LocalComm, error) {
	if size < 1 {
		return nil, fmt.Errorf("dist: Local: size = %d must be ≥ 1", size)
	}
	h := &hub{size: size, parts: make([][]int32, size), counts: make([]int, size), gone: -1}
	h.cond = sync.NewCond(&h.mu)
	cs := make([]*LocalComm, size)
	for r := range cs {
		cs[r] = &LocalComm{h: h, rank: r}
	}
	return cs, nil
}

// Rank is this rank.
func (c *LocalComm) Rank() int { return c.rank }

// Size is the number of ranks.
func (c *LocalComm) Size() int { return c.h.size }

// AllGather implements brain.Comm: it waits for every rank's call.
func (c *LocalComm) AllGather(dst []int32, counts []int, send []int32) ([]int32, error) {
	h := c.h
	if len(counts) != h.size {
		return dst, fmt.Errorf("dist: AllGather: %d counts for %d ranks", len(counts), h.size)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.closed {
		return dst, fmt.Errorf("dist: AllGather: rank %d is closed", c.rank)
	}
	if h.gone >= 0 {
		return dst, fmt.Errorf("rank %d left the job", h.gone)
	}
	gen := h.gen
	h.parts[c.rank] = append(h.parts[c.rank][:0], send...)
	h.here++
	if h.here == h.size {
		h.result = h.result[:0]
		for r, p := range h.parts {
			h.result = append(h.result, p...)
			h.counts[r] = len(p)
		}
		h.here = 0
		h.gen++
		h.cond.Broadcast()
	} else {
		for h.gen == gen && h.gone < 0 {
			h.cond.Wait()
		}
		if h.gen == gen {
			return dst, fmt.Errorf("rank %d left the job", h.gone)
		}
	}
	// Every rank copies the result of call gen before any rank can
	// complete call gen+1 (which needs all of them).
	copy(counts, h.counts)
	return append(dst[:0], h.result...), nil
}

// Close leaves the job: ranks waiting in, or later calling, AllGather get
// an error naming this rank (what a rank that dies looks like to the
// others).
func (c *LocalComm) Close() {
	h := c.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	if h.gone < 0 {
		h.gone = c.rank
	}
	h.cond.Broadcast()
}

// Run runs body once per rank of a Local job of size ranks, each in its
// own goroutine, and returns every rank's error (joined). A rank whose body
// returns closes its Comm, so a rank that stops early releases the others
// with an error instead of leaving them waiting.
func Run(size int, body func(c brain.Comm) error) error {
	cs, err := Local(size)
	if err != nil {
		return err
	}
	errs := make([]error, size)
	var wg sync.WaitGroup
	for r, c := range cs {
		wg.Go(func() {
			defer c.Close()
			defer func() {
				if p := recover(); p != nil {
					errs[r] = fmt.Errorf("dist: rank %d panicked: %v", r, p)
				}
			}()
			errs[r] = body(c)
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Merge returns the synapses of projection p of every rank in the order a
// single process stores them (rows by presynaptic cell; within a row by
// delay, then target), as triples. Every rank must call it (it is a
// collective call) after the same Runs.
func Merge(c brain.Comm, p *brain.Projection) ([]Synapse, error) {
	var send []int32
	for s := range p.NumSynapses() {
		pre, post, d := p.Synapse(s)
		w := float32(p.Weight(s))
		send = append(send, int32(pre), int32(post), int32(d), int32(math.Float32bits(w)))
	}
	counts := make([]int, c.Size())
	all, err := c.AllGather(nil, counts, send)
	if err != nil {
		return nil, err
	}
	syn := make([]Synapse, 0, len(all)/4)
	for k := 0; k+3 < len(all); k += 4 {
		syn = append(syn, Synapse{Pre: int(all[k]), Post: int(all[k+1]), DelaySteps: int(all[k+2]),
			Weight: float64(math.Float32frombits(uint32(all[k+3])))})
	}
	// Each rank's list is in single-process order restricted to its
	// targets, and targets of different ranks differ: a stable sort by
	// (pre, delay, post) restores the whole order.
	slices.SortStableFunc(syn, func(a, b Synapse) int {
		if a.Pre != b.Pre {
			return a.Pre - b.Pre
		}
		if a.DelaySteps != b.DelaySteps {
			return a.DelaySteps - b.DelaySteps
		}
		return a.Post - b.Post
	})
	return syn, nil
}

// Synapse is one synapse of a merged projection.
type Synapse struct {
	Pre, Post  int
	DelaySteps int
	Weight     float64 // magnitude, as Projection.Weight
}
