package validate

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
)

// Result is the score of a fit on one protocol.
type Result struct {
	Protocol   Protocol           `json:"protocol"`
	Factors    map[string]float64 `json:"factors,omitempty"`
	MeanPA     float64            `json:"mean_pa"`
	SDPA       float64            `json:"sd_pa"`
	RheobasePA float64            `json:"rheobase_pa"`
	RateTrain  float64            `json:"rate_train_hz"` // recorded
	RateTest   float64            `json:"rate_test_hz"`  // recorded
	GammaTrain float64            `json:"gamma_train"`
	GammaTest  float64            `json:"gamma_test"`
	// RateError is |ν_model − ν_cell| / ν_cell on the test window.
	RateError float64 `json:"rate_error"`
	// FIError is Σ|f_model − f_cell| / Σ f_cell over the f–I test steps.
	FIError  float64   `json:"fi_error"`
	FIAmpsPA []float64 `json:"fi_amps_pa"`
	FIRef    []float64 `json:"fi_ref_hz"`
	FIModel  []float64 `json:"fi_model_hz"`
	// Ceilings are the self-consistency calibrations (see Ceiling).
	Ceilings   []Ceiling    `json:"ceilings"`
	Params     brain.Params `json:"params"`
	Evals      int          `json:"evals"`
	FitSeconds float64      `json:"fit_seconds"`
	// FitCPUSeconds is the CPU time of the fit (s), measured by the
	// command when it runs one protocol at a time (0: not measured).
	FitCPUSeconds float64 `json:"fit_cpu_seconds,omitempty"`
}

// Stored is the file `neuron validate --out` writes (testdata/validation.json).
type Stored struct {
	// Command is the command line that produced the file.
	Command string `json:"command"`
	// Reused names the earlier output whose results were taken over
	// (deterministic fits of the same protocols and settings).
	Reused string `json:"reused,omitempty"`
	// Seed and MaxEvals are the search settings (0: the fitter's default).
	Seed     uint64 `json:"seed"`
	MaxEvals int    `json:"max_evals"`
	// Optimizer is fit.Options.Optimizer ("": the default).
	Optimizer string `json:"optimizer,omitempty"`
	// NoSteps is true if the step sweeps were left out of training.
	NoSteps bool `json:"no_steps"`
	// NoExtended is fit.Options.NoExtended: the extended model terms
	// were left out of the fits.
	NoExtended bool `json:"no_extended,omitempty"`
	// Saturation is fit.Options.Saturation: the saturating adaptation
	// increment was part of the main search.
	Saturation bool `json:"saturation,omitempty"`
	// SaturationStep is fit.Options.SaturationStep.
	SaturationStep bool `json:"saturation_step,omitempty"`
	// SaturationCV is fit.Options.SaturationCV.
	SaturationCV bool `json:"saturation_cv,omitempty"`
	// FIWeight is fit.Options.FIWeight as given (0: the fitter's default).
	FIWeight float64 `json:"fi_weight,omitempty"`
	// SweepGammaMS is fit.Options.SweepGammaMS (0: the whole sweep).
	SweepGammaMS float64   `json:"sweep_gamma_ms,omitempty"`
	Protocols    int       `json:"protocols"`
	Results      []Result  `json:"results"`
	Summary      []Summary `json:"summary"`
}

// ReadStored reads a file written by `neuron validate --out`.
func ReadStored(path string) (Stored, error) {
	var s Stored
	err := readJSON(path, &s)
	return s, err
}

// Options configure Run.
type Options struct {
	// Fit is the fit's configuration; Train, Test and Extra are set by Run.
	Fit fit.Options
	// NoSteps leaves the step sweeps out of the training data.
	NoSteps bool
}

// Run fits d's training window (and, unless NoSteps, its step sweeps) and
// scores the fit on the test window and the f–I steps.
func Run(d *Data, o Options) (Result, error) {
	fo := o.Fit
	fo.Train, fo.Test = d.trainWindow(), d.testWindow()
	if !o.NoSteps {
		fo.Extra = d.Steps
	}
	t0 := time.Now()
	res, err := fit.Fit(d.Recording, fo)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", d.Protocol.ID, err)
	}
	el := time.Since(t0)
	r := Result{
		Protocol: d.Protocol, Factors: d.Factors, MeanPA: d.MeanPA(), SDPA: d.SDPA(), RheobasePA: d.RheobasePA,
		RateTrain: res.Train.RateData, RateTest: res.Test.RateData,
		GammaTrain: res.GammaTrain, GammaTest: res.GammaTest, RateError: res.Test.RateError(),
		FIAmpsPA: d.FIAmpsPA, FIRef: d.FIRef, Ceilings: d.Ceilings,
		Params: res.Params, Evals: res.Evals, FitSeconds: el.Seconds(),
	}
	if r.FIModel, err = fit.FI(res.Params, d.FIAmpsPA, StepMS, fo.SimDT); err != nil {
		return Result{}, err
	}
	if r.FIError, err = fit.FIError(d.FIRef, r.FIModel); err != nil {
		return Result{}, err
	}
	return r, nil
}

