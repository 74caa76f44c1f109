package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/fit"
)

func init() {
	register(command{
		name:    "fit",
		summary: "fit a GeneralizedNeuron to a recording (current, spikes, optional voltage); JSON on stdout",
		run:     runFit,
	})
}

// fitOutput is the JSON written by "neuron fit" and read by "neuron
// predict" (which needs only "params").
type fitOutput struct {
	Params     brain.Params `json:"params"`
	GammaTrain float64      `json:"gamma_train"`
	GammaTest  float64      `json:"gamma_test,omitempty"`
	Train      scoreOutput  `json:"train"`
	Test       *scoreOutput `json:"test,omitempty"`
	// Extra scores the fit on each --sweep, in order.
	Extra   []scoreOutput `json:"extra,omitempty"`
	Evals   int           `json:"evals"`
	Seed    uint64        `json:"seed"`
	DeltaMS float64       `json:"delta_ms"`
	SimDT   float64       `json:"sim_dt_ms"`
	Initial brain.Params  `json:"initial"`
}

type scoreOutput struct {
	StartMS     float64 `json:"start_ms"`
	EndMS       float64 `json:"end_ms"`
	Gamma       float64 `json:"gamma"`
	NData       int     `json:"n_data"`
	NModel      int     `json:"n_model"`
	NCoinc      int     `json:"n_coinc"`
	RateDataHz  float64 `json:"rate_data_hz"`
	RateModelHz float64 `json:"rate_model_hz"`
	RateError   float64 `json:"rate_error"`
	// VoltageRMS is the subthreshold voltage error (mV), present only with
	// a voltage trace.
	VoltageRMS *float64 `json:"voltage_rms_mv,omitempty"`
}

func toScoreOutput(s fit.Score) scoreOutput {
	out := scoreOutput{
		StartMS: s.Window.StartMS, EndMS: s.Window.EndMS, Gamma: s.Gamma(),
		NData: s.Coincidence.NData, NModel: s.Coincidence.NModel, NCoinc: s.Coincidence.NCoinc,
		RateDataHz: s.RateData, RateModelHz: s.RateModel, RateError: s.RateError(),
	}
	if v := s.VoltageRMS; !math.IsNaN(v) && !math.IsInf(v, 0) {
		out.VoltageRMS = &v
	}
	return out
}

const fitSynopsis = `--current I.f32 --dt 0.1 --spikes ref.csv [--voltage v.f32] --train 0:10000 [--test 10000:20000] > params.json
       neuron fit --nwb cell.nwb --nwb-sweep NAME [--nwb-sweep NAME2 ...] --train 0:5000 [--test ...] > params.json

Traces are raw little-endian float32 (.f32, .bin, .raw, .dat) or text (one
value per line, or the last column; optional header). Spike times are text in
ms. Windows are start:end in ms; the suffix "s" gives seconds and "samples"
sample indices of --dt (0:10000 = 0:10s = 0:100000samples at dt = 0.1 ms).
Each --sweep adds a further training sweep (current and spike files, e.g.
one current step of an f–I protocol), simulated from rest and scored like
the training window, so that the fit keeps the f–I curve too.
With --nwb, the current (CurrentClampStimulusSeries), the voltage
(CurrentClampSeries) and the sampling come from the first --nwb-sweep of an NWB 2 file,
named by its series name or sweep_number, with time 0 at the sweep's first
sample; the spikes are where the voltage first reaches --spike-threshold.
Further --nwb-sweep sweeps are extra training sweeps, like --sweep.`

