package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/neuron-sim/neuron/brain"
)

func init() {
	register(command{
		name:    "soak",
		summary: "long-run check: memory over time and checkpoint reloads against an uninterrupted run",
		run:     runSoak,
	})
}

const soakSynopsis = `[--cells 20000] [--duration 10m] [--check 1m] [--chunk 100]

Runs a recurrent network of --cells cells (80 % excitatory, 20 % inhibitory,
Poisson drive) for --duration of wall time in chunks of --chunk ms of
simulated time, recording spikes in bounded mode (counted and reset every
chunk). After every chunk it samples the Go heap and the process RSS; every
--check of wall time it reloads the network's checkpoint into a twin network
built the same way and, at the next check, compares the two bit for bit.
It prints the memory samples and the verdicts (memory flat or not, every
reload identical or not) and fails if a reload differs.`

func runSoak(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("soak", soakSynopsis, stderr)
	cells := fs.Int("cells", 20000, "number of cells")
	duration := fs.Duration("duration", 10*time.Minute, "wall time to run")
	check := fs.Duration("check", time.Minute, "wall time between checkpoint reloads")
	chunk := fs.Float64("chunk", 100, "simulated ms per chunk")
	seed := fs.Uint64("seed", 1, "network seed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cells < 10 || *duration <= 0 || *check <= 0 || !(*chunk >= 1 && *chunk <= 1e5) {
		return fmt.Errorf("soak: --cells ≥ 10, --duration and --check > 0, --chunk in [1, 1e5] ms (got %d, %v, %v, %v)", *cells, *duration, *check, *chunk)
	}
	net, rec, err := soakNetwork(*cells, *seed, true)
	if err != nil {
		return err
	}
	twin, _, err := soakNetwork(*cells, *seed, false) // no recorder: its memory stays that of the network
	if err != nil {
		return err
	}
	ctx := context.Background()
	start := time.Now()
	nextCheck := start.Add(*check)
	twinLive := false
	liveFrom := 0           // first sample with both networks live (memory is judged from there)
	var heap, rss []float64 // MB, one sample per chunk
	spikes, reloads, matches := 0, 0, 0
	fmt.Fprintf(stdout, "soak: %d cells, chunks of %g ms, %v wall, reload every %v\n", *cells, *chunk, *duration, *check)
	fmt.Fprintf(stdout, "%8s %10s %10s %10s %10s\n", "wall_s", "sim_ms", "spikes", "heap_MB", "rss_MB")
	for time.Since(start) < *duration {
		if err := net.Run(ctx, *chunk, nil); err != nil {
			return err
		}
		if twinLive {
			if err := twin.Run(ctx, *chunk, nil); err != nil {
				return err
			}
		}
		spikes += rec.Len()
		rec.Reset()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = append(heap, float64(ms.HeapAlloc)/1e6)
		rss = append(rss, residentMB())
		if len(heap)%10 == 1 {
			fmt.Fprintf(stdout, "%8.1f %10.0f %10d %10.1f %10.1f\n", time.Since(start).Seconds(), net.TimeMS(), spikes, heap[len(heap)-1], rss[len(rss)-1])
		}
		if time.Now().After(nextCheck) {
			nextCheck = time.Now().Add(*check)
			a, err := net.MarshalBinary()
			if err != nil {
				return err
			}
			if twinLive {
				b, err := twin.MarshalBinary()
				if err != nil {
					return err
				}
				if bytes.Equal(a, b) {
					matches++
				}
				fmt.Fprintf(stdout, "check at t = %g ms: reloaded twin identical to the uninterrupted run: %v\n", net.TimeMS(), bytes.Equal(a, b))
			}
			if err := twin.UnmarshalBinary(a); err != nil {
				return err
			}
			if !twinLive {
				liveFrom = len(heap) + 1
			}
			twinLive = true
			reloads++
		}
	}
	compared := reloads - 1
	if twinLive {
		// the last reload is compared at the end
		a, _ := net.MarshalBinary()
		b, _ := twin.MarshalBinary()
		if bytes.Equal(a, b) {
			matches++
		}
		compared++
	}
	flat, growth := memoryFlat(heap[min(liveFrom, len(heap)):])
	fmt.Fprintf(stdout, "simulated %g ms in %.0f s wall; %d spikes (%.2f Hz per cell)\n", net.TimeMS(), time.Since(start).Seconds(), spikes, float64(spikes)/float64(*cells)/(net.TimeMS()/1000))
	fmt.Fprintf(stdout, "heap MB over %d samples: min %.1f, max %.1f; with the twin live (from sample %d), second half vs first half %+.1f%%: flat = %v\n", len(heap), minOf(heap), maxOf(heap), liveFrom, 100*growth, flat)
	fmt.Fprintf(stdout, "rss MB: min %.1f, max %.1f\n", minOf(rss), maxOf(rss))
	fmt.Fprintf(stdout, "checkpoint reloads compared: %d, identical: %d\n", max(compared, 0), matches)
	if compared > 0 && matches != compared {
		return errors.New("soak: a network reloaded from its checkpoint diverged from the uninterrupted run")
	}
	if !flat {
		return errors.New("soak: memory grew over the run")
	}
	return nil
}

