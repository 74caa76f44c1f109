package brain

import (
	"context"
	"testing"
)

var benchSink int64

// BenchmarkNetworkStep times one network step of the standard models
// after a 100 ms warm-up (per-step cost; multiply by 10 000 for 1 s).
func BenchmarkNetworkStep(b *testing.B) {
	for _, c := range []struct {
		name  string
		build func() (*Network, error)
	}{
		{"CUBA-4000", func() (*Network, error) { return CUBA(4000, 1) }},
		{"COBA-4000", func() (*Network, error) { return COBA(4000, 1) }},
		{"Song-1000", func() (*Network, error) { return SongSTDP(1) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			net, err := c.build()
			if err != nil {
				b.Fatal(err)
			}
			if err := net.Run(context.Background(), 100, nil); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := net.stepOnce(); err != nil {
					b.Fatal(err)
				}
			}
			benchSink += net.Step()
		})
	}
}
