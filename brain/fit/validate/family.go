package validate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/neuron-sim/neuron/brain/reference"
)

// ErrInput is wrapped by every error about an unusable protocol or option.
var ErrInput = errors.New("brain: invalid validation input")

// Splits of the family.
const (
	// Tuning protocols may be used to choose the fitter's defaults.
	Tuning = "tuning"
	// HeldOut protocols are never used for that; they are the suite's
	// score.
	HeldOut = "heldout"
)

// Regimes of the stimulus.
const (
	// Fluctuation: σ/μ ≥ 1, the fluctuations make the spikes.
	Fluctuation = "fluctuation"
	// Mean: σ/μ < 1, a mean above rheobase makes the cell fire regularly
	// and the fluctuations only shift the spikes.
	Mean = "mean"
)

// Simulators of the recorded cell.
const (
	// SimGo is brain/reference: RK4 at ≤ 0.01 ms, spikes at the
	// interpolated upward 0 mV crossing.
	SimGo = "go"
	// SimBrian2 is the Pospischil cells written for Brian2
	// (scripts/brian2_pospischil.py; exponential Euler at 0.01 ms, spikes
	// at the first step above 0 mV), read from stored files.
	SimBrian2 = "brian2"
)

// Protocol is one member of the family: a cell variant, a frozen
// Ornstein–Uhlenbeck current I = s·(MuOverSigma + ξ(t)) with ξ of unit
// s.d. and τ = 5 ms, the scale s set so that the cell fires at about
// RateHz, a training window [0, TrainS) followed by a test window of TestS,
// and the voltage sampled at VoltageKHz (the current is sampled at the
// same rate; 0 means no voltage, current at 10 kHz). Every protocol also
// has three 1 s current steps as extra training sweeps (1.1, 1.75 and
// 2.75 × rheobase) and is scored on five other steps (1.25, 1.5, 2, 2.5,
// 3 × rheobase) for the f–I curve.
type Protocol struct {
	ID        string `json:"id"`
	Split     string `json:"split"`
	Simulator string `json:"simulator"`
	Cell      string `json:"cell"`
	// Variant 0 is the published cell; others scale each conductance
	// (gleak, gNa, gKd and, where present, gM, gL) by a factor drawn
	// uniformly in [0.8, 1.2] (see Variant).
	Variant int    `json:"variant"`
	Regime  string `json:"regime"`
	// MuOverSigma is μ/σ of the current (0: zero mean, σ/μ = ∞).
	MuOverSigma float64 `json:"mu_over_sigma"`
	RateHz      float64 `json:"rate_hz"`
	TrainS      float64 `json:"train_s"`
	TestS       float64 `json:"test_s"`
	VoltageKHz  float64 `json:"voltage_khz"`
	Seed        uint64  `json:"seed"`
}

// DT is the sampling interval of the protocol's current and voltage (ms).
func (p Protocol) DT() float64 {
	if p.VoltageKHz > 0 {
		return 1 / p.VoltageKHz
	}
	return 0.1
}

// Cells are the reference cells of the family (Pospischil et al. 2008).
var Cells = []string{"RS", "FS", "IB"}

func baseParams(cell string) (reference.Params, error) {
	switch strings.ToUpper(cell) {
	case "RS":
		return reference.RS(), nil
	case "FS":
		return reference.FS(), nil
	case "IB":
		return reference.IB(), nil
	}
	return reference.Params{}, fmt.Errorf("%w: cell %q (want RS, FS or IB)", ErrInput, cell)
}

// Variant returns the parameters of variant v of a reference cell and the
// factors applied to its conductances: none for v = 0, else each of
// gleak, gNa, gKd, gM, gL (those the cell has) times a factor drawn
// uniformly from [0.8, 1.2] by rand.NewPCG(v, "variant").
func Variant(cell string, v int) (reference.Params, map[string]float64, error) {
	p, err := baseParams(cell)
	if err != nil {
		return p, nil, err
	}
	if v < 0 {
		return p, nil, fmt.Errorf("%w: variant %d", ErrInput, v)
	}
	f := map[string]float64{}
	if v == 0 {
		return p, f, nil
	}
	rng := rand.New(rand.NewPCG(uint64(v), 0x76617269616e74))
	for _, g := range []struct {
		name string
		ptr  *float64
	}{{"gleak", &p.GLeak}, {"gNa", &p.GNa}, {"gKd", &p.GKd}, {"gM", &p.GM}, {"gL", &p.GL}} {
		x := 0.8 + 0.4*rng.Float64()
		if *g.ptr > 0 {
			*g.ptr *= x
			f[g.name] = x
		}
	}
	p.Name = fmt.Sprintf("%s-v%d", p.Name, v)
	return p, f, nil
}

