package stream_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/brain/stream"
)

var sinkSpikes int64

// BenchmarkCUBARecording times 100 ms of CUBA (Brette et al. 2007,
// docs/benchmarks.md) per iteration, after a 100 ms warm-up, without recording,
// with the in-memory spike recorders, and streaming every spike (and the
// V of 10 cells every step) to a file. The cost of recording is the ratio
// of stream to none, measured in one run:
//
//	go test ./brain/stream -run '^$' -bench CUBARecording -count 6
func BenchmarkCUBARecording(b *testing.B) {
	for _, n := range []int{4000, 64000} {
		for _, mode := range []string{"none", "memory", "stream"} {
			b.Run(mode+"/N="+strconv.Itoa(n), func(b *testing.B) {
				net, err := models.CUBA(n, 1)
				if err != nil {
					b.Fatal(err)
				}
				var rec *stream.Recorder
				var mems []*brain.SpikeRecorder
				switch mode {
				case "memory":
					for _, p := range net.Populations() {
						r, err := net.RecordSpikes(p)
						if err != nil {
							b.Fatal(err)
						}
						mems = append(mems, r)
					}
				case "stream":
					rec, err = stream.Create(filepath.Join(b.TempDir(), "cuba.nrs"), net, stream.Options{})
					if err != nil {
						b.Fatal(err)
					}
					for _, p := range net.Populations() {
						if err := rec.Spikes(p); err != nil {
							b.Fatal(err)
						}
					}
					if err := rec.State(net.Population("exc"), []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []string{"V"}, 1); err != nil {
						b.Fatal(err)
					}
				}
				ctx := context.Background()
				if err := net.Run(ctx, 100, nil); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if err := net.Run(ctx, 100, nil); err != nil {
						b.Fatal(err)
					}
				}
				if rec != nil {
					if err := rec.Close(); err != nil {
						b.Fatal(err)
					}
					for _, c := range rec.Counts() {
						sinkSpikes += c
					}
				}
				for _, m := range mems {
					sinkSpikes += int64(m.Len())
				}
			})
		}
	}
}
