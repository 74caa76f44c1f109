package experiments

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models"
)

// Bi & Poo (1998, J Neurosci 18:10464) pairing protocol and the exponential fit of their window
// (van Rossum, Bi & Turrigiano 2000, J Neurosci 20:8812; Bi & Poo 2001, Annu Rev Neurosci 24:139).
const (
	BiPooTauPlus  = 16.8   // ms
	BiPooTauMinus = 33.7   // ms
	BiPooLTP      = 0.777  // relative change after 60 pairings, Δt → 0⁺
	BiPooLTD      = 0.273  // relative change after 60 pairings, Δt → 0⁻ (magnitude)
	BiPooPairings = 60     // pairings per synapse
	BiPooPeriodMS = 1000.0 // pairing period (1 Hz)
)

// Pairing is the result of PairingRun.
type Pairing struct {
	Proj     *brain.Projection     // the plastic projection (pre cell i → post cell i)
	Measured [][]float64           // measured Δt = t_post − t_pre of every pairing of every cell (ms)
	Weights  *brain.WeightRecorder // every cell's synapse over time (nil unless every > 0)
}

// PairingRun plays pre/post pairings onto one postsynaptic LIF cell per row of dts (Δt =
// t_post − t_pre, ms): pairing k of cell i has its presynaptic spike at 200 + k·periodMS through
// one plastic synapse of initial weight w0 (pA), and a "teacher" synapse of 10⁵ pA forces the
// postsynaptic spike dts[i][k] later. The cell (brain.Generic with a 100 ms refractory period)
// fires once per pairing. With every > 0 the synapses are recorded every that many steps.
func PairingRun(rule brain.STDP, w0 float64, dts [][]float64, periodMS float64, every int) (Pairing, error) {
	n := len(dts)
	preT, teachT := make([][]float64, n), make([][]float64, n)
	end := 0.0
	for i := range dts {
		for k, d := range dts[i] {
			// Generators fire at the end of the 0.1 ms step holding their spike time, so times
			// sit mid-step (±0.05 ms) away from step edges; the teacher's spike arrives one step
			// later and the cell fires within it, exactly Δt after the presynaptic spike.
			base := 200 + float64(k)*periodMS
			preT[i] = append(preT[i], base+0.05)
			teachT[i] = append(teachT[i], base+d-0.05)
			end = max(end, base+max(d, 0)+200)
		}
	}
	post := brain.Generic() // τm 20 ms, θ −50 mV (Brette et al. 2007)
	post.Name, post.TRef = "post", 100
	cells, err := brain.NewPopulation("post", n, post)
	if err != nil {
		return Pairing{}, err
	}
	pre, err := brain.NewSpikeSourceArray("pre", preT)
	if err != nil {
		return Pairing{}, err
	}
	teacher, err := brain.NewSpikeSourceArray("teacher", teachT)
	if err != nil {
		return Pairing{}, err
	}
	net := brain.NewNetwork(0.1, 1)
	var out Pairing
	if out.Proj, err = net.ConnectSource(pre, cells, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(w0), STDP: &rule}); err != nil {
		return out, err
	}
	// 10⁵ pA onto 200 pF: far more than the 10 mV to threshold within one 0.1 ms step.
	if _, err := net.ConnectSource(teacher, cells, brain.OneToOne{}, brain.SynapseSpec{Weight: brain.Const(1e5)}); err != nil {
		return out, err
	}
	if every > 0 {
		pairs := make([][2]int, n)
		for i := range pairs {
			pairs[i] = [2]int{i, i}
		}
		if out.Weights, err = net.RecordWeights(out.Proj, pairs, every); err != nil {
			return out, err
		}
	}
	rpost, err := net.RecordSpikes(cells)
	if err != nil {
		return out, err
	}
	rpre, err := net.RecordSourceSpikes(pre)
	if err != nil {
		return out, err
	}
	if err := net.Run(context.Background(), end, nil); err != nil {
		return out, err
	}
	out.Measured = make([][]float64, n)
	for i := range dts {
		tp, tq := rpre.Times(i), rpost.Times(i)
		if len(tp) != len(dts[i]) || len(tq) != len(dts[i]) {
			return out, fmt.Errorf("experiments: PairingRun: cell %d: %d pre and %d post spikes, want %d each", i, len(tp), len(tq), len(dts[i]))
		}
		for k := range tp {
			out.Measured[i] = append(out.Measured[i], tq[k]-tp[k])
		}
	}
	return out, nil
}

// SongGmax is the weight bound of models.SongSTDP (nS): 0.01 in units of gL = 10 nS.
const SongGmax = 0.1

// SongNetwork is models.SongSTDP (docs/benchmarks.md; Song, Miller & Abbott 2000) built with the
// public API, with the input rate (Hz) and weight dependence as parameters; plastic false
// freezes the initial weights.
func SongNetwork(rateHz float64, dep brain.WeightDependence, plastic bool, seed uint64) (*brain.Network, *brain.Population, *brain.Projection, error) {
	const gL = 10.0 // nS
	p := brain.Params{
		Name: "song", C: 10 * gL, GL: gL, EL: -74, VT: -54, VReset: -60, TRef: 0, Efficacy: 1,
		Synapse: brain.SynapseParams{Model: brain.ConductanceExp, TauE: 5, TauI: 5, EE: 0, EI: -80},
	}
	post, err := brain.NewPopulation("post", 1, p)
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := brain.NewPoissonGroup("input", 1000, rateHz)
	if err != nil {
		return nil, nil, nil, err
	}
	spec := brain.SynapseSpec{Weight: brain.Uniform(0, SongGmax)}
	if plastic {
		rule := brain.SongRule(SongGmax)
		rule.Dependence = dep
		spec.STDP = &rule
	}
	net := brain.NewNetwork(brain.DefaultDT, seed)
	proj, err := net.ConnectSource(in, post, brain.AllToAll{}, spec)
	if err != nil {
		return nil, nil, nil, err
	}
	return net, post, proj, nil
}

