// Package explore runs the small simulations behind the interactive explorers: one cell
// under a current step (cell type, somatic and dendritic current, adaptation) and Brunel's
// sparse excitatory–inhibitory network at a chosen (g, η).
//
// It is pure simulation code: it imports brain and brain/analysis only, so the same source
// runs natively (notebooks, the neuron command, tests) and compiled to WebAssembly in an
// offline report, where a slider change re-runs it in the browser. Results carry what a
// chart needs (a membrane trace reduced to at most MaxPoints samples, spike times, a raster
// sample, a population rate) together with exact counts.
//
// Parameters travel between the browser and Go as JSON; the field names of CellParams and
// NetParams are that contract.
package explore

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/analysis"
)

// CellTypes lists the names CellParams.Type accepts, in display order: the presets of
// package brain (see brain/presets.go for every value and its source).
var CellTypes = []string{"pyramidal", "interneuron", "sensory", "purkinje", "granule", "motor", "generic"}

// Preset returns the brain preset called name (one of CellTypes).
func Preset(name string) (brain.Params, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "pyramidal":
		return brain.Pyramidal(), nil
	case "interneuron":
		return brain.Interneuron(), nil
	case "sensory":
		return brain.Sensory(), nil
	case "purkinje":
		return brain.Purkinje(), nil
	case "granule":
		return brain.Granule(), nil
	case "motor":
		return brain.Motor(), nil
	case "generic":
		return brain.Generic(), nil
	}
	return brain.Params{}, fmt.Errorf("explore: cell type %q: want one of %s", name, strings.Join(CellTypes, ", "))
}

// CellParams are the controls of the single-cell explorer. The cell starts at rest; a
// current step switches on at OnsetMS and stays on to the end of the run.
type CellParams struct {
	// Type is the cell type, one of CellTypes.
	Type string `json:"type"`
	// CurrentPA is the step current injected at the soma (proximal input, pA).
	CurrentPA float64 `json:"current"`
	// DistalPA is the step current injected into the dendrite (distal input, pA). A cell
	// type without a dendrite receives it at the soma.
	DistalPA float64 `json:"distal"`
	// Adaptation scales the preset's adaptation (subthreshold a and spike-triggered b)
	// (dimensionless, 0 to 5): 0 removes it, 1 keeps the preset.
	Adaptation float64 `json:"adaptation"`
	// DurationMS is the length of the run (ms, 50 to 5000).
	DurationMS float64 `json:"duration"`
	// OnsetMS is when the current step starts (ms, 0 ≤ OnsetMS < DurationMS).
	OnsetMS float64 `json:"onset"`
	// MaxPoints bounds the samples of the returned trace (≥ 100; 0 means 2000).
	MaxPoints int `json:"maxPoints"`
}

// DefaultCell returns the explorer's starting point for a cell type: 300 pA at the soma
// from 50 ms, no distal input, the preset's adaptation, 500 ms.
func DefaultCell(cellType string) CellParams {
	return CellParams{Type: cellType, CurrentPA: 300, Adaptation: 1, DurationMS: 500, OnsetMS: 50}
}

// CellResult is one run of the single-cell explorer.
type CellResult struct {
	Params CellParams `json:"params"`
	// SpikeTimesMS are all spike times (ms).
	SpikeTimesMS []float64 `json:"spikeTimes"`
	// Spikes is len(SpikeTimesMS).
	Spikes int `json:"spikes"`
	// RateHz is the firing rate while the step is on (spikes/s).
	RateHz float64 `json:"rate"`
	// RheobasePA is the preset's rheobase with the chosen adaptation (pA; total steady
	// somatic current, the preset's own bias current included; brain.Params.Rheobase).
	RheobasePA float64 `json:"rheobase"`
	// T and V are the somatic membrane potential (ms, mV), min–max reduced to at most
	// MaxPoints samples: every spike's peak and every trough survive the reduction.
	T []float64 `json:"t"`
	V []float64 `json:"v"`
	// Steps is the number of simulated steps (each 0.1 ms); len(T) ≤ Steps.
	Steps int `json:"steps"`
	// Text is Summary(), for pages that show the result.
	Text string `json:"summary"`
}

