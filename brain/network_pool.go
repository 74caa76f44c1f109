package brain

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelMinNeurons is the network size (neurons plus spike generators)
// from which Run spreads the independent parts of a step over several
// cores by default.
const parallelMinNeurons = 10000

// pool runs the independent tasks of one step phase on a fixed set of
// goroutines that live for one Run. Tasks are whole units (a population,
// a source, the projections into one synaptic variable), each always done
// by exactly one goroutine in a fixed internal order, so results do not
// depend on how many goroutines there are or which one takes which task.
type pool struct {
	wake  []chan func(int)
	next  atomic.Int64
	count int64
	wg    sync.WaitGroup
}

func newPool(workers int) *pool {
	p := &pool{wake: make([]chan func(int), workers-1)}
	for w := range p.wake {
		ch := make(chan func(int))
		p.wake[w] = ch
		go func() {
			for f := range ch {
				p.drain(f)
				p.wg.Done()
			}
		}()
	}
	return p
}

func (p *pool) drain(f func(int)) {
	for {
		k := p.next.Add(1) - 1
		if k >= p.count {
			return
		}
		f(int(k))
	}
}

// run calls f(0), …, f(n−1), spread over the pool, and waits for all.
func (p *pool) run(n int, f func(int)) {
	if n <= 1 || len(p.wake) == 0 {
		for k := range n {
			f(k)
		}
		return
	}
	p.count = int64(n)
	p.next.Store(0)
	w := min(len(p.wake), n-1)
	p.wg.Add(w)
	for _, ch := range p.wake[:w] {
		ch <- f
	}
	p.drain(f)
	p.wg.Wait()
}

func (p *pool) close() {
	for _, ch := range p.wake {
		close(ch)
	}
}

// workers is the number of goroutines Run uses.
func (n *Network) workers() int {
	w := n.Workers
	if w == 0 {
		size := 0
		for _, p := range n.pops {
			size += p.N
		}
		for _, s := range n.srcs {
			size += s.Len()
		}
		if size < parallelMinNeurons {
			return 1
		}
		w = runtime.GOMAXPROCS(0)
	}
	return max(w, 1)
}
