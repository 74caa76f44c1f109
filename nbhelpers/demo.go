package nbhelpers

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/neuron-sim/neuron/brain/analysis"
)

// Synthetic, seeded data for the charts gallery (notebook 01) and for trying charts out. Each
// function returns the same data on every call.

// DemoLabels name the three cells of [DemoAdapting].
var DemoLabels = []string{"300 pA", "350 pA", "400 pA"}

// DemoAdapting integrates three adapting LIF cells (C = 200 pF, gL = 10 nS, EL = −70 mV, reset
// −58 mV; adaptation current w: +60 pA per spike, τw = 150 ms; adaptive threshold θ: θ0 = −50 mV,
// +2 mV per spike, τθ = 50 ms) driven by a 300/350/400 pA step from 50 to 450 ms plus 40 pA of
// white noise, for 500 ms at dt = 0.1 ms (seed 1). The sample at each spike is set to +20 mV for
// plotting. It returns the time axis (ms), V (mV), w (pA), θ (mV) per cell and the spike times.
func DemoAdapting() (t []float64, v, w, th, spikes [][]float64) {
	const dt, durMS = 0.1, 500.0
	const c, gl, el, vr, th0, b, tauW, dTh, tauTh = 200.0, 10.0, -70.0, -58.0, -50.0, 60.0, 150.0, 2.0, 50.0
	rng := rand.New(rand.NewPCG(1, 1))
	steps := int(durMS / dt)
	t = make([]float64, steps)
	for i := range t {
		t[i] = float64(i) * dt
	}
	for k := range 3 {
		amp := 300 + 50*float64(k) // pA
		vk, wk, thk := make([]float64, steps), make([]float64, steps), make([]float64, steps)
		var sk []float64
		V, W, Th := el, 0.0, th0
		for i := range steps {
			I := 40 * rng.NormFloat64() // pA of noise
			if t[i] >= 50 && t[i] < 450 {
				I += amp
			}
			V += dt / c * (-gl*(V-el) - W + I)
			W -= dt / tauW * W
			Th += dt / tauTh * (th0 - Th)
			vk[i] = V
			if V >= Th {
				sk = append(sk, t[i])
				vk[i] = 20
				V, W, Th = vr, W+b, Th+dTh
			}
			wk[i], thk[i] = W, Th
		}
		v, w, th, spikes = append(v, vk), append(w, wk), append(th, thk), append(spikes, sk)
	}
	return
}

// DemoMillionSpikes returns two populations, E (8000 neurons) and I (2000), with exactly 10⁶
// spikes in 5 s (70 % from E): every spike picks a neuron uniformly and a time from a rate
// profile with a 10 Hz rhythm and a stimulus at 2–2.5 s, by rejection sampling (seed 2).
func DemoMillionSpikes() []Spikes {
	rng := rand.New(rand.NewPCG(2, 2))
	pops := []Spikes{{Label: "E", N: 8000}, {Label: "I", N: 2000}}
	rate := func(t float64) float64 { // relative rate, max 3.5
		r := 1 + 0.5*math.Sin(2*math.Pi*t/100)
		if t >= 2000 && t < 2500 {
			r += 2
		}
		return r
	}
	for k := 0; k < 1_000_000; k++ {
		p := 0
		if k%10 >= 7 {
			p = 1
		}
		var t float64
		for {
			t = 5000 * rng.Float64()
			if 3.5*rng.Float64() < rate(t) {
				break
			}
		}
		pops[p].TimesMS = append(pops[p].TimesMS, t)
		pops[p].IDs = append(pops[p].IDs, int32(rng.IntN(pops[p].N)))
	}
	return pops
}

