package brain

import (
	"math/rand/v2"
)

// GapFS configures GapFSNetwork: fast-spiking interneurons coupled by gap
// junctions, the cells that electrical synapses link in neocortex (Galarreta
// & Hestrin 1999, Nature 402:72; Gibson, Beierlein & Connors 1999, Nature
// 402:75). The zero value of a field means its default.
type GapFS struct {
	N     int     // cells (100)
	P     float64 // probability that a pair is coupled (0.1)
	GNS   float64 // conductance per junction (nS); 0 means 5, negative means uncoupled
	Drive float64 // mean bias current as a multiple of the rheobase (1.3)
	Het   float64 // relative spread of the bias, uniform ±Het/2 (0.1)
	Sigma float64 // s.d. of the independent OU noise current (pA; 15, τ 5 ms)
	Seed  uint64
}

// GapFSCircuit is a built GapFS network.
type GapFSCircuit struct {
	Net    *Network
	Pop    *Population
	Gaps   *GapJunctions // nil when uncoupled
	V      *StateRecorder
	Spikes *SpikeRecorder
	Config GapFS
}

// GapFSNetwork builds the interneuron network: N cells of the Interneuron
// preset (AdEx fast-spiking), each driven by its own bias current
// (Drive·rheobase, spread ±Het/2) and independent Ornstein–Uhlenbeck
// noise, with every pair coupled with probability P by a junction of GNS.
// The membrane potential of every cell is recorded every 0.5 ms.
//
// Junctions couple the potentials of the start of each step, which for
// the AdEx cell is the subthreshold trajectory and the reset (the spike
// itself is over within the step), so the electrical "spikelet" is not
// carried: coupling acts through the subthreshold potential and the
// after-spike reset only. With the defaults the coupling coefficient of
// an isolated pair is g/(g + gL) = 5/35 ≈ 0.14.
func GapFSNetwork(cfg GapFS) (*GapFSCircuit, error) {
	def := func(x *float64, d float64) {
		if *x == 0 {
			*x = d
		}
	}
	if cfg.N == 0 {
		cfg.N = 100
	}
	def(&cfg.P, 0.1)
	def(&cfg.GNS, 5)
	def(&cfg.Drive, 1.3)
	def(&cfg.Het, 0.1)
	def(&cfg.Sigma, 15)
	p := Interneuron()
	pop, err := NewPopulation("FS", cfg.N, p)
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 0x6a9))
	rb := p.Rheobase()
	for i := range pop.IBias {
		pop.IBias[i] = rb * (cfg.Drive + cfg.Het*(r.Float64()-0.5))
	}
	net := NewNetwork(0.1, cfg.Seed)
	c := &GapFSCircuit{Net: net, Pop: pop, Config: cfg}
	if err := net.AddPopulation(pop); err != nil {
		return nil, err
	}
	var pairs [][2]int
	for i := range cfg.N {
		for j := i + 1; j < cfg.N; j++ {
			if r.Float64() < cfg.P {
				pairs = append(pairs, [2]int{i, j})
			}
		}
	}
	if cfg.GNS > 0 && len(pairs) > 0 {
		if c.Gaps, err = net.AddGapJunctions(pop, pairs, cfg.GNS); err != nil {
			return nil, err
		}
	}
	if err := net.Inject(pop, nil, Proximal, &OUNoise{SigmaPA: cfg.Sigma, TauMS: 5}); err != nil {
		return nil, err
	}
	all := make([]int, cfg.N)
	for i := range all {
		all[i] = i
	}
	if c.V, err = net.RecordState(pop, all, []string{"V"}, 5); err != nil {
		return nil, err
	}
	if c.Spikes, err = net.RecordSpikes(pop); err != nil {
		return nil, err
	}
	return c, nil
}

// VoltageTraces returns the recorded membrane potential of every cell from
// fromMS on (one slice per cell), for a synchrony measure such as
// analysis.Synchrony.
func (c *GapFSCircuit) VoltageTraces(fromMS float64) [][]float64 {
	times := c.V.Times()
	k := 0
	for k < len(times) && times[k] < fromMS {
		k++
	}
	out := make([][]float64, c.Pop.N)
	for i := range out {
		v, _ := c.V.Trace(i, "V")
		out[i] = v[k:]
	}
	return out
}
