package brain

import (
	"context"
	"testing"
	"time"
)

func runBench(t *testing.T, name string, build func(int, uint64) (*Network, error), n int, seed uint64, ms float64) (rateE, rateI float64, spikes int) {
	t.Helper()
	net, err := build(n, seed)
	if err != nil {
		t.Fatal(err)
	}
	exc, inh := net.Population("exc"), net.Population("inh")
	re, _ := net.RecordSpikes(exc)
	ri, _ := net.RecordSpikes(inh)
	t0 := time.Now()
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
	t.Logf("%s n=%d: build %v run %v; exc %.2f Hz inh %.2f Hz; %d spikes; %.2f B/syn", name, n, tb, tr, rateE, rateI, re.Len()+ri.Len(), net.Projections()[0].BytesPerSynapse())
	return rateE, rateI, re.Len() + ri.Len()
}

func TestCUBARate(t *testing.T) {
	runBench(t, "CUBA", CUBA, 4000, 1, 1000)
}

func TestCOBARate(t *testing.T) {
	runBench(t, "COBA", COBA, 4000, 1, 1000)
}