// DemoSTDPWindow is the exponential STDP window of Song, Miller & Abbott (2000) at Δt (ms):
// A+ exp(−Δt/τ+) for Δt > 0, −A− exp(Δt/τ−) otherwise, A+ = 0.005, A− = 1.05 A+, τ± = 20 ms.
func DemoSTDPWindow(dtMS float64) float64 {
	const aPlus, tau = 0.005, 20.0
	if dtMS > 0 {
		return aPlus * math.Exp(-dtMS/tau)
	}
	return -1.05 * aPlus * math.Exp(dtMS/tau)
}

// DemoPlasticity returns weights before (normal around 0.5) and after STDP (bimodal, as in Song
// et al. 2000), six weight random walks over 300 s drifting towards the bounds, and the window
// [DemoSTDPWindow] measured at 41 noisy pairings with its theory curve (seed 3).
func DemoPlasticity() (before, after []float64, evo Traces, win STDPWindow) {
	rng := rand.New(rand.NewPCG(3, 3))
	for range 5000 {
		before = append(before, min(max(0.5+0.1*rng.NormFloat64(), 0), 1))
		if rng.Float64() < 0.55 {
			after = append(after, min(0.06*rng.ExpFloat64(), 1))
		} else {
			after = append(after, max(1-0.08*rng.ExpFloat64(), 0))
		}
	}
	evo.TimeMS = make([]float64, 3001)
	for i := range evo.TimeMS {
		evo.TimeMS[i] = float64(i) * 100
	}
	for s := range 6 {
		x, drift := 0.5, 0.0015*float64(1-2*(s%2))
		row := make([]float64, len(evo.TimeMS))
		for i := range row {
			x = min(max(x+drift+0.01*rng.NormFloat64(), 0), 1)
			row[i] = x
		}
		evo.Values = append(evo.Values, row)
		evo.Labels = append(evo.Labels, fmt.Sprintf("synapse %d", s))
	}
	for i := range 41 {
		dt := -100 + 5*float64(i)
		win.DeltaTMS = append(win.DeltaTMS, dt)
		win.DeltaW = append(win.DeltaW, DemoSTDPWindow(dt)+0.0004*rng.NormFloat64())
	}
	for dt := -100.0; dt <= 100; dt += 0.5 {
		if dt == 0 {
			continue
		}
		win.TheoryDeltaTMS = append(win.TheoryDeltaTMS, dt)
		win.TheoryDeltaW = append(win.TheoryDeltaW, DemoSTDPWindow(dt))
	}
	return
}

// DemoFICurves are closed-form LIF f–I curves (analysis.LIFRate) for R = 100 MΩ, θ − EL = 20 mV,
// reset at rest, t_ref = 2 ms and τm = 20 and 10 ms, from 0 to 600 pA in 20 pA steps (zero up
// to the rheobase of 200 pA).
func DemoFICurves() []FICurve {
	var curves []FICurve
	for _, tau := range []float64{20, 10} {
		cv := FICurve{Label: fmt.Sprintf("LIF τm = %.0f ms", tau)}
		for i := 0.0; i <= 600; i += 20 {
			cv.CurrentPA = append(cv.CurrentPA, i)
			cv.RateHz = append(cv.RateHz, analysis.LIFRate(i, tau*10, 10, 0, 20, 0, 2))
		}
		curves = append(curves, cv)
	}
	return curves
}

// DemoConnectivity is a random network of 200 E and 50 I neurons, connection probability 0.1,
// lognormal excitatory weights and inhibitory weights −4 times larger (seed 4).
func DemoConnectivity() (Matrix, error) {
	rng := rand.New(rand.NewPCG(4, 4))
	var rows, cols []int32
	var ws []float64
	for post := range 250 {
		for pre := range 250 {
			if pre == post || rng.Float64() >= 0.1 {
				continue
			}
			w := math.Exp(-1 + 0.5*rng.NormFloat64())
			if pre >= 200 {
				w *= -4
			}
			rows, cols, ws = append(rows, int32(post)), append(cols, int32(pre)), append(ws, w)
		}
	}
	return MatrixFromEdges(250, 250, rows, cols, ws)
}