// Summary is a one-line description with the exact counts.
func (r *CellResult) Summary() string {
	p := r.Params
	return fmt.Sprintf("%s: soma %g pA, dendrite %g pA, adaptation ×%g: %d spikes in %g ms, %.1f spikes/s during the step",
		p.Type, p.CurrentPA, p.DistalPA, p.Adaptation, r.Spikes, p.DurationMS, r.RateHz)
}

func (p *CellParams) validate() error {
	bad := func(field string, v float64, want string) error {
		return fmt.Errorf("explore: CellParams.%s = %v: %s", field, v, want)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"CurrentPA", p.CurrentPA}, {"DistalPA", p.DistalPA}} {
		if math.IsNaN(f.v) || math.Abs(f.v) > 1e5 {
			return bad(f.name, f.v, "must be finite, |I| ≤ 100000 pA")
		}
	}
	if !(p.Adaptation >= 0 && p.Adaptation <= 5) {
		return bad("Adaptation", p.Adaptation, "must be in [0, 5]")
	}
	if !(p.DurationMS >= 50 && p.DurationMS <= 5000) {
		return bad("DurationMS", p.DurationMS, "must be in [50, 5000] ms")
	}
	if !(p.OnsetMS >= 0 && p.OnsetMS < p.DurationMS) {
		return bad("OnsetMS", p.OnsetMS, "must be in [0, DurationMS)")
	}
	if p.MaxPoints != 0 && p.MaxPoints < 100 {
		return bad("MaxPoints", float64(p.MaxPoints), "must be 0 (default 2000) or ≥ 100")
	}
	return nil
}

// RunCell simulates one cell with the explorer's controls. Bad input gives an error naming
// the field.
func RunCell(p CellParams) (*CellResult, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if p.MaxPoints == 0 {
		p.MaxPoints = 2000
	}
	q, err := Preset(p.Type)
	if err != nil {
		return nil, err
	}
	q.A *= p.Adaptation
	q.B *= p.Adaptation
	dt := brain.DefaultDT
	n := int(math.Round(p.DurationMS / dt))
	iSoma := brain.StepCurrent(n, dt, p.OnsetMS, p.DurationMS+dt, p.CurrentPA)
	iDend := brain.StepCurrent(n, dt, p.OnsetMS, p.DurationMS+dt, p.DistalPA)
	spikes, tr, err := brain.SimulateCurrent(q, dt, iSoma, iDend)
	if err != nil {
		return nil, fmt.Errorf("explore: %s: %w", p.Type, err)
	}
	r := &CellResult{Params: p, SpikeTimesMS: spikes, Spikes: len(spikes), Steps: n,
		RateHz: analysis.Rate(spikes, p.OnsetMS, p.DurationMS), RheobasePA: q.Rheobase()}
	if r.SpikeTimesMS == nil {
		r.SpikeTimesMS = []float64{}
	}
	r.T, r.V = MinMax(tr.T, tr.V, p.MaxPoints)
	r.Text = r.Summary()
	return r, nil
}

// MinMax reduces the samples (t[i], v[i]) to at most maxPoints (≥ 4): it cuts them into
// maxPoints/2 equal runs and keeps each run's minimum and maximum, in time order, so peaks
// and troughs survive. Inputs with at most maxPoints samples are returned as copies.
func MinMax(t, v []float64, maxPoints int) (rt, rv []float64) {
	n := min(len(t), len(v))
	if n <= maxPoints || maxPoints < 4 {
		return slices.Clone(t[:n]), slices.Clone(v[:n])
	}
	buckets := maxPoints / 2
	rt, rv = make([]float64, 0, 2*buckets), make([]float64, 0, 2*buckets)
	for b := range buckets {
		lo, hi := b*n/buckets, (b+1)*n/buckets
		imin, imax := lo, lo
		for i := lo; i < hi; i++ {
			if v[i] < v[imin] {
				imin = i
			}
			if v[i] > v[imax] {
				imax = i
			}
		}
		first, second := min(imin, imax), max(imin, imax)
		rt, rv = append(rt, t[first]), append(rv, v[first])
		if second != first {
			rt, rv = append(rt, t[second]), append(rv, v[second])
		}
	}
	return rt, rv
}
