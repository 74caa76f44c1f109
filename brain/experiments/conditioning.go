package experiments

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/plasticity"
)

// Conditioning is Izhikevich's (2007, Cereb Cortex 17:2443, Fig. 1)
// classical-conditioning experiment: a network of 1000 Izhikevich cells
// (800 regular-spiking excitatory, 200 fast-spiking inhibitory), each with
// 100 outgoing synapses (excitatory cells onto any cell, inhibitory cells
// onto excitatory ones; delay 1 ms), driven by random "thalamic" input
// (a current uniform in ±6.5 pA drawn anew for every cell each ms). Every
// excitatory synapse learns with dopamine-modulated STDP
// (plasticity.Izhikevich2007), starting at weight 1; inhibitory synapses
// stay at −1. One synapse, from excitatory cell 0 (n1) onto its first
// excitatory target (n2), starts at 0 (as in his program) and is
// rewarded: whenever n2 fires within 20 ms
// after n1, a reward arrives 1–3 s later (uniform) and raises dopamine by
// 0.5 (decay 200 ms). The paper: over an hour the rewarded synapse grows
// to the maximum, 4, while the others stay low.
//
// Parameters are those of the paper and its published code (daspnet); the
// 100 targets of an excitatory cell are split 80 excitatory / 20
// inhibitory (the expected split of his uniform draw over all 1000 cells),
// and pairing uses somatic spike times. dt = 1 ms, as in the paper.
type Conditioning struct {
	// DurationS is the simulated time (s).
	DurationS float64
	// SampleEveryS is the interval of the weight samples (s; 0: 10 s).
	SampleEveryS float64
	// Seed keys the network and the reward delays.
	Seed uint64
	// Workers is brain.Network.Workers (0: automatic; results do not
	// depend on it).
	Workers int
}

// ConditioningResult is what RunConditioning measured.
type ConditioningResult struct {
	DurationS float64 `json:"duration_s"`
	Seed      uint64  `json:"seed"`
	// N1 and N2 are the excitatory cells of the rewarded synapse.
	N1 int `json:"n1"`
	N2 int `json:"n2"`
	// TimesS are the sample times (s); Rewarded the rewarded synapse's
	// weight then; OthersMean, OthersP99 and OthersMax the mean, 99th
	// percentile and maximum of the other excitatory weights.
	TimesS     []float64 `json:"times_s"`
	Rewarded   []float64 `json:"rewarded"`
	OthersMean []float64 `json:"others_mean"`
	OthersP99  []float64 `json:"others_p99"`
	OthersMax  []float64 `json:"others_max"`
	// HistEdges (nbins+1 values over [0, 4]) and HistCounts are the final
	// distribution of the other excitatory weights.
	HistEdges  []float64 `json:"hist_edges"`
	HistCounts []int     `json:"hist_counts"`
	// RewardTimesS lists the rewards delivered (s).
	RewardTimesS []float64 `json:"reward_times_s"`
	// RateExcHz, RateInhHz are the mean firing rates over the run.
	RateExcHz float64 `json:"rate_exc_hz"`
	RateInhHz float64 `json:"rate_inh_hz"`
	// Synapses is the number of synapses (excitatory plastic + inhibitory).
	Synapses int `json:"synapses"`
	// Rank is the rewarded synapse's final rank among all excitatory
	// weights (0: the largest).
	Rank int `json:"rank"`
}

// UniformNoise is a current drawn anew each step, uniform in
// [−HalfWidthPA, HalfWidthPA], independently for every target cell from
// its own stream (Izhikevich's thalamic input).
type UniformNoise struct {
	HalfWidthPA float64
	pcg         []rand.PCG
}

func (c *UniformNoise) String() string { return fmt.Sprintf("UniformNoise{±%v pA}", c.HalfWidthPA) }

// Validate checks the half-width.
func (c *UniformNoise) Validate() error {
	if !(c.HalfWidthPA >= 0) || math.IsInf(c.HalfWidthPA, 0) {
		return fmt.Errorf("experiments: UniformNoise.HalfWidthPA = %v: must be finite and ≥ 0", c.HalfWidthPA)
	}
	return nil
}

