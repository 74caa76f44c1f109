package microcircuit_test

import (
	"context"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/models/microcircuit"
)

func TestValidateNamesField(t *testing.T) {
	cases := []struct {
		field string
		edit  func(*microcircuit.Params)
	}{
		{"NScale", func(p *microcircuit.Params) { p.NScale = 0 }},
		{"NScale", func(p *microcircuit.Params) { p.NScale = 1.5 }},
		{"KScale", func(p *microcircuit.Params) { p.KScale = math.NaN() }},
		{"Background", func(p *microcircuit.Params) { p.Background = 7 }},
		{"BackgroundHz", func(p *microcircuit.Params) { p.BackgroundHz = -1 }},
		{"PSPMV", func(p *microcircuit.Params) { p.PSPMV = 0 }},
		{"WeightRelSD", func(p *microcircuit.Params) { p.WeightRelSD = 1 }},
		{"G", func(p *microcircuit.Params) { p.G = 4 }},
		{"DT", func(p *microcircuit.Params) { p.DT = 0 }},
		{"DelayExcMS", func(p *microcircuit.Params) { p.DelayExcMS = 0.05 }},
		{"DelayInhSDMS", func(p *microcircuit.Params) { p.DelayInhSDMS = -0.1 }},
		{"PoissonDelayMS", func(p *microcircuit.Params) { p.PoissonDelayMS = math.Inf(1) }},
	}
	if err := microcircuit.Default().Validate(); err != nil {
		t.Fatalf("Default: %v", err)
	}
	for _, c := range cases {
		p := microcircuit.Default()
		c.edit(&p)
		err := p.Validate()
		if err == nil || !strings.Contains(err.Error(), "Params."+c.field) {
			t.Errorf("%s: got %v, want an error naming the field", c.field, err)
		}
		if _, err := microcircuit.Build(p, 1); err == nil {
			t.Errorf("%s: Build accepted invalid parameters", c.field)
		}
	}
}

// The weight of the paper (Potjans & Diesmann 2014, Table 5: 87.8 pA for a
// 0.15 mV PSP), and the closed-form PSP peak against a brute-force search
// of the PSP's maximum.
func TestPSCPerPSP(t *testing.T) {
	w := 0.15 * microcircuit.PSCPerPSP()
	if math.Abs(w-87.8) > 0.05 {
		t.Errorf("weight for 0.15 mV = %.3f pA, want 87.8 pA", w)
	}
	const tm, ts, c = 10.0, 0.5, 250.0
	peak := 0.0
	for t := 0.0; t < 20; t += 1e-4 {
		v := tm * ts / (c * (tm - ts)) * (math.Exp(-t/tm) - math.Exp(-t/ts))
		peak = max(peak, v)
	}
	if got := 1 / peak; math.Abs(got-microcircuit.PSCPerPSP()) > 1e-6*got {
		t.Errorf("PSCPerPSP = %v, brute force %v", microcircuit.PSCPerPSP(), got)
	}
}

// FullSynapses inverts the paper's Eq. 1 and adds up to the ~3·10⁸ synapses
// quoted for the model (van Albada et al. 2018, Front Neurosci 12:291:
// "approximately 80,000 neurons and 0.3 billion synapses").
func TestFullSynapses(t *testing.T) {
	k := microcircuit.FullSynapses()
	var total float64
	for tg := range microcircuit.NumPops {
		for s := range microcircuit.NumPops {
			pairs := float64(microcircuit.FullSize[tg]) * float64(microcircuit.FullSize[s])
			c := -math.Expm1(k[tg][s] * math.Log1p(-1/pairs))
			if math.Abs(c-microcircuit.ConnProb[tg][s]) > 1e-12 {
				t.Errorf("%s→%s: K = %.0f gives C = %v, want %v", microcircuit.Names[s], microcircuit.Names[tg], k[tg][s], c, microcircuit.ConnProb[tg][s])
			}
			total += k[tg][s]
		}
	}
	if total < 2.9e8 || total > 3.1e8 {
		t.Errorf("full-scale synapses = %.4g, want about 3e8", total)
	}
	cells := 0
	for _, n := range microcircuit.FullSize {
		cells += n
	}
	if cells != 77169 {
		t.Errorf("full-scale cells = %d, want 77 169", cells)
	}
}