// soakNetwork builds the soak network: a Brunel-style balanced network
// of LIF cells (Generic preset) with Poisson drive.
func soakNetwork(cells int, seed uint64, record bool) (*brain.Network, *brain.SpikeRecorder, error) {
	nE := cells * 4 / 5
	exc, err := brain.NewPopulation("exc", nE, brain.Generic())
	if err != nil {
		return nil, nil, err
	}
	ip := brain.Generic()
	ip.Inhibitory = true
	inh, err := brain.NewPopulation("inh", cells-nE, ip)
	if err != nil {
		return nil, nil, err
	}
	drive, err := brain.NewPoissonGroup("drive", 1000, 10)
	if err != nil {
		return nil, nil, err
	}
	net := brain.NewNetwork(0.1, seed)
	p := 50.0 / float64(cells) // about 50 inputs per cell from each side
	for _, c := range []struct {
		pre, post *brain.Population
		w         float64
	}{{exc, exc, 20}, {exc, inh, 20}, {inh, exc, -80}, {inh, inh, -80}} {
		if _, err := net.Connect(c.pre, c.post, brain.FixedProbability{P: p}, brain.SynapseSpec{Weight: brain.Const(c.w), Delay: brain.Const(1.5)}); err != nil {
			return nil, nil, err
		}
	}
	for _, post := range []*brain.Population{exc, inh} {
		if _, err := net.ConnectSource(drive, post, brain.FixedInDegree{K: 40}, brain.SynapseSpec{Weight: brain.Const(60)}); err != nil {
			return nil, nil, err
		}
	}
	if !record {
		return net, nil, nil
	}
	rec, err := net.RecordSpikes(exc)
	if err != nil {
		return nil, nil, err
	}
	return net, rec, nil
}

// memoryFlat compares the mean of the second half of the samples with the
// first half (after the first sample): growth below 10 % is flat.
func memoryFlat(x []float64) (bool, float64) {
	if len(x) < 5 {
		return true, 0
	}
	x = x[1:]
	h := len(x) / 2
	a, b := soakMean(x[:h]), soakMean(x[h:])
	g := (b - a) / a
	return g < 0.1, g
}

func soakMean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func minOf(x []float64) float64 {
	m := x[0]
	for _, v := range x {
		m = min(m, v)
	}
	return m
}

func maxOf(x []float64) float64 {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	return m
}

// residentMB is the process's resident set (MB) from /proc/self/statm, or
// 0 where it cannot be read.
func residentMB() float64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseFloat(f[1], 64)
	if err != nil {
		return 0
	}
	return pages * float64(os.Getpagesize()) / 1e6
}
