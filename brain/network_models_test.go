package brain

import (
	"context"
	"testing"
	"time"
)

func runBench(t *testing.T, name string, build func(int, uint64) (*Network, error), n int, seed uint64, ms float64) (rateE, rateI float64) {
	t.Helper()
	t0 := time.Now()
	net := must(build(n, seed))
	exc, inh := net.Population("exc"), net.Population("inh")
	re := must(net.RecordSpikes(exc))
	ri := must(net.RecordSpikes(inh))
	if err := net.Build(); err != nil {
		t.Fatal(err)
	}
	tb := time.Since(t0)
	t0 = time.Now()
	if err := net.Run(context.Background(), ms, nil); err != nil {
		t.Fatal(err)
	}
	tr := time.Since(t0)
	rateE = float64(re.Len()) / float64(exc.N) / (ms / 1000)
	rateI = float64(ri.Len()) / float64(inh.N) / (ms / 1000)
	var syn int
	var bytes int64
	for _, p := range net.Projections() {
		syn += p.NumSynapses()
		bytes += p.Bytes()
	}
	t.Logf("%s n=%d seed=%d: build %v, run %v; exc %.2f Hz, inh %.2f Hz; %d spikes; %d synapses, %.2f B/synapse",
		name, n, seed, tb.Round(time.Millisecond), tr.Round(time.Millisecond), rateE, rateI, re.Len()+ri.Len(), syn, float64(bytes)/float64(syn))
	return rateE, rateI
}
