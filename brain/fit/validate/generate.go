package validate

import (
	"encoding/gob"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/neuron-sim/neuron/brain/analysis"
	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/reference"
)

// Step protocol (pulses from rest): training steps and f–I test steps, as
// multiples of the variant's rheobase for 1 s steps.
var (
	TrainStepFactors = []float64{1.1, 1.75, 2.75}
	FIFactors        = []float64{1.25, 1.5, 2, 2.5, 3}
)

const (
	// StepOnMS and StepMS place the training steps in their sweeps (the
	// sweep is StepOnMS + StepMS + StepOnMS long).
	StepOnMS = 100.0
	StepMS   = 1000.0
	// OUTauMS is the correlation time of the current (ms).
	OUTauMS = 5.0
	// ReferenceStepMS is the RK4 step of brain/reference in the suite
	// (ms): half the package default, spike times within a few µs of it.
	ReferenceStepMS = 0.02
	// CeilingLeak are the relative changes of the leak conductance of the
	// self-consistency calibration (Ceiling).
	ceilingLeak2, ceilingLeak5 = 0.02, 0.05
)

// Ceiling is the self-consistency calibration of one protocol: the
// recorded cell scored against a copy of itself with its leak conductance
// changed by Change (Pospischil cell against perturbed Pospischil cell), or
// against the same cell run by the other simulator; it is the score that
// a model with parameters that close would get.
type Ceiling struct {
	Label     string  `json:"label"`
	GammaTest float64 `json:"gamma_test"`
	RateError float64 `json:"rate_error"`
	FIError   float64 `json:"fi_error"`
}

// Data is what the suite records for a protocol.
type Data struct {
	Protocol   Protocol
	Factors    map[string]float64
	ScalePA    float64 // s of I = s·(MuOverSigma + ξ)
	RheobasePA float64 // of the variant, 1 s steps
	Recording  fit.Recording
	Steps      []fit.Recording // extra training sweeps
	StepAmpsPA []float64
	FIAmpsPA   []float64
	FIRef      []float64 // Hz
	Ceilings   []Ceiling
}

// MeanPA and SDPA are μ and σ of the protocol's current.
func (d *Data) MeanPA() float64 { return d.ScalePA * d.Protocol.MuOverSigma }

// SDPA is σ of the protocol's current (pA).
func (d *Data) SDPA() float64 { return d.ScalePA }

// noise is the unit-s.d. OU shape of protocol p over n samples.
func noise(p Protocol, n int) ([]float64, error) {
	return reference.OU(nil, n, p.DT(), 0, 1, OUTauMS, rand.New(rand.NewPCG(p.Seed, 0x6f75)))
}

// Current returns I = scale·(MuOverSigma + ξ) for protocol p over its
// whole length (pA, every p.DT() ms).
func Current(p Protocol, scale float64) ([]float64, error) {
	n := int(math.Round((p.TrainS + p.TestS) * 1000 / p.DT()))
	xi, err := noise(p, n)
	if err != nil {
		return nil, err
	}
	for i, x := range xi {
		xi[i] = scale * (p.MuOverSigma + x)
	}
	return xi, nil
}

// calibrate finds the scale s for which the cell fires at about p.RateHz
// (within 5 % or one spike, or after 14 tries) on the first
// min(TrainS, 5 s) of the current, starting from guess (pA).
func calibrate(cell *reference.Cell, p Protocol, guess float64) (float64, error) {
	dur := math.Min(p.TrainS, 5) * 1000
	n := int(math.Round(dur / p.DT()))
	xi, err := noise(p, n)
	if err != nil {
		return 0, err
	}
	cur := make([]float64, n)
	rate := func(s float64) (float64, error) {
		for i, x := range xi {
			cur[i] = s * (p.MuOverSigma + x)
		}
		sp, err := cell.Spikes(cur, p.DT())
		return float64(len(sp)) / dur * 1000, err
	}
	// Bracket in log s, then bisect in log s (rates grow with s).
	lo, hi := 0.0, 0.0
	s := guess
	for range 14 {
		r, err := rate(s)
		if err != nil {
			return 0, err
		}
		if math.Abs(r-p.RateHz) <= math.Max(0.05*p.RateHz, 1000/dur) {
			return s, nil
		}
		if r < p.RateHz {
			lo = s
		} else {
			hi = s
		}
		switch {
		case hi == 0:
			s *= 1.6
		case lo == 0:
			s /= 1.6
		default:
			s = math.Sqrt(lo * hi)
		}
	}
	if lo == 0 || hi == 0 {
		return 0, fmt.Errorf("%w: %s: cannot bracket %v Hz (scale %v pA)", ErrInput, p.ID, p.RateHz, s)
	}
	return s, nil
}

// stepSweep is a sweep of StepOnMS at 0, StepMS at amp, StepOnMS at 0.
func stepSweep(amp, dt float64) []float64 {
	n := int(math.Round((2*StepOnMS + StepMS) / dt))
	return reference.Step(n, dt, StepOnMS, StepOnMS+StepMS, amp)
}

