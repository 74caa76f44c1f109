package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/neuron-sim/neuron/brain/fit"
	"github.com/neuron-sim/neuron/brain/fit/validate"
)

func init() {
	register(command{
		name:    "validate",
		summary: "validation suite of the fitter: a family of protocols on perturbed reference cells, held-out scores as distributions (JSON)",
		run:     runValidate,
	})
}

const validateSynopsis = `[--split all|tuning|heldout] [--tuning n] [--tuning-seed s] [--cells RS,FS,IB] [--ids id,…] [--cache dir]
       [--brian2 testdata/brian2] [--export-brian2 tmpdir] [--workers 1] [--out testdata/validation.json]

Runs the fitter over the protocol family of brain/fit/validate (Family):
fluctuation- and mean-driven OU currents (τ = 5 ms, σ/μ from 0.3 to ∞),
3–30 Hz, 5–20 s of training, voltage at 2, 10, 20 kHz or none, on the
Pospischil RS, FS and IB cells with conductances perturbed by up to ±20 %,
plus the issue's protocol recorded from brain/reference and from Brian2
(stored in --brian2). Each fit is scored on the 10 s after its training
window (Γ at ±2 ms, rate error) and on five 1 s current steps (f–I error),
beside the self-consistency ceilings (the cell against itself with gleak
+2 % and +5 %). Results and their summary (median and worst per split,
cell and regime) are written as JSON to --out; the table to stdout.

--export-brian2 dir writes, for the Brian2 protocols, the metadata into
--brian2 and the currents into dir, for scripts/brian2_pospischil.py.`