// Prepare seeds one generator per target cell.
func (c *UniformNoise) Prepare(_ float64, s brain.Streams) error {
	c.pcg = make([]rand.PCG, s.Len())
	for k := range c.pcg {
		s.Seed(&c.pcg[k], k)
	}
	return nil
}

// Add adds this step's currents.
func (c *UniformNoise) Add(_ int64, _ float64, cells []int32, dst []float64) {
	h := c.HalfWidthPA
	for k, cell := range cells {
		r := rand.New(&c.pcg[k])
		dst[cell] += h * (2*r.Float64() - 1)
	}
}

// SaveState writes the generators.
func (c *UniformNoise) SaveState(e *brain.StateEncoder) {
	for k := range c.pcg {
		e.PCG(&c.pcg[k])
	}
}

// RestoreState reads what SaveState wrote.
func (c *UniformNoise) RestoreState(d *brain.StateDecoder) error {
	for k := range c.pcg {
		d.PCG(&c.pcg[k])
	}
	return d.Err()
}

// rewarder watches n1 and n2 and schedules rewards.
type rewarder struct {
	n1, n2   int32
	last     int64 // step of n1's last spike
	rng      *rand.Rand
	da       *plasticity.Dopamine
	every    int64
	sample   func(tS float64)
	exc, inh int64 // spike counts
}

func (m *rewarder) Observe(v *brain.StepView) error {
	k := v.Step()
	e := v.Spikes(0)
	m.exc += int64(len(e))
	m.inh += int64(len(v.Spikes(1)))
	if _, ok := slices.BinarySearch(e, m.n1); ok {
		m.last = k
	}
	if _, ok := slices.BinarySearch(e, m.n2); ok && k > m.last && k-m.last < 20 {
		delay := 1000 + math.Ceil(2000*m.rng.Float64()) // ms
		m.da.Reward(float64(k+1) + delay)
	}
	if (k+1)%m.every == 0 {
		m.sample(v.TimeMS() / 1000)
	}
	return nil
}

// sampleEvery checks the duration and returns the sample interval (s).
func (c Conditioning) sampleEvery() (float64, error) {
	if !(c.DurationS > 0) || math.IsInf(c.DurationS, 0) {
		return 0, fmt.Errorf("experiments: Conditioning.DurationS = %v: must be > 0", c.DurationS)
	}
	every := c.SampleEveryS
	if every == 0 {
		every = 10
	}
	if !(every > 0) {
		return 0, fmt.Errorf("experiments: Conditioning.SampleEveryS = %v: must be ≥ 0", c.SampleEveryS)
	}
	return every, nil
}

