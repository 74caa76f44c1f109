package nbhelpers_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/neuron-sim/neuron/nbhelpers"
)

// A raster of 200 000 spikes is thinned in Go to at most 50 000 marks before it reaches the
// browser; the chart states the exact count. In a notebook, nbhelpers.DisplayRaster(...) builds
// and shows it in one call; outside one, nbhelpers.WriteHTMLFile("raster.html", c) writes a
// page that draws offline.
func ExampleRasterChart() {
	rng := rand.New(rand.NewPCG(1, 2))
	exc := nbhelpers.Spikes{Label: "E", N: 4000}
	for range 200_000 {
		exc.TimesMS = append(exc.TimesMS, 1000*rng.Float64())
		exc.IDs = append(exc.IDs, int32(rng.IntN(exc.N)))
	}
	c, err := nbhelpers.RasterChart("exc", []nbhelpers.Spikes{exc}, nbhelpers.RasterOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Summary)
	fmt.Println(strings.HasPrefix(c.ID, "nbc-exc-"), strings.Contains(c.HTML(), `data-nbchart="exc"`))
	// Output:
	// 200000 spikes from 4000 neurons (exact); drawn: all 49866 spikes of 1000 neurons (every 4th neuron of each population)
	// true true
}

// Min/max decimation keeps the extremes of every bucket, so spikes survive.
func ExampleMinMaxDecimate() {
	t := make([]float64, 10000)
	v := make([]float64, 10000)
	for i := range t {
		t[i], v[i] = float64(i)*0.1, -65+float64(i%10)*0.1 // noise-like ripple
	}
	v[4321] = 20 // a spike
	dt, dv, _ := nbhelpers.MinMaxDecimate(t, v, 100)
	peak := 0.0
	for i := range dv {
		if dv[i] == 20 {
			peak = dt[i]
		}
	}
	fmt.Printf("%d points, spike kept at %.1f ms\n", len(dt), peak)
	// Output: 100 points, spike kept at 432.1 ms
}

// Outside a notebook, progress goes to a terminal bar; written to a file or a pipe it prints
// one line per 10 %.
func ExampleNewTerminalProgress() {
	var log bytes.Buffer
	p := nbhelpers.NewTerminalProgress(&log, "run")
	steps := p.Steps(0.1) // adapts func(step, totalSteps int64) callbacks, dt = 0.1 ms
	for s := int64(0); s <= 5000; s++ {
		steps(s, 5000)
	}
	lines := strings.Split(strings.TrimSpace(log.String()), "\n")
	fmt.Println(len(lines), "lines, e.g.", strings.SplitN(lines[5], " · ", 3)[:2])
	// Output: 11 lines, e.g. [run [###############---------------]  50% 250 / 500 ms]
}

// brain and NEST record V at the end of each step, so the step of a spike already holds the
// reset value and the sampled trace never shows the spike. SpikeStrokes draws each spike as a
// vertical stroke from the trace up to a peak (here 0 mV), leaving the samples unchanged.
func ExampleMembraneChart_spikeStrokes() {
	const dt = 0.1 // ms
	tr := nbhelpers.Traces{Labels: []string{"LIF"}}
	var v, spikes []float64
	V := -70.0
	for k := range 2000 {
		V += dt / 10 * (-(V + 70) + 25) // τm = 10 ms, R·I = 25 mV
		if V >= -50 {
			spikes = append(spikes, float64(k)*dt)
			V = -65
		}
		tr.TimeMS = append(tr.TimeMS, float64(k+1)*dt)
		v = append(v, V)
	}
	tr.Values = [][]float64{v}
	c, err := nbhelpers.MembraneChart("lif", tr, nbhelpers.MembraneOptions{
		SpikeTimesMS: [][]float64{spikes}, SpikeStrokes: true, SpikePeakMV: 0,
		Layout: nbhelpers.Layout{Subtitle: "τm = 10 ms, R·I = 25 mV", XName: "t (ms)"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Summary)
	x, y, _ := nbhelpers.SpikeStrokePoints(tr.TimeMS, v, spikes[:1], 0)
	fmt.Printf("first stroke at %.1f ms from %.2f mV to %.0f mV\n", x[0], y[0], y[1])
	// First spike near τm·ln(25/5) = 16.1 ms, then every τm·ln(20/5) = 13.9 ms: 14 in 200 ms.
	// The stroke starts at the last sample before the spike, just under threshold.
	// Output:
	// 14 spikes drawn as strokes to 0
	// first stroke at 16.0 ms from -50.01 mV to 0 mV
}