// Stat is the median and the worst value of a score over a group of
// protocols.
type Stat struct {
	Median float64 `json:"median"`
	Worst  float64 `json:"worst"`
}

// Summary describes one group (split, simulator class, cell, regime).
type Summary struct {
	Split  string `json:"split"`
	Cell   string `json:"cell"`
	Regime string `json:"regime"`
	N      int    `json:"n"`
	// GammaTest, RateError and FIError are over the fits (worst: lowest Γ,
	// largest errors).
	GammaTest Stat `json:"gamma_test"`
	RateError Stat `json:"rate_error"`
	FIError   Stat `json:"fi_error"`
	// Ceiling2 and Ceiling5 are the median Γ of the cell against itself
	// with gleak +2 % and +5 % (the self-consistency calibration).
	Ceiling2 float64 `json:"ceiling_gamma_gleak2"`
	Ceiling5 float64 `json:"ceiling_gamma_gleak5"`
	// CeilingFI2 is the median f–I error of the +2 % cell.
	CeilingFI2 float64 `json:"ceiling_fi_gleak2"`
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return 0.5 * (s[n/2-1] + s[n/2])
}

// Summarise groups results by split, cell and regime (in the order of
// Cells, fluctuation before mean, tuning before held-out) and returns
// median and worst of each score with the median ceilings.
func Summarise(rs []Result) []Summary {
	var out []Summary
	for _, split := range []string{Tuning, HeldOut} {
		for _, cell := range Cells {
			for _, regime := range []string{Fluctuation, Mean} {
				var g, re, fe, c2, c5, cf []float64
				for _, r := range rs {
					p := r.Protocol
					if p.Split != split || p.Cell != cell || p.Regime != regime {
						continue
					}
					g = append(g, r.GammaTest)
					re = append(re, r.RateError)
					fe = append(fe, r.FIError)
					for _, c := range r.Ceilings {
						switch c.Label {
						case "gleak +2 %":
							c2 = append(c2, c.GammaTest)
							cf = append(cf, c.FIError)
						case "gleak +5 %":
							c5 = append(c5, c.GammaTest)
						}
					}
				}
				if len(g) == 0 {
					continue
				}
				out = append(out, Summary{
					Split: split, Cell: cell, Regime: regime, N: len(g),
					GammaTest:  Stat{median(g), slices.Min(g)},
					RateError:  Stat{median(re), slices.Max(re)},
					FIError:    Stat{median(fe), slices.Max(fe)},
					Ceiling2:   median(c2),
					Ceiling5:   median(c5),
					CeilingFI2: median(cf),
				})
			}
		}
	}
	return out
}

// SamplingSummary describes the held-out protocols of one voltage
// sampling rate.
type SamplingSummary struct {
	// VoltageKHz is the sampling rate of the voltage (0: not recorded).
	VoltageKHz float64
	N          int
	GammaTest  Stat
	// Ceiling2 is the median Γ of the cell with gleak +2 %.
	Ceiling2 float64
	// BelowCeiling counts the protocols whose Γ lies more than 0.1 below
	// their own +2 % ceiling.
	BelowCeiling int
}

// BySampling groups the held-out results by the sampling rate of their
// voltage (none, then rising rates) across cells and regimes.
func BySampling(rs []Result) []SamplingSummary {
	var rates []float64
	for _, r := range rs {
		if r.Protocol.Split == HeldOut && !slices.Contains(rates, r.Protocol.VoltageKHz) {
			rates = append(rates, r.Protocol.VoltageKHz)
		}
	}
	slices.Sort(rates)
	var out []SamplingSummary
	for _, khz := range rates {
		s := SamplingSummary{VoltageKHz: khz}
		var g, c []float64
		for _, r := range rs {
			if r.Protocol.Split != HeldOut || r.Protocol.VoltageKHz != khz {
				continue
			}
			g = append(g, r.GammaTest)
			for _, x := range r.Ceilings {
				if x.Label == "gleak +2 %" {
					c = append(c, x.GammaTest)
					if r.GammaTest < x.GammaTest-0.1 {
						s.BelowCeiling++
					}
				}
			}
		}
		s.N = len(g)
		s.GammaTest = Stat{median(g), slices.Min(g)}
		s.Ceiling2 = median(c)
		out = append(out, s)
	}
	return out
}