// truncRoundedNormal returns the mean and SD of a normal(mu, sd) variate
// redrawn outside [lo, hi] and rounded to a multiple of dt (the delays).
func truncRoundedNormal(mu, sd, lo, hi, dt float64) (mean, std float64) {
	cdf := func(x float64) float64 { return 0.5 * math.Erfc(-(x-mu)/(sd*math.Sqrt2)) }
	z := cdf(hi) - cdf(lo)
	var m1, m2 float64
	for k := 1; float64(k)*dt-dt/2 < hi; k++ {
		a, b := max(lo, (float64(k)-0.5)*dt), min(hi, (float64(k)+0.5)*dt)
		if b <= a {
			continue
		}
		p := (cdf(b) - cdf(a)) / z
		x := float64(k) * dt
		m1 += p * x
		m2 += p * x * x
	}
	return m1, math.Sqrt(m2 - m1*m1)
}

func meanSD(x []float64) (m, s float64) {
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return m, math.Sqrt(s / float64(len(x)-1))
}

func buildScaled(t testing.TB, nScale, kScale float64, seed uint64) *microcircuit.Circuit {
	t.Helper()
	c, err := microcircuit.Build(microcircuit.Scaled(nScale, kScale), seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Net.Build(); err != nil {
		t.Fatal(err)
	}
	return c
}

// The structure of a 10 % model: sizes, synapse numbers, the fraction of
// connected pairs, and the weight and delay distributions of every
// projection.
func TestStructure(t *testing.T) {
	p := microcircuit.Scaled(0.1, 0.1)
	c := buildScaled(t, p.NScale, p.KScale, 1)
	sizes := p.Sizes()
	for k, pop := range c.Pops {
		want := int(math.Round(0.1 * float64(microcircuit.FullSize[k])))
		if pop.N != want || sizes[k] != want {
			t.Errorf("%s: %d cells, want %d", microcircuit.Names[k], pop.N, want)
		}
	}
	full := microcircuit.FullSynapses()
	projs := c.Net.Projections()
	w0 := 0.15 * microcircuit.PSCPerPSP() / math.Sqrt(0.1)
	k := 0
	for tg := range microcircuit.NumPops {
		for s := range microcircuit.NumPops {
			n := c.Synapses[tg][s]
			if want := int64(math.Round(full[tg][s] * 0.01)); n != want {
				t.Fatalf("%s→%s: %d synapses planned, want %d", microcircuit.Names[s], microcircuit.Names[tg], n, want)
			}
			if n == 0 {
				continue
			}
			pr := projs[k]
			k++
			name := microcircuit.Names[s] + "→" + microcircuit.Names[tg]
			if pr.Pre() != c.Pops[s] || pr.Post() != c.Pops[tg] {
				t.Fatalf("%s: projection %d is %s", name, k-1, pr.Name)
			}
			if int64(pr.NumSynapses()) != n {
				t.Errorf("%s: %d synapses, want exactly %d", name, pr.NumSynapses(), n)
			}
			// Connected pairs: a pair is connected with probability
			// 1 − (1 − 1/(NsNt))^n; the count of connected pairs is nearly
			// binomial.
			ns, nt := float64(c.Pops[s].N), float64(c.Pops[tg].N)
			pc := -math.Expm1(float64(n) * math.Log1p(-1/(ns*nt)))
			pairs := 0
			for i := range c.Pops[s].N {
				lo, hi := pr.Row(i)
				tg := pr.Targets()[lo:hi]
				row := slices.Clone(tg)
				slices.Sort(row)
				pairs += len(slices.Compact(row))
			}
			exp, sd := pc*ns*nt, math.Sqrt(pc*(1-pc)*ns*nt)
			if math.Abs(float64(pairs)-exp) > 5*sd+1 {
				t.Errorf("%s: %d connected pairs, want %.0f ± %.0f", name, pairs, exp, 5*sd)
			}
			// Weights: normal, 10 % SD, L4e→L23e doubled, inhibition ×4.
			wm := w0
			if s == 2 && tg == 0 {
				wm = 2 * w0
			}
			if microcircuit.Inhibitory(s) {
				wm = 4 * w0
			}
			ws := pr.Weights(nil)
			m, sdw := meanSD(ws)
			se := 0.1 * wm / math.Sqrt(float64(len(ws)))
			if math.Abs(m-wm) > 5*se+1e-4*wm || (len(ws) > 100 && math.Abs(sdw/(0.1*wm)-1) > 0.2) {
				t.Errorf("%s: weight magnitudes %.3f ± %.3f pA, want %.3f ± %.3f", name, m, sdw, wm, 0.1*wm)
			}
			// Delays: normal, redrawn below dt, rounded to steps.
			mu, dsd := 1.5, 0.75
			if microcircuit.Inhibitory(s) {
				mu, dsd = 0.8, 0.4
			}
			em, esd := truncRoundedNormal(mu, dsd, 0.1, 100, 0.1)
			var ds []float64
			for syn := 0; syn < pr.NumSynapses(); syn += 3 {
				_, _, d := pr.Synapse(syn)
				ds = append(ds, float64(d)*0.1)
			}
			dm, dsdGot := meanSD(ds)
			dse := esd / math.Sqrt(float64(len(ds)))
			if math.Abs(dm-em) > 5*dse || (len(ds) > 100 && math.Abs(dsdGot/esd-1) > 0.2) {
				t.Errorf("%s: delays %.4f ± %.4f ms, want %.4f ± %.4f", name, dm, dsdGot, em, esd)
			}
			if slices.Min(ds) < 0.1 {
				t.Errorf("%s: a delay of %v ms, below one step", name, slices.Min(ds))
			}
		}
	}
	if k != len(projs) || len(c.Net.Sources()) != 0 {
		t.Errorf("%d recurrent projections of %d, %d sources: want only recurrent ones", k, len(projs), len(c.Net.Sources()))
	}
	// Background: a Poisson input per population, K_ext·KScale inputs at
	// 8 Hz per cell, of the background weight, from 1.5 ms on.
	for tg, pop := range c.Pops {
		want := float64(microcircuit.KExt[tg]) * 0.1 * 8
		in := c.Net.PoissonInputs(pop)
		if len(in) != 1 || math.Abs(in[0].RateHz-want) > 1e-9 || in[0].Weight != c.ExtWeightPA ||
			in[0].StartMS != 1.5 || in[0].Receptor != brain.Excitatory {
			t.Errorf("background of %s: %+v, want one input at %v Hz of %v pA", microcircuit.Names[tg], in, want, c.ExtWeightPA)
		}
	}
}

// With DC background the current replaces the mean Poisson input:
// 8 Hz · K_ext · 87.8 pA · 0.5 ms (562 pA for L2/3e at full scale).
func TestDCBackground(t *testing.T) {
	p := microcircuit.Default()
	p.Background = microcircuit.DC
	dc := p.DCPA()
	w := 0.15 * microcircuit.PSCPerPSP()
	for k := range microcircuit.NumPops {
		want := 8 * float64(microcircuit.KExt[k]) * w * 0.5e-3
		if math.Abs(dc[k]-want) > 1e-9 {
			t.Errorf("%s: DC %v pA, want %v", microcircuit.Names[k], dc[k], want)
		}
	}
	if math.Abs(dc[0]-562.0) > 0.5 {
		t.Errorf("L23e DC = %v pA, want about 562", dc[0])
	}
	if d := microcircuit.Default().DCPA(); d != [microcircuit.NumPops]float64{} {
		t.Errorf("full scale with Poisson background has DC %v, want none", d)
	}
	p.NScale, p.KScale = 0.05, 0.1
	c, err := microcircuit.Build(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	// K scaling adds (1 − √K)·τs times the full-scale recurrent input,
	// which is net inhibitory (g = −4), so the DC falls.
	scaled := p.DCPA()
	for k, pop := range c.Pops {
		if in := c.Net.PoissonInputs(pop); len(in) != 0 || pop.P.IBias != scaled[k] || c.DCPA[k] != scaled[k] || !(scaled[k] < dc[k]) {
			t.Errorf("%s: Poisson inputs %v, IBias %v, DC %v (must be below the unscaled %v)", microcircuit.Names[k], in, pop.P.IBias, c.DCPA[k], dc[k])
		}
	}
	if len(c.Net.Sources()) != 0 {
		t.Errorf("DC background has %d sources", len(c.Net.Sources()))
	}
}

// K scaling keeps the mean input: weights grow by 1/√K and the DC makes
// up (1 − √K) of the full-scale mean input.
func TestKScaling(t *testing.T) {
	full, half := microcircuit.Default(), microcircuit.Scaled(1, 0.25)
	wf, wh := full.MeanWeights(), half.MeanWeights()
	if wf != wh {
		t.Fatalf("MeanWeights depend on KScale")
	}
	dc := half.DCPA()
	k := microcircuit.FullSynapses()
	for tg := range microcircuit.NumPops {
		// mean input (pA) = τs · Σ w·K_in·ν
		var mu float64
		for s := range microcircuit.NumPops {
			mu += wf[tg][s] * k[tg][s] / float64(microcircuit.FullSize[tg]) * microcircuit.FullRatesHz[s]
		}
		mu += 8 * float64(microcircuit.KExt[tg]) * 0.15 * microcircuit.PSCPerPSP()
		mu *= 0.5e-3
		// scaled network: in-degrees ×0.25, weights ×2 → half the mean; DC the other half
		if math.Abs(dc[tg]-0.5*mu) > 1e-9*math.Abs(mu) {
			t.Errorf("%s: DC %v pA, want %v (half the full mean input)", microcircuit.Names[tg], dc[tg], 0.5*mu)
		}
	}
}

// Same seed, same spikes, whatever the number of workers.
func TestDeterministicAcrossWorkers(t *testing.T) {
	var ref [microcircuit.NumPops][]int32
	for _, w := range []int{1, 3} {
		c, err := microcircuit.Build(microcircuit.Scaled(0.05, 0.1), 7)
		if err != nil {
			t.Fatal(err)
		}
		c.Net.Workers = w
		if err := c.Net.Run(context.Background(), 100, nil); err != nil {
			t.Fatal(err)
		}
		total := 0
		for k, rec := range c.Spikes {
			steps, cells := rec.Spikes()
			key := make([]int32, 0, 2*len(steps))
			for i := range steps {
				key = append(key, steps[i], cells[i])
			}
			total += len(steps)
			if w == 1 {
				ref[k] = key
			} else if !slices.Equal(ref[k], key) {
				t.Errorf("%s: spikes with %d workers differ from 1 worker", microcircuit.Names[k], w)
			}
		}
		if total == 0 {
			t.Fatalf("no spikes in 100 ms")
		}
	}
}

// A 10 % model (NScale = KScale = 0.1) keeps the rates of the full model
// roughly: every population within [0.3, 1.6]× the NEST full-scale rate,
// and in every layer the inhibitory cells fire faster than the
// excitatory ones, as in the paper.
func TestRatesScaled(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 2 × 0.8 s of a 7718-cell network")
	}
	for _, seed := range []uint64{1, 2} {
		c := buildScaled(t, 0.1, 0.1, seed)
		if err := c.Net.Run(context.Background(), 800, nil); err != nil {
			t.Fatal(err)
		}
		r := c.Rates(200, 800)
		for k, name := range microcircuit.Names {
			lo, hi := 0.3*microcircuit.FullRatesHz[k], 1.6*microcircuit.FullRatesHz[k]
			if r[k] < lo || r[k] > hi {
				t.Errorf("seed %d: %s rate %.2f Hz outside [%.2f, %.2f]", seed, name, r[k], lo, hi)
			}
		}
		for l := 0; l < microcircuit.NumPops; l += 2 {
			if r[l+1] <= r[l] {
				t.Errorf("seed %d: %s %.2f Hz not above %s %.2f Hz", seed, microcircuit.Names[l+1], r[l+1], microcircuit.Names[l], r[l])
			}
		}
		t.Logf("seed %d: rates %.2f Hz", seed, r)
	}
}

func TestRateRange(t *testing.T) {
	for k, r := range microcircuit.RateRange {
		if !r.Contains(microcircuit.FullRatesHz[k]) || r.Lo <= 0 || r.Hi > 3*r.Lo {
			t.Errorf("%s: range %v does not sit around the NEST rate %v", microcircuit.Names[k], r, microcircuit.FullRatesHz[k])
		}
	}
	if microcircuit.RateRange[0].Hi > 1.5 || microcircuit.RateRange[4].Lo < 5 {
		t.Errorf("L23e %v and L5e %v: not the paper's picture (about 1 Hz and 7–8 Hz)", microcircuit.RateRange[0], microcircuit.RateRange[4])
	}
}

var _ = brain.MaxWeight

// The step loop of the microcircuit (delay rings, Poisson background,
// spike recorders) allocates nothing once running, on one worker and on
// two: a run of 1000 steps allocates at most 2 times more than one of 20
// (Run's start-up cost varies by one or two). The recorders are emptied
// before each run and keep their storage, so their growth is not counted.
func TestStepDoesNotAllocate(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	ctx := context.Background()
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		c, err := microcircuit.Build(microcircuit.Scaled(0.05, 0.1), 3)
		if err != nil {
			t.Fatal(err)
		}
		c.Net.Workers = procs
		if err := c.Net.Run(ctx, 100, nil); err != nil {
			t.Fatal(err)
		}
		perRun := func(ms float64) float64 {
			return testing.AllocsPerRun(3, func() {
				for _, r := range c.Spikes {
					r.Reset()
				}
				if err := c.Net.Run(ctx, ms, nil); err != nil {
					t.Fatal(err)
				}
			})
		}
		perRun(100) // the recorders reach the size of a 100 ms run
		short, long := perRun(2), perRun(100)
		if long > short+2 {
			t.Errorf("%d workers: Run allocates %v times for 20 steps and %v for 1000: the step loop allocates", procs, short, long)
		}
	}
}