// SongResult is one learning run: weights before and after (nS), output spike times (ms),
// optionally some synapses over time, and the wall time of the run.
type SongResult struct {
	Before, After []float64
	Spikes        []float64
	Tracked       []int                 // inputs whose synapse is recorded (every 100 ms)
	Weights       *brain.WeightRecorder // nil unless tracked
	Wall          time.Duration
}

// RunSong runs a network from SongNetwork or models.SongSTDP (its first projection is the plastic
// one, onto population post) for durMS. tracked names inputs whose synapses are recorded every
// 100 ms.
func RunSong(net *brain.Network, post *brain.Population, proj *brain.Projection, durMS float64, tracked []int) (SongResult, error) {
	spk, err := net.RecordSpikes(post)
	if err != nil {
		return SongResult{}, err
	}
	r := SongResult{Tracked: tracked}
	if len(tracked) > 0 {
		pairs := make([][2]int, len(tracked))
		for k, i := range tracked {
			pairs[k] = [2]int{i, 0}
		}
		if r.Weights, err = net.RecordWeights(proj, pairs, 1000); err != nil {
			return r, err
		}
	}
	if err := net.Build(); err != nil {
		return r, err
	}
	r.Before = proj.Weights(nil)
	start := time.Now()
	if err := net.Run(context.Background(), durMS, nil); err != nil {
		return r, err
	}
	r.Wall = time.Since(start)
	r.After, r.Spikes = proj.Weights(nil), spk.Times(0)
	return r, nil
}

// SongBenchmark runs models.SongSTDP for durMS with each seed, at most workers at a time, and
// tracks inputs 0, 125, …, 875 on the first seed.
func SongBenchmark(seeds []uint64, durMS float64, workers int) ([]SongResult, error) {
	return parallel(len(seeds), workers, func(k int) (SongResult, error) {
		net, err := models.SongSTDP(seeds[k])
		if err != nil {
			return SongResult{}, err
		}
		var tracked []int
		if k == 0 {
			for i := 0; i < 1000; i += 125 {
				tracked = append(tracked, i)
			}
		}
		return RunSong(net, net.Population("post"), net.Projections()[0], durMS, tracked)
	})
}

// SongVariant is one configuration of SongNetwork for SongVariants.
type SongVariant struct {
	RateHz  float64
	Dep     brain.WeightDependence
	Plastic bool
	DurMS   float64
}

// SongVariants runs each variant (seed 1), at most workers at a time, in the order given.
func SongVariants(vs []SongVariant, workers int) ([]SongResult, error) {
	return parallel(len(vs), workers, func(k int) (SongResult, error) {
		net, post, proj, err := SongNetwork(vs[k].RateHz, vs[k].Dep, vs[k].Plastic, 1)
		if err != nil {
			return SongResult{}, err
		}
		return RunSong(net, post, proj, vs[k].DurMS, nil)
	})
}

func parallel[T any](n, workers int, f func(k int) (T, error)) ([]T, error) {
	out := make([]T, n)
	errs := make([]error, n)
	sem := make(chan struct{}, max(workers, 1))
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[k], errs[k] = f(k)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// WeightStats returns the fractions of weights below 0.1·gmax and above 0.9·gmax, the mean in
// units of gmax and the counts in ten equal bins over [0, gmax].
func WeightStats(w []float64, gmax float64) (low, high, mean float64, deciles []int) {
	deciles = make([]int, 10)
	for _, x := range w {
		switch {
		case x < 0.1*gmax:
			low++
		case x > 0.9*gmax:
			high++
		}
		mean += x
		deciles[max(0, min(9, int(x/gmax*10)))]++
	}
	n := float64(len(w))
	return low / n, high / n, mean / n / gmax, deciles
}

// Bimodality is the ratio of each outer decile to the mean of the six middle ones (3rd–8th).
func Bimodality(d []int) (lowEnd, highEnd float64) {
	mid := 0.0
	for _, c := range d[2:8] {
		mid += float64(c)
	}
	mid /= 6
	return float64(d[0]) / mid, float64(d[9]) / mid
}

// Unimodal reports whether counts rise (non-strictly) to their maximum and then fall.
func Unimodal(counts []float64) bool {
	peak := 0
	for i, c := range counts {
		if c > counts[peak] {
			peak = i
		}
	}
	for i := 1; i <= peak; i++ {
		if counts[i] < counts[i-1] {
			return false
		}
	}
	for i := peak + 1; i < len(counts); i++ {
		if counts[i] > counts[i-1] {
			return false
		}
	}
	return true
}

// Scaled returns w/gmax, capped at 1: weights are stored as float32, which rounds gmax up by
// about 1e-8 relative, and a weight at the bound must stay in the last bin.
func Scaled(w []float64, gmax float64) []float64 {
	out := make([]float64, len(w))
	for i := range w {
		out[i] = min(w[i]/gmax, 1)
	}
	return out
}

// Seconds converts times in ms to s.
func Seconds(ms []float64) []float64 {
	out := make([]float64, len(ms))
	for i := range ms {
		out[i] = ms[i] / 1000
	}
	return out
}

// MeanSD returns the mean and (population) standard deviation of xs.
func MeanSD(xs []float64) (mean, sd float64) { return meanSD(xs) }

// RateIn is the rate (Hz) of an ascending train in [t0, t1) (ms).
func RateIn(train []float64, t0, t1 float64) float64 {
	return float64(len(Within(train, t0, t1))) / ((t1 - t0) / 1000)
}
