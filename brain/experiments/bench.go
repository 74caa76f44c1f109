package experiments

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
)

// Measurement is one timed run of a benchmark network (models.CUBA or models.COBA).
type Measurement struct {
	Model            string
	N                int
	Synapses         int64
	Spikes           int64
	RateExc, RateInh float64 // Hz
	BuildS, RunS     float64 // wall s; RunS per simulated second
	Events           int64   // synaptic events per simulated second
	ConnBytes        int64   // connectivity storage (Projection.Bytes)
	HeapBytes        float64 // live heap held by the network after the run
	Exc, Inh         *brain.SpikeRecorder
}

// MeanRate is the population mean rate (80 % excitatory, 20 % inhibitory; Hz).
func (m Measurement) MeanRate() float64 { return 0.8*m.RateExc + 0.2*m.RateInh }

// SimPerWall is simulated seconds per wall-clock second.
func (m Measurement) SimPerWall() float64 { return 1 / m.RunS }

// EventsPerS is synaptic events per wall-clock second.
func (m Measurement) EventsPerS() float64 { return float64(m.Events) / m.RunS }

// BytesPerSynapse is the connectivity storage per synapse.
func (m Measurement) BytesPerSynapse() float64 { return float64(m.ConnBytes) / float64(m.Synapses) }

func liveHeap() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc)
}

// MeasureBenchmark builds model ("CUBA" or "COBA") with n neurons, records every spike, runs
// it for durMS and returns the timings, counts and memory. Timings are wall-clock and noisy on
// a shared machine; the counts and rates are deterministic for a seed.
func MeasureBenchmark(model string, n int, durMS float64, seed uint64) (Measurement, error) {
	build := models.CUBA
	switch model {
	case "CUBA":
	case "COBA":
		build = models.COBA
	default:
		return Measurement{}, fmt.Errorf("experiments: MeasureBenchmark: model %q, want CUBA or COBA", model)
	}
	if !(durMS > 0) {
		return Measurement{}, fmt.Errorf("experiments: MeasureBenchmark: durMS = %v, want > 0", durMS)
	}
	heap0 := liveHeap()
	t0 := time.Now()
	net, err := build(n, seed)
	if err != nil {
		return Measurement{}, err
	}
	m := Measurement{Model: model, N: n}
	if m.Exc, err = net.RecordSpikes(net.Population("exc")); err != nil {
		return m, err
	}
	if m.Inh, err = net.RecordSpikes(net.Population("inh")); err != nil {
		return m, err
	}
	if err := net.Build(); err != nil {
		return m, err
	}
	m.BuildS = time.Since(t0).Seconds()
	t1 := time.Now()
	if err := net.Run(context.Background(), durMS, nil); err != nil {
		return m, err
	}
	m.RunS = time.Since(t1).Seconds() * 1000 / durMS
	m.Events = int64(float64(net.SynapticEvents()) * 1000 / durMS)
	for _, p := range net.Projections() {
		m.Synapses += int64(p.NumSynapses())
		m.ConnBytes += p.Bytes()
	}
	m.Spikes = int64(m.Exc.Len() + m.Inh.Len())
	sec := durMS / 1000
	m.RateExc = float64(m.Exc.Len()) / float64(net.Population("exc").N) / sec
	m.RateInh = float64(m.Inh.Len()) / float64(net.Population("inh").N) / sec
	m.HeapBytes = liveHeap() - heap0
	runtime.KeepAlive(net)
	return m, nil
}

// ProportionalFit returns the least-squares line through the origin, y ≈ k·x, evaluated at x.
func ProportionalFit(x, y []float64) []float64 {
	var sxy, sxx float64
	for i := range x {
		sxy += x[i] * y[i]
		sxx += x[i] * x[i]
	}
	out := make([]float64, len(x))
	for i := range x {
		out[i] = sxy / sxx * x[i]
	}
	return out
}

// MeasurementHead are the column names of [MeasurementRows].
var MeasurementHead = []string{"network", "synapses", "spikes", "rate exc / inh (Hz)", "build (s)",
	"run (s per sim-s)", "sim-s / wall-s", "events / s", "B / synapse", "heap (MB)"}

// MeasurementRows formats measurements as table rows (see MeasurementHead), rounded for reading.
func MeasurementRows(ms ...Measurement) [][]string {
	rows := make([][]string, len(ms))
	for i, m := range ms {
		rows[i] = []string{fmt.Sprintf("%s %d", m.Model, m.N), fmt.Sprint(m.Synapses), fmt.Sprint(m.Spikes),
			fmt.Sprintf("%.2f / %.2f", m.RateExc, m.RateInh), fmt.Sprintf("%.3f", m.BuildS), fmt.Sprintf("%.3f", m.RunS),
			fmt.Sprintf("%.2f", m.SimPerWall()), fmt.Sprintf("%.3g", m.EventsPerS()), fmt.Sprintf("%.2f", m.BytesPerSynapse()),
			fmt.Sprintf("%.1f", m.HeapBytes/1e6)}
	}
	return rows
}