func runValidate(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", validateSynopsis, stderr)
	split := fs.String("split", "all", "protocols to run: all, tuning or heldout")
	cells := fs.String("cells", "RS,FS,IB", "comma-separated cells")
	ids := fs.String("ids", "", "comma-separated protocol ids (default: all of --split and --cells)")
	nTuning := fs.Int("tuning", validate.DefaultTuning, "random tuning protocols per cell and regime")
	tuningSeed := fs.Uint64("tuning-seed", 1, "seed of the tuning draw: 1 is the stored suite's; another (≥ 2) draws a fresh tuning part (IDs tuning-s<seed>-…) to choose a change of the fitter on protocols no earlier study looked at")
	nHeld := fs.Int("heldout", validate.DefaultHeldOut, "random held-out protocols per cell and regime")
	cache := fs.String("cache", "", "directory caching the generated recordings")
	brian := fs.String("brian2", "testdata/brian2", "directory of the stored Brian2 recordings")
	export := fs.String("export-brian2", "", "write Brian2 inputs (currents into this directory, metadata into --brian2) and stop")
	workers := fs.Int("workers", 1, "protocols run in parallel")
	evals := fs.Int("evals", 0, "maximum simulations per fit (0: the fitter's default)")
	seed := fs.Uint64("seed", 1, "seed of the search")
	optimizer := fs.String("optimizer", "", "search method: nelder-mead (default) or cmaes")
	noSteps := fs.Bool("no-steps", false, "fit the noise sweep alone (no step sweeps)")
	noExt := fs.Bool("no-extended", false, "leave the extended model terms (second threshold component, saturating adaptation) out of the fits")
	fiW := fs.Float64("fi-weight", 0, "weight of the step sweeps' f–I error in the fit's objective (fit.Options.FIWeight; 0, the default, or negative: none; round five of docs/accuracy.md used 1)")
	satStep := fs.Bool("saturation-step", false, "try the saturating adaptation increment after the search where the fit fires too slowly on the fastest step sweep (fit.Options.SaturationStep; round six of docs/accuracy.md)")
	satCV := fs.Bool("saturation-cv", false, "the saturation step of --saturation-step (implied), its result chosen by cross-validation inside the training window with the fastest step sweep held back (fit.Options.SaturationCV; round seven of docs/accuracy.md)")
	sweepGamma := fs.Float64("sweep-gamma-ms", 0, "score each step sweep's spike timing (Γ) over its first this many ms only, its rate over the whole sweep (fit.Options.SweepGammaMS; 0, the default: the whole sweep; round eight of docs/accuracy.md)")
	sat := fs.Bool("saturation", false, "search the saturating adaptation increment from the start (fit.Options.Saturation; round five of docs/accuracy.md)")
	out := fs.String("out", "", "JSON output file")
	list := fs.Bool("list", false, "list the protocols and stop")
	generate := fs.Bool("generate", false, "only generate the recordings into --cache (no fits)")
	reuse := fs.String("reuse", "", "earlier --out files (comma-separated): take over their results for the protocols they have (same search settings) instead of fitting them again")
	if err := fs.Parse(args); err != nil {
		return err
	}
	want := map[string]bool{}
	for _, c := range strings.Split(*cells, ",") {
		want[strings.ToUpper(strings.TrimSpace(c))] = true
	}
	wantID := map[string]bool{}
	for _, id := range strings.Split(*ids, ",") {
		if id = strings.TrimSpace(id); id != "" {
			wantID[id] = true
		}
	}
	var ps []validate.Protocol
	for _, p := range validate.FamilyDraw(*nTuning, *nHeld, *tuningSeed) {
		if (*split != "all" && p.Split != *split) || !want[p.Cell] || (len(wantID) > 0 && !wantID[p.ID]) {
			continue
		}
		if *export != "" && p.Simulator != validate.SimBrian2 {
			continue
		}
		ps = append(ps, p)
	}
	if *generate && *cache == "" {
		return errors.New("--generate needs --cache")
	}
	if len(ps) == 0 {
		return fmt.Errorf("no protocol selected (--split %q, --cells %q, --ids %q)", *split, *cells, *ids)
	}
	if *list {
		b, _ := json.MarshalIndent(ps, "", " ")
		_, err := fmt.Fprintln(stdout, string(b))
		return err
	}
	o := validate.Options{Fit: fit.Options{Seed: *seed, MaxEvals: *evals, Optimizer: fit.Optimizer(*optimizer), NoExtended: *noExt, Saturation: *sat, SaturationStep: *satStep, SaturationCV: *satCV, FIWeight: *fiW, SweepGammaMS: *sweepGamma}, NoSteps: *noSteps}
	results := make([]validate.Result, len(ps))
	errs := make([]error, len(ps))
	done := make([]bool, len(ps))
	for _, path := range strings.Split(*reuse, ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		old, err := validate.ReadStored(path)
		if err != nil {
			return err
		}
		if old.Seed != *seed || old.MaxEvals != *evals || old.NoSteps != *noSteps || old.Optimizer != *optimizer || old.NoExtended != *noExt || old.Saturation != *sat || old.SaturationStep != *satStep || old.SaturationCV != *satCV || old.FIWeight != *fiW || old.SweepGammaMS != *sweepGamma {
			return fmt.Errorf("--reuse %s: its search settings (seed %d, evals %d, no-steps %v, optimizer %q, no-extended %v, saturation %v, saturation-step %v, saturation-cv %v, fi-weight %v, sweep-gamma-ms %v) differ from this run's (seed %d, evals %d, no-steps %v, optimizer %q, no-extended %v, saturation %v, saturation-step %v, saturation-cv %v, fi-weight %v, sweep-gamma-ms %v)",
				path, old.Seed, old.MaxEvals, old.NoSteps, old.Optimizer, old.NoExtended, old.Saturation, old.SaturationStep, old.SaturationCV, old.FIWeight, old.SweepGammaMS,
				*seed, *evals, *noSteps, *optimizer, *noExt, *sat, *satStep, *satCV, *fiW, *sweepGamma)
		}
		for i, p := range ps {
			for _, r := range old.Results {
				if r.Protocol == p {
					results[i], done[i] = r, true
				}
			}
		}
	}
	// save writes the results so far to --out (a checkpoint after every
	// protocol, for --reuse after an interruption); protocols that failed
	// or are not done are left out.
	save := func() error {
		if *out == "" {
			return nil
		}
		var got []validate.Result
		for i := range ps {
			if done[i] && errs[i] == nil {
				got = append(got, results[i])
			}
		}
		res := validate.Stored{
			Command: "neuron validate " + strings.Join(args, " "),
			Reused:  *reuse,
			Seed:    *seed, MaxEvals: *evals, NoSteps: *noSteps, Optimizer: *optimizer, NoExtended: *noExt, Saturation: *sat, SaturationStep: *satStep, SaturationCV: *satCV, FIWeight: *fiW, SweepGammaMS: *sweepGamma,
			Results:   got,
			Summary:   validate.Summarise(got),
			Protocols: len(got),
		}
		b, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
			return err
		}
		tmp := *out + ".tmp"
		if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, *out)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, *workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p := ps[i]
				d, err := validate.Cached(*cache, p)
				if *generate {
					errs[i] = err
					continue
				}
				if err == nil && *export != "" {
					err = validate.ExportBrian2(d, *brian, *export)
					errs[i] = err
					continue
				}
				if err == nil && p.Simulator == validate.SimBrian2 {
					d, err = validate.WithBrian2(d, *brian)
				}
				if err == nil {
					c0 := cpuSeconds()
					results[i], err = validate.Run(d, o)
					if *workers == 1 {
						results[i].FitCPUSeconds = cpuSeconds() - c0
					}
				}
				mu.Lock()
				errs[i], done[i] = err, err == nil
				if err == nil {
					if serr := save(); serr != nil {
						fmt.Fprintf(stderr, "neuron validate: checkpoint: %v\n", serr)
					}
				}
				if err != nil {
					fmt.Fprintf(stderr, "neuron validate: %s: %v\n", p.ID, err)
				} else {
					r := results[i]
					fmt.Fprintf(stderr, "neuron validate: %-28s Γ train %.3f test %.3f (ceil %.3f/%.3f) rate err %.1f %% f–I err %.1f %% (%.0f s)\n",
						p.ID, r.GammaTrain, r.GammaTest, r.Ceilings[0].GammaTest, r.Ceilings[1].GammaTest, 100*r.RateError, 100*r.FIError, r.FitSeconds)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range ps {
		if !done[i] {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	if *generate {
		return errors.Join(errs...)
	}
	if *export != "" {
		if err := errors.Join(errs...); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported %d Brian2 protocols: metadata in %s, currents in %s\n", len(ps), *brian, *export)
		return nil
	}
	var all []validate.Result
	for i := range ps {
		if errs[i] == nil {
			all = append(all, results[i])
		}
	}
	sum := validate.Summarise(all)
	if err := validate.WriteTable(stdout, sum); err != nil {
		return err
	}
	for _, g := range validate.Goals(sum) {
		fmt.Fprintln(stdout, g)
	}
	if err := save(); err != nil {
		return err
	}
	return errors.Join(errs...)
}
