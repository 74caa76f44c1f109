package fit

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/neuron-sim/neuron/brain/reference"
)

// BenchmarkOptions describe the spike-time prediction benchmark: a
// reference cell is driven by frozen Ornstein–Uhlenbeck noise, a
// GeneralizedNeuron is fitted on the first part and scored on the rest
// (Jolivet et al. 2008; Brette & Gerstner 2005). Zero fields take the
// defaults in brackets.
type BenchmarkOptions struct {
	DurationMS float64 // length of the recording (ms) [20000]
	DT         float64 // sampling interval of current and voltage (ms) [0.1]
	TauMS      float64 // correlation time of the OU current (ms) [5]
	RateHz     float64 // target firing rate of the reference (Hz) [10]
	// SDFactor sets the s.d. of the current to SDFactor × rheobase [1].
	SDFactor float64
	// SDPA, MeanPA and RheobasePA, when non-zero, skip the corresponding
	// measurement (the s.d. and mean of the current, pA; the rheobase for
	// 1 s steps, pA), e.g. to replay a calibrated protocol quickly.
	SDPA, MeanPA, RheobasePA float64
	// Seed and Stream select the frozen noise: rand.NewPCG(Seed, Stream) [1, 0].
	Seed, Stream uint64
	// Fit configures the fit; zero Train/Test windows mean the first and
	// second half of the recording.
	Fit Options
	// FIFactors are the step amplitudes of the f–I comparison, as multiples
	// of the reference rheobase [1.25, 1.5, 2, 2.5, 3]; FIDurationMS is the
	// step length (ms) [1000]. The rheobase itself is left out: there the
	// reference fires a spike or two by definition, and the relative error of
	// a near-zero rate measures only how close the two thresholds are.
	FIFactors    []float64
	FIDurationMS float64
}

// BenchmarkResult is the outcome of Benchmark.
type BenchmarkResult struct {
	Cell       string
	RheobasePA float64 // reference rheobase for 1 s steps (pA)
	MeanPA     float64 // mean of the OU current (pA)
	SDPA       float64 // s.d. of the OU current (pA)
	RateHz     float64 // reference rate over the whole recording (Hz)

	Recording Recording // the reference's current, spikes and voltage
	Fit       Result    // the fit (Γ and rates on train and test)

	FIAmpsPA []float64 // f–I step amplitudes (pA)
	FIRef    []float64 // reference rates (Hz)
	FIModel  []float64 // fitted model rates (Hz)
	FIError  float64   // Σ|f_model − f_ref| / Σ f_ref

	ReferenceTime, FitTime time.Duration // wall-clock cost of the steps
}

// Benchmark runs the spike-time prediction benchmark on cell.
func Benchmark(cell *reference.Cell, o BenchmarkOptions) (BenchmarkResult, error) {
	def := func(x *float64, v float64) {
		if *x == 0 {
			*x = v
		}
	}
	def(&o.DurationMS, 20000)
	def(&o.DT, 0.1)
	def(&o.TauMS, 5)
	def(&o.RateHz, 10)
	def(&o.SDFactor, 1)
	def(&o.FIDurationMS, 1000)
	if o.Seed == 0 && o.Stream == 0 {
		o.Seed = 1
	}
	if o.FIFactors == nil {
		o.FIFactors = []float64{1.25, 1.5, 2, 2.5, 3}
	}
	if o.Fit.Train == (Window{}) {
		o.Fit.Train = Window{0, o.DurationMS / 2}
	}
	if o.Fit.Test == (Window{}) {
		o.Fit.Test = Window{o.DurationMS / 2, o.DurationMS}
	}
	r := BenchmarkResult{Cell: cell.Params().Name}
	t0 := time.Now()
	r.RheobasePA = o.RheobasePA
	if r.RheobasePA == 0 {
		rh, err := cell.Rheobase(o.FIDurationMS, 20000, 1)
		if err != nil {
			return r, err
		}
		r.RheobasePA = math.Round(rh)
	}
	r.SDPA = o.SDPA
	if r.SDPA == 0 {
		r.SDPA = o.SDFactor * r.RheobasePA
	}
	n := int(math.Round(o.DurationMS / o.DT))
	var current []float64
	if o.MeanPA != 0 {
		r.MeanPA = o.MeanPA
		var err error
		current, err = reference.OU(nil, n, o.DT, r.MeanPA, r.SDPA, o.TauMS, rand.New(rand.NewPCG(o.Seed, o.Stream)))
		if err != nil {
			return r, err
		}
	} else {
		mu, cur, err := cell.CalibrateOU(o.RateHz, r.SDPA, o.TauMS, o.DurationMS, o.DT, o.Seed, o.Stream)
		if err != nil {
			return r, err
		}
		r.MeanPA, current = mu, cur
	}
	spikes, v, err := cell.Run(current, o.DT)
	if err != nil {
		return r, err
	}
	r.ReferenceTime = time.Since(t0)
	r.RateHz = float64(len(spikes)) / o.DurationMS * 1000
	r.Recording = Recording{DT: o.DT, Current: current, Spikes: spikes, Voltage: v}

	t0 = time.Now()
	res, err := Fit(r.Recording, o.Fit)
	if err != nil {
		return r, fmt.Errorf("fit %s: %w", r.Cell, err)
	}
	r.FitTime = time.Since(t0)
	r.Fit = res

	r.FIAmpsPA = make([]float64, len(o.FIFactors))
	for i, f := range o.FIFactors {
		r.FIAmpsPA[i] = f * r.RheobasePA
	}
	if r.FIRef, err = cell.FI(r.FIAmpsPA, o.FIDurationMS); err != nil {
		return r, err
	}
	if r.FIModel, err = FI(res.Params, r.FIAmpsPA, o.FIDurationMS, o.Fit.SimDT); err != nil {
		return r, err
	}
	r.FIError, err = FIError(r.FIRef, r.FIModel)
	return r, err
}
