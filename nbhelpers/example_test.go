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