// RunConditioning runs the experiment; progress (may be nil) is called
// about every 1 %.
func RunConditioning(ctx context.Context, c Conditioning, progress func(brain.Progress)) (ConditioningResult, error) {
	every, err := c.sampleEvery()
	if err != nil {
		return ConditioningResult{}, err
	}
	const dt = 1.0 // ms (Izhikevich 2007)
	net := brain.NewNetwork(dt, c.Seed)
	net.Workers = c.Workers
	exc, err := brain.NewModelPopulation("exc", 800, &brain.Izhikevich{A: 0.02, B: 0.2, C: -65, D: 8})
	if err != nil {
		return ConditioningResult{}, err
	}
	inh, err := brain.NewModelPopulation("inh", 200, &brain.Izhikevich{A: 0.1, B: 0.2, C: -65, D: 2})
	if err != nil {
		return ConditioningResult{}, err
	}
	inh.P.Inhibitory = true
	da := &plasticity.Dopamine{Amount: 0.5, TauMS: 200}
	ee, err := net.Connect(exc, exc, brain.FixedOutDegree{K: 80}, brain.SynapseSpec{
		Weight: brain.Const(1), Delay: brain.Const(1), Plasticity: plasticity.Izhikevich2007(), Modulator: da})
	if err != nil {
		return ConditioningResult{}, err
	}
	ei, err := net.Connect(exc, inh, brain.FixedOutDegree{K: 20}, brain.SynapseSpec{
		Weight: brain.Const(1), Delay: brain.Const(1), Plasticity: plasticity.Izhikevich2007(), Modulator: da})
	if err != nil {
		return ConditioningResult{}, err
	}
	ie, err := net.Connect(inh, exc, brain.FixedOutDegree{K: 100}, brain.SynapseSpec{Weight: brain.Const(-1), Delay: brain.Const(1)})
	if err != nil {
		return ConditioningResult{}, err
	}
	for _, p := range []*brain.Population{exc, inh} {
		if err := net.Inject(p, nil, brain.Proximal, &UniformNoise{HalfWidthPA: 6.5}); err != nil {
			return ConditioningResult{}, err
		}
	}
	if err := net.Build(); err != nil {
		return ConditioningResult{}, err
	}
	_, n2, _ := ee.Synapse(0)
	if err := ee.SetWeight(0, 0); err != nil { // the rewarded synapse starts at 0, as in daspnet.m
		return ConditioningResult{}, err
	}
	res := ConditioningResult{DurationS: c.DurationS, Seed: c.Seed, N1: 0, N2: n2,
		Synapses: ee.NumSynapses() + ei.NumSynapses() + ie.NumSynapses()}
	var others []float64
	collect := func() {
		others = others[:0]
		for s := 1; s < ee.NumSynapses(); s++ {
			others = append(others, ee.Weight(s))
		}
		for s := range ei.NumSynapses() {
			others = append(others, ei.Weight(s))
		}
		slices.Sort(others)
	}
	mon := &rewarder{n1: 0, n2: int32(n2), last: math.MinInt32, da: da,
		rng:   rand.New(rand.NewPCG(c.Seed, 0x5eed2007)),
		every: int64(math.Round(every * 1000 / dt))}
	mon.sample = func(tS float64) {
		collect()
		sum := 0.0
		for _, w := range others {
			sum += w
		}
		res.TimesS = append(res.TimesS, tS)
		res.Rewarded = append(res.Rewarded, ee.Weight(0))
		res.OthersMean = append(res.OthersMean, sum/float64(len(others)))
		res.OthersP99 = append(res.OthersP99, others[int(0.99*float64(len(others)-1))])
		res.OthersMax = append(res.OthersMax, others[len(others)-1])
	}
	if err := net.AddMonitor(mon); err != nil {
		return ConditioningResult{}, err
	}
	if err := net.Run(ctx, c.DurationS*1000, progress); err != nil {
		return res, err
	}
	collect()
	res.HistEdges, res.HistCounts = weightHistogram(others)
	res.Rank = len(others) - sort0(others, ee.Weight(0))
	for _, r := range da.Rewards() {
		if r <= c.DurationS*1000 {
			res.RewardTimesS = append(res.RewardTimesS, r/1000)
		}
	}
	res.RateExcHz = float64(mon.exc) / 800 / c.DurationS
	res.RateInhHz = float64(mon.inh) / 200 / c.DurationS
	return res, nil
}

// weightHistogram bins weights in [0, 4] into 40 bins.
func weightHistogram(ws []float64) (edges []float64, counts []int) {
	const nbins = 40
	edges = make([]float64, nbins+1)
	for b := range edges {
		edges[b] = 4 * float64(b) / nbins
	}
	counts = make([]int, nbins)
	for _, w := range ws {
		counts[min(int(w/4*nbins), nbins-1)]++
	}
	return edges, counts
}

// sort0 is the number of sorted values xs below x.
func sort0(xs []float64, x float64) int {
	k, _ := slices.BinarySearch(xs, x)
	return k
}

// ReadConditioning reads a ConditioningResult stored as JSON (by neuron
// rstdp).
func ReadConditioning(path string) (ConditioningResult, error) {
	var r ConditioningResult
	b, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("experiments: %w", err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("experiments: %s: %w", path, err)
	}
	if len(r.TimesS) == 0 || len(r.Rewarded) != len(r.TimesS) || len(r.OthersMean) != len(r.TimesS) {
		return r, fmt.Errorf("experiments: %s: %d sample times, %d rewarded weights: want the same, > 0", path, len(r.TimesS), len(r.Rewarded))
	}
	return r, nil
}
