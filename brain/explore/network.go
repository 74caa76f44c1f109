package explore

import (
	"context"
	"fmt"
	"math"

	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/models"
)

// NetParams are the controls of the network explorer: Brunel 2000's model A (see
// models.Brunel) with ε = 0.1 and D = 1.5 ms, on a network smaller than Brunel's
// NE = 10 000. As in brain's Brunel regime test, the EPSP J is scaled so that the recurrent
// coupling CE·J stays Brunel's 100 mV (CE = 1000, J = 0.1 mV): J = 100 mV / CE, e.g. 1 mV
// at NE = 1000 (CE = 100). The drive in units of threshold then matches Brunel's, and the
// noise (σ² ∝ J) is larger.
type NetParams struct {
	// G is the relative strength of inhibition g (0 to 10).
	G float64 `json:"g"`
	// Eta is the external drive η = ν_ext/ν_thr (0 to 6).
	Eta float64 `json:"eta"`
	// NE is the number of excitatory cells (200 to 20000); NI = NE/4.
	NE int `json:"ne"`
	// DurationMS is the simulated time (ms, 50 to 5000).
	DurationMS float64 `json:"duration"`
	// Seed keys connectivity, initial potentials and the Poisson input.
	Seed uint64 `json:"seed"`
	// RasterCells is how many excitatory cells (the first ones) the raster shows (1 to NE;
	// 0 means 100).
	RasterCells int `json:"rasterCells"`
	// BinMS is the bin of the population rate (ms, 0.1 to 50; 0 means 1).
	BinMS float64 `json:"bin"`
}

// BrunelStates are the names models.BrunelPoint accepts (Brunel 2000, Fig. 8).
var BrunelStates = []string{"SR", "AI", "SIfast", "SIslow"}

// DefaultNet returns the explorer's starting point: the asynchronous irregular state
// (g = 5, η = 2) on NE = 1000 cells for 400 ms.
func DefaultNet() NetParams {
	return NetParams{G: 5, Eta: 2, NE: 1000, DurationMS: 400, Seed: 1, RasterCells: 100, BinMS: 1}
}

// NetResult is one run of the network explorer.
type NetResult struct {
	Params NetParams `json:"params"`
	// Spikes counts every spike of every cell, excitatory and inhibitory.
	Spikes int `json:"spikes"`
	// SpikesE and SpikesI count the excitatory and the inhibitory spikes.
	SpikesE int `json:"spikesE"`
	SpikesI int `json:"spikesI"`
	// RateE is the mean excitatory rate over the run (spikes/s).
	RateE float64 `json:"rateE"`
	// CV is the mean coefficient of variation of the excitatory ISIs (cells with ≥ 3
	// spikes); -1 when no cell qualifies.
	CV float64 `json:"cv"`
	// Synchrony is analysis.SpikeSynchrony of the excitatory trains in 1-ms bins: about
	// 1/√N when asynchronous, towards 1 when synchronous; -1 for a silent network.
	Synchrony float64 `json:"synchrony"`
	// RasterT and RasterN are the spikes of the first RasterCells excitatory cells:
	// time (ms) and cell index.
	RasterT []float64 `json:"rasterT"`
	RasterN []int     `json:"rasterN"`
	// RateT and Rate are the excitatory population rate (bin start in ms, spikes/s).
	RateT []float64 `json:"rateT"`
	Rate  []float64 `json:"rate"`
	// Text is Summary(), for pages that show the result.
	Text string `json:"summary"`
}

// Summary is a one-line description with the exact counts.
func (r *NetResult) Summary() string {
	p := r.Params
	return fmt.Sprintf("Brunel g=%g η=%g, NE=%d NI=%d, %g ms: %d spikes (E %d, I %d), E rate %.2f spikes/s, CV %.2f, synchrony %.3f",
		p.G, p.Eta, p.NE, p.NE/4, p.DurationMS, r.Spikes, r.SpikesE, r.SpikesI, r.RateE, r.CV, r.Synchrony)
}

func (p *NetParams) validate() error {
	bad := func(field string, v any, want string) error {
		return fmt.Errorf("explore: NetParams.%s = %v: %s", field, v, want)
	}
	switch {
	case !(p.G >= 0 && p.G <= 10):
		return bad("G", p.G, "must be in [0, 10]")
	case !(p.Eta >= 0 && p.Eta <= 6):
		return bad("Eta", p.Eta, "must be in [0, 6]")
	case p.NE < 200 || p.NE > 20000:
		return bad("NE", p.NE, "must be in [200, 20000]")
	case !(p.DurationMS >= 50 && p.DurationMS <= 5000):
		return bad("DurationMS", p.DurationMS, "must be in [50, 5000] ms")
	case p.RasterCells < 0 || p.RasterCells > p.NE:
		return bad("RasterCells", p.RasterCells, "must be in [0, NE]")
	case p.BinMS != 0 && !(p.BinMS >= 0.1 && p.BinMS <= 50):
		return bad("BinMS", p.BinMS, "must be 0 (default 1) or in [0.1, 50] ms")
	}
	return nil
}

// RunNet simulates Brunel's network with the explorer's controls. The result is a pure
// function of the parameters (seed included), whatever the number of cores.
func RunNet(p NetParams) (*NetResult, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p.RasterCells == 0 {
		p.RasterCells = min(100, p.NE)
	}
	if p.BinMS == 0 {
		p.BinMS = 1
	}
	ce := math.Round(0.1 * float64(p.NE))
	net, err := models.Brunel(models.BrunelParams{NE: p.NE, Epsilon: 0.1, JmV: 100 / ce, G: p.G, Eta: p.Eta, DelayMS: 1.5}, p.Seed)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	exc, inh := net.Population("exc"), net.Population("inh")
	recE, err := net.RecordSpikes(exc)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	recI, err := net.RecordSpikes(inh)
	if err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	if err := net.Run(context.Background(), p.DurationMS, nil); err != nil {
		return nil, fmt.Errorf("explore: %w", err)
	}
	trains := recE.AllTimes()
	r := &NetResult{Params: p, SpikesE: recE.Len(), SpikesI: recI.Len()}
	r.Spikes = r.SpikesE + r.SpikesI
	r.RateE = analysis.MeanRate(trains, 0, p.DurationMS)
	r.CV, _ = analysis.MeanCV(trains, 0, p.DurationMS, 3)
	r.Synchrony = analysis.SpikeSynchrony(trains, 0, p.DurationMS, 1)
	r.RasterT, r.RasterN = []float64{}, []int{}
	for i := range p.RasterCells {
		for _, t := range trains[i] {
			r.RasterT = append(r.RasterT, t)
			r.RasterN = append(r.RasterN, i)
		}
	}
	r.Rate = analysis.PopulationRate(nil, trains, 0, p.DurationMS, p.BinMS)
	r.RateT = make([]float64, len(r.Rate)) // bin starts; the last bin may be partial
	for k := range r.RateT {
		r.RateT[k] = float64(k) * p.BinMS
	}
	// JSON has no NaN: undefined statistics become -1.
	if math.IsNaN(r.CV) {
		r.CV = -1
	}
	if math.IsNaN(r.Synchrony) {
		r.Synchrony = -1
	}
	r.Text = r.Summary()
	return r, nil
}