func runFit(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fit", fitSynopsis, stderr)
	currentPath := fs.String("current", "", "injected current file (pA)")
	dt := fs.Float64("dt", 0, "sampling interval of current and voltage (ms)")
	spikesPath := fs.String("spikes", "", "recorded spike times file (ms, or seconds if its header says so, see --spike-unit)")
	spikeUnit := fs.String("spike-unit", "auto", "unit of the times in --spikes and --sweep spike files: auto (the header's, e.g. t_s or t_ms; ms without one), ms or s")
	voltagePath := fs.String("voltage", "", "optional membrane voltage file (mV), same sampling as the current")
	train := fs.String("train", "", "training window start:end (ms; or with suffix s or samples)")
	test := fs.String("test", "", "optional held-out window start:end")
	seed := fs.Uint64("seed", 1, "seed of the search")
	evals := fs.Int("evals", 600, "maximum number of model simulations")
	delta := fs.Float64("delta", 2, "coincidence precision Δ (ms)")
	simDT := fs.Float64("simdt", fit.DefaultSimDT, "integration step of the model (ms)")
	vWeight := fs.Float64("voltage-weight", 0, "weight of the subthreshold voltage error per mV in the objective (0: default 0.1; negative: off)")
	validation := fs.Float64("validation", 0, "hold out this many ms at the end of --train to choose among the search's points (0: none)")
	theta := fs.String("theta", "auto", "adaptive threshold: auto (if the voltage shows one), on or off")
	optimizer := fs.String("optimizer", "nelder-mead", "search method: nelder-mead or cmaes")
	saturation := fs.Bool("saturation", false, "with --sweep: search the saturating adaptation increment from the start (fit.Options.Saturation; off by default, see docs/accuracy.md, round five)")
	satStep := fs.Bool("saturation-step", false, "with --sweep: try the saturating adaptation increment after the search, where the fit fires too slowly on the fastest sweep (fit.Options.SaturationStep; docs/accuracy.md, round six)")
	satCV := fs.Bool("saturation-cv", false, "with --sweep: the saturation step of --saturation-step (implied), its result chosen by cross-validation inside the training window with the fastest sweep held back (fit.Options.SaturationCV; docs/accuracy.md, round seven)")
	fiWeight := fs.Float64("fi-weight", 0, "with --sweep: weight of the sweeps' f–I error in the objective (fit.Options.FIWeight; 0: none)")
	sweepGamma := fs.Float64("sweep-gamma-ms", 0, "with --sweep: score each sweep's spike timing (Γ) over its first this many ms only, its rate over the whole sweep (fit.Options.SweepGammaMS; 0: the whole sweep; docs/accuracy.md, round eight)")
	var sweeps sweepList
	fs.Var(&sweeps, "sweep", "extra training sweep current-file:spikes-file (same --dt; repeatable), e.g. the steps of an f–I protocol")
	nwbPath := fs.String("nwb", "", "read current, voltage and spikes from current-clamp sweeps of this NWB 2 file instead (with --nwb-sweep)")
	var nwbSweeps stringList
	fs.Var(&nwbSweeps, "nwb-sweep", "a current-clamp sweep of --nwb, by CurrentClampSeries name or sweep_number: the first is the recording, further ones extra training sweeps (repeatable)")
	spikeMV := fs.Float64("spike-threshold", 0, "with --nwb: spikes are where the voltage first reaches this (mV)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	thetaMode, err := parseTheta(*theta)
	if err != nil {
		return err
	}
	var rec fit.Recording
	var extra []fit.Recording // further --nwb-sweep sweeps
	if *nwbPath != "" {
		if len(nwbSweeps) == 0 || *train == "" || *currentPath != "" || *spikesPath != "" || *voltagePath != "" {
			fs.Usage()
			return errors.New("--nwb needs --nwb-sweep and --train, and replaces --current, --spikes and --voltage")
		}
		for k, name := range nwbSweeps {
			r, err := loadNWBSweep(*nwbPath, name, *spikeMV)
			if err != nil {
				return err
			}
			fmt.Fprintf(stderr, "neuron fit: %s sweep %s: %d samples at %g ms, %d spikes\n", *nwbPath, name, len(r.Current), r.DT, len(r.Spikes))
			if k == 0 {
				rec, *dt = r, r.DT
			} else if r.DT != rec.DT {
				return fmt.Errorf("--nwb-sweep %s: sampled at %g ms, the first at %g ms", name, r.DT, rec.DT)
			} else {
				extra = append(extra, r)
			}
		}
	} else {
		if *currentPath == "" || *spikesPath == "" || *dt <= 0 || *train == "" {
			fs.Usage()
			return errors.New("--current, --dt, --spikes and --train are required")
		}
		if rec, err = loadRecording(*currentPath, *dt, *spikesPath, *voltagePath, *spikeUnit); err != nil {
			return err
		}
	}
	o := fit.Options{
		Seed: *seed, MaxEvals: *evals, DeltaMS: *delta, SimDT: *simDT,
		VoltageWeight: *vWeight, ValidationMS: *validation, Theta: thetaMode,
		Optimizer: fit.Optimizer(*optimizer), Saturation: *saturation, SaturationStep: *satStep, SaturationCV: *satCV, FIWeight: *fiWeight,
		SweepGammaMS: *sweepGamma,
	}
	o.Extra = append(o.Extra, extra...)
	for _, sw := range sweeps {
		cur, sp, _ := strings.Cut(sw, ":")
		r, err := loadRecording(cur, *dt, sp, "", *spikeUnit)
		if err != nil {
			return fmt.Errorf("--sweep %s: %w", sw, err)
		}
		o.Extra = append(o.Extra, r)
	}
	if o.Train, err = fit.ParseWindow(*train, *dt); err != nil {
		return err
	}
	if *test != "" {
		if o.Test, err = fit.ParseWindow(*test, *dt); err != nil {
			return err
		}
	}
	res, err := fit.Fit(rec, o)
	if err != nil {
		return err
	}
	out := fitOutput{
		Params: res.Params, GammaTrain: res.GammaTrain, GammaTest: res.GammaTest,
		Train: toScoreOutput(res.Train), Evals: res.Evals, Seed: res.Seed,
		DeltaMS: *delta, SimDT: *simDT, Initial: res.Initial,
	}
	if *test != "" {
		t := toScoreOutput(res.Test)
		out.Test = &t
	}
	for _, e := range res.Extra {
		out.Extra = append(out.Extra, toScoreOutput(e))
	}
	fmt.Fprintf(stderr, "neuron fit: Γ train %.3f", res.GammaTrain)
	if *test != "" {
		fmt.Fprintf(stderr, ", Γ test %.3f, rate error %.1f %%", res.GammaTest, 100*res.Test.RateError())
	}
	fmt.Fprintf(stderr, " (%d simulations)\n", res.Evals)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// sweepList collects repeated --sweep flags.
type sweepList []string

func (s *sweepList) String() string { return strings.Join(*s, ",") }

func (s *sweepList) Set(v string) error {
	cur, sp, ok := strings.Cut(v, ":")
	if !ok || cur == "" || sp == "" {
		return fmt.Errorf("want current-file:spikes-file, got %q", v)
	}
	*s = append(*s, v)
	return nil
}

func parseTheta(s string) (fit.ThetaMode, error) {
	switch s {
	case "auto":
		return fit.ThetaAuto, nil
	case "on":
		return fit.ThetaOn, nil
	case "off":
		return fit.ThetaOff, nil
	}
	return 0, fmt.Errorf("--theta %q: want auto, on or off", s)
}

// loadRecording reads a recording's files. unit is the --spike-unit flag:
// with "auto", spike times are taken in ms unless the file's header names
// seconds, and a spike file whose times all fall in the first thousandth
// of the recording (what times in seconds read as ms look like) is refused
// rather than fitted to a burst that never happened.
func loadRecording(currentPath string, dt float64, spikesPath, voltagePath, unit string) (fit.Recording, error) {
	rec := fit.Recording{DT: dt}
	var u fit.SpikeUnit
	switch unit {
	case "auto", "":
	case "ms", "s":
		u = fit.SpikeUnit(unit)
	default:
		return rec, fmt.Errorf("--spike-unit %q: want auto, ms or s", unit)
	}
	var err error
	if rec.Current, err = fit.ReadTrace(currentPath); err != nil {
		return rec, err
	}
	if spikesPath != "" {
		if rec.Spikes, err = fit.ReadSpikesIn(spikesPath, u); err != nil {
			return rec, err
		}
	}
	if voltagePath != "" {
		if rec.Voltage, err = fit.ReadTrace(voltagePath); err != nil {
			return rec, err
		}
	}
	if err := rec.Validate(); err != nil {
		return rec, err
	}
	if n, T := len(rec.Spikes), rec.DurationMS(); u == fit.UnitAuto && n >= 3 && T >= 100 && rec.Spikes[n-1] <= T/1000 {
		return rec, fmt.Errorf("%s: all %d spike times are at most %g, inside the first %g ms of a %g ms recording: if they are in seconds, give --spike-unit s (or a header such as t_s); if they really are ms, give --spike-unit ms",
			spikesPath, n, rec.Spikes[n-1], T/1000, T)
	}
	return rec, nil
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	if v == "" {
		return errors.New("empty value")
	}
	*s = append(*s, v)
	return nil
}
