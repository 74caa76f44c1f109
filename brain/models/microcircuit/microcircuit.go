package microcircuit

import (
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain"
)

// Circuit is a built-to-run microcircuit: its network, populations (in
// the order of Names) with a spike recorder each, and the figures it was
// built from.
type Circuit struct {
	Net    *brain.Network
	Pops   [NumPops]*brain.Population
	Spikes [NumPops]*brain.SpikeRecorder
	Params Params
	// Synapses[t][s] is the number of synapses from s onto t.
	Synapses [NumPops][NumPops]int64
	// WeightPA[t][s] is the signed mean weight (pA) after scaling.
	WeightPA [NumPops][NumPops]float64
	// ExtWeightPA is the weight of the background inputs (pA).
	ExtWeightPA float64
	// DCPA is the constant current of each population (pA).
	DCPA [NumPops]float64
}

// streamV0 is the model-stream kind of the initial membrane potentials
// (brain.NewStream; the kinds 1, 3 and 4 belong to CUBA, COBA and Brunel).
const streamV0 = 14

// Build makes the microcircuit of p with the given seed: populations,
// recurrent projections (FixedTotalNumber with Synapses() synapses,
// normal weights and delays), background, initial potentials and one spike
// recorder per population. The network is not yet built (call
// c.Net.Build, or Run, which builds it).
func Build(p Params, seed uint64) (*Circuit, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &Circuit{Params: p, Synapses: p.Synapses(), DCPA: p.DCPA()}
	sizes := p.Sizes()
	c.Net = brain.NewNetwork(p.DT, seed)
	for k, name := range Names {
		pop, err := brain.NewPopulation(name, sizes[k], Cell(name, Inhibitory(k), c.DCPA[k]))
		if err != nil {
			return nil, fmt.Errorf("microcircuit: %w", err)
		}
		c.Pops[k] = pop
	}
	kScale := math.Sqrt(p.KScale)
	mean := p.MeanWeights()
	for t := range NumPops {
		for s := range NumPops {
			n := c.Synapses[t][s]
			w := mean[t][s] / kScale
			c.WeightPA[t][s] = w
			if n == 0 {
				continue
			}
			sd := math.Abs(w) * p.WeightRelSD
			wv := brain.Normal(w, sd, 0, brain.MaxWeight)
			dv := brain.Normal(p.DelayExcMS, p.DelayExcSDMS, p.DT, maxDelayMS)
			if Inhibitory(s) {
				wv = brain.Normal(w, sd, -brain.MaxWeight, 0)
				dv = brain.Normal(p.DelayInhMS, p.DelayInhSDMS, p.DT, maxDelayMS)
			}
			if _, err := c.Net.Connect(c.Pops[s], c.Pops[t], brain.FixedTotalNumber{N: n},
				brain.SynapseSpec{Weight: wv, Delay: dv}); err != nil {
				return nil, fmt.Errorf("microcircuit: %s→%s: %w", Names[s], Names[t], err)
			}
		}
	}
	c.ExtWeightPA = p.PSPMV * PSCPerPSP() / kScale
	if p.Background == Poisson {
		for t, pop := range c.Pops {
			if err := c.Net.AddPoissonInput(pop, brain.PoissonInput{Name: "bg_" + Names[t],
				RateHz: float64(KExt[t]) * p.KScale * p.BackgroundHz, Weight: c.ExtWeightPA,
				StartMS: p.PoissonDelayMS}); err != nil {
				return nil, fmt.Errorf("microcircuit: background of %s: %w", Names[t], err)
			}
		}
	}
	for k, pop := range c.Pops {
		r := brain.NewStream(seed, streamV0, uint64(k))
		m, sd := V0MeanMV[k], V0SDMV[k]
		if p.V0Original {
			m, sd = -58, 10
		}
		for i := range pop.V {
			pop.V[i] = m + sd*r.NormFloat64()
		}
		rec, err := c.Net.RecordSpikes(pop)
		if err != nil {
			return nil, fmt.Errorf("microcircuit: %w", err)
		}
		c.Spikes[k] = rec
	}
	return c, nil
}

// maxDelayMS bounds the normal delay distributions from above (ms): far
// in their tail (the mean plus more than 100 SD), so in effect only the
// lower bound of one step acts, as in the reference.
const maxDelayMS = 100

// Rates returns the mean rate (Hz) of each population over spikes in
// [fromMS, toMS), counting silent cells (the NEST example's measure).
func (c *Circuit) Rates(fromMS, toMS float64) [NumPops]float64 {
	var r [NumPops]float64
	if !(toMS > fromMS) {
		return r
	}
	dt := c.Net.DT
	for k, rec := range c.Spikes {
		steps, _ := rec.Spikes()
		n := 0
		for _, s := range steps {
			// A spike of step s happens within (s·dt, (s+1)·dt].
			t := float64(s+1) * dt
			if t > fromMS && t <= toMS {
				n++
			}
		}
		r[k] = float64(n) / float64(c.Pops[k].N) / ((toMS - fromMS) / 1000)
	}
	return r
}

// NumCells is the number of cells of the circuit.
func (c *Circuit) NumCells() int {
	n := 0
	for _, p := range c.Pops {
		n += p.N
	}
	return n
}

// NumSynapses is the number of recurrent synapses asked for (the sum of
// Synapses; after Build the projections hold exactly these).
func (c *Circuit) NumSynapses() int64 {
	var n int64
	for _, row := range c.Synapses {
		for _, k := range row {
			n += k
		}
	}
	return n
}