// Choices of the random part of the family.
var (
	fluctMuOverSigma = []float64{0, 0, 1.0 / 3, 0.5}  // σ/μ = ∞, ∞, 3, 2
	meanMuOverSigma  = []float64{1 / 0.8, 2, 1 / 0.3} // σ/μ = 0.8, 0.5, 0.3
	rates            = []float64{3, 5, 10, 20, 30}
	trainLengths     = []float64{5, 10, 20}
	voltageKHz       = []float64{0, 2, 10, 20}
)

// Sizes of the stored suite (testdata/validation.json): random protocols
// per cell and regime in the tuning and the held-out part.
const (
	DefaultTuning  = 1
	DefaultHeldOut = 4
)

// Family returns the protocols of the suite, in a fixed order:
//
//   - tuning: per cell and regime, nTuning protocols drawn at random
//     (variant, σ/μ, rate, training length, voltage sampling, noise seed);
//   - held-out: per cell and regime, nHeldOut protocols drawn the same way
//     from other seeds and other variants (the first n of a larger draw
//     are those of a smaller one), and the issue's protocol on the
//     published cell (10 Hz, 10 s + 10 s, voltage at 10 kHz; σ/μ = ∞ or
//     0.8) twice: recorded from brain/reference and from the Brian2
//     implementation (same current); then the issue's protocol with the
//     voltage and current sampled at 2 kHz (brain/reference, IDs
//     "issue2k-…"), so that every cell and regime has a held-out protocol
//     at the lowest sampling rate.
func Family(nTuning, nHeldOut int) []Protocol {
	return FamilyDraw(nTuning, nHeldOut, 1)
}

// TuningSeedStride separates the keys of the tuning draws of different
// tuning seeds (see FamilyDraw): draw s > 1 takes its variants and noise
// seeds from TuningSeedStride·s + 1 on, far from those of the held-out
// part (1001–1230) and of every other draw.
const TuningSeedStride = 10000

// FamilyDraw is Family with the tuning part drawn by tuningSeed: seed 1 is
// the tuning part of the stored suite (Family); any other seed ≥ 2 draws a
// fresh tuning part, with IDs "tuning-s<seed>-…" and its own variants and
// noise seeds, which shares none with the held-out part or with another
// seed's draw. Use a seed that no earlier study used to choose a change
// of the fitter on protocols nobody has looked at (`neuron validate
// --tuning-seed`). The held-out part does not depend on tuningSeed; a
// seed of 0 is taken as 1.
func FamilyDraw(nTuning, nHeldOut int, tuningSeed uint64) []Protocol {
	var out []Protocol
	tuneBase, tuneID := uint64(1), Tuning
	if tuningSeed > 1 {
		tuneBase = TuningSeedStride*tuningSeed + 1
		tuneID = fmt.Sprintf("%s-s%d", Tuning, tuningSeed)
	}
	draw := func(split, prefix string, base uint64, n int) {
		for ci, cell := range Cells {
			for ri, regime := range []string{Fluctuation, Mean} {
				key := base + uint64(100*ci+10*ri)
				rng := rand.New(rand.NewPCG(key, 0x66616d696c79))
				mus := fluctMuOverSigma
				if regime == Mean {
					mus = meanMuOverSigma
				}
				for k := range n {
					p := Protocol{
						Split: split, Simulator: SimGo, Cell: cell, Regime: regime,
						Variant:     int(key) + k,
						MuOverSigma: mus[rng.IntN(len(mus))],
						RateHz:      rates[rng.IntN(len(rates))],
						TrainS:      trainLengths[rng.IntN(len(trainLengths))],
						TestS:       10,
						VoltageKHz:  voltageKHz[rng.IntN(len(voltageKHz))],
						Seed:        key + uint64(k),
					}
					p.ID = fmt.Sprintf("%s-%s-%s-%d", prefix, cell, regime[:4], k)
					out = append(out, p)
				}
			}
		}
	}
	draw(Tuning, tuneID, tuneBase, nTuning)
	draw(HeldOut, HeldOut, 1001, nHeldOut)
	issue := func(sim, cell, regime string, khz float64) Protocol {
		mu := 0.0
		if regime == Mean {
			mu = 1 / 0.8
		}
		id := fmt.Sprintf("issue-%s-%s-%s", sim, cell, regime[:4])
		if khz != 10 {
			id = fmt.Sprintf("issue%.0fk-%s-%s-%s", khz, sim, cell, regime[:4])
		}
		return Protocol{
			ID: id, Split: HeldOut, Simulator: sim, Cell: cell, Regime: regime,
			MuOverSigma: mu, RateHz: 10, TrainS: 10, TestS: 10, VoltageKHz: khz, Seed: 17,
		}
	}
	for _, sim := range []string{SimGo, SimBrian2} {
		for _, cell := range Cells {
			for _, regime := range []string{Fluctuation, Mean} {
				out = append(out, issue(sim, cell, regime, 10))
			}
		}
	}
	for _, cell := range Cells {
		for _, regime := range []string{Fluctuation, Mean} {
			out = append(out, issue(SimGo, cell, regime, 2))
		}
	}
	return out
}