// Generate simulates protocol p with brain/reference (whatever its
// Simulator): calibration, recording, steps, f–I curve and the
// leak-perturbation ceilings. For SimBrian2 protocols use LoadBrian2,
// which replaces the recording with the stored Brian2 one.
func Generate(p Protocol) (*Data, error) {
	rp, f, err := Variant(p.Cell, p.Variant)
	if err != nil {
		return nil, err
	}
	cell, err := reference.New(rp)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.ID, err)
	}
	cell.MaxStepMS = ReferenceStepMS
	d := &Data{Protocol: p, Factors: f}
	rh, err := cell.Rheobase(StepMS, 20000, 1)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.ID, err)
	}
	d.RheobasePA = math.Round(rh)
	guess := d.RheobasePA
	if p.MuOverSigma > 0 {
		guess = d.RheobasePA / math.Max(1, p.MuOverSigma)
	}
	if d.ScalePA, err = calibrate(cell, p, guess); err != nil {
		return nil, err
	}
	cur, err := Current(p, d.ScalePA)
	if err != nil {
		return nil, err
	}
	spikes, v, err := cell.Run(cur, p.DT())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.ID, err)
	}
	d.Recording = fit.Recording{DT: p.DT(), Current: cur, Spikes: spikes}
	if p.VoltageKHz > 0 {
		d.Recording.Voltage = v
	}
	for _, k := range TrainStepFactors {
		a := k * d.RheobasePA
		in := stepSweep(a, p.DT())
		sp, err := cell.Spikes(in, p.DT())
		if err != nil {
			return nil, err
		}
		d.Steps = append(d.Steps, fit.Recording{DT: p.DT(), Current: in, Spikes: sp})
		d.StepAmpsPA = append(d.StepAmpsPA, a)
	}
	for _, k := range FIFactors {
		d.FIAmpsPA = append(d.FIAmpsPA, k*d.RheobasePA)
	}
	if d.FIRef, err = cell.FI(d.FIAmpsPA, StepMS); err != nil {
		return nil, err
	}
	for _, dl := range []float64{ceilingLeak2, ceilingLeak5} {
		q := rp
		q.GLeak *= 1 + dl
		pc, err := reference.New(q)
		if err != nil {
			return nil, err
		}
		pc.MaxStepMS = ReferenceStepMS
		sp, err := pc.Spikes(cur, p.DT())
		if err != nil {
			return nil, err
		}
		c, err := compare(d, sp)
		if err != nil {
			return nil, err
		}
		fi, err := pc.FI(d.FIAmpsPA, StepMS)
		if err != nil {
			return nil, err
		}
		if c.FIError, err = fit.FIError(d.FIRef, fi); err != nil {
			return nil, err
		}
		c.Label = fmt.Sprintf("gleak %+.0f %%", 100*dl)
		d.Ceilings = append(d.Ceilings, c)
	}
	return d, nil
}

// compare scores spike train sp against the recording on the test window.
func compare(d *Data, sp []float64) (Ceiling, error) {
	w := d.testWindow()
	ref, mod := within(d.Recording.Spikes, w), within(sp, w)
	c, err := analysis.GammaFactor(ref, mod, 2, w.Duration())
	if err != nil {
		return Ceiling{}, err
	}
	out := Ceiling{GammaTest: c.Gamma}
	if len(ref) > 0 {
		out.RateError = math.Abs(float64(len(mod)-len(ref))) / float64(len(ref))
	}
	return out, nil
}

func (d *Data) trainWindow() fit.Window {
	return fit.Window{StartMS: 0, EndMS: d.Protocol.TrainS * 1000}
}

func (d *Data) testWindow() fit.Window {
	p := d.Protocol
	return fit.Window{StartMS: p.TrainS * 1000, EndMS: (p.TrainS + p.TestS) * 1000}
}

// within returns the spikes in w, shifted to the window's start.
func within(s []float64, w fit.Window) []float64 {
	var out []float64
	for _, t := range s {
		if t >= w.StartMS && t < w.EndMS {
			out = append(out, t-w.StartMS)
		}
	}
	return out
}

// Cached is Generate with a cache: if dir holds a Data of the same
// protocol it is returned, else the protocol is generated and stored
// there (dir "" disables the cache).
//
// A SimBrian2 protocol is generated as its brain/reference twin (the same
// protocol with Simulator SimGo and "go" for "brian2" in its ID, which
// Family also lists) and shares its cache entry.
func Cached(dir string, p Protocol) (*Data, error) {
	q := p
	if p.Simulator == SimBrian2 {
		q.Simulator = SimGo
		q.ID = strings.Replace(p.ID, SimBrian2, SimGo, 1)
	}
	d, err := cached(dir, q)
	if err != nil {
		return nil, err
	}
	d.Protocol = p
	return d, nil
}

func cached(dir string, p Protocol) (*Data, error) {
	if dir == "" {
		return Generate(p)
	}
	path := filepath.Join(dir, p.ID+".gob")
	if f, err := os.Open(path); err == nil {
		var d Data
		err := gob.NewDecoder(f).Decode(&d)
		f.Close()
		if err == nil && d.Protocol == p {
			return &d, nil
		}
	}
	d, err := Generate(p)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := gob.NewEncoder(f).Encode(d); err != nil {
		f.Close()
		return nil, err
	}
	return d, f.Close()
}
