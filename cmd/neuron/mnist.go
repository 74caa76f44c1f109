package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sync"
	"time"

	dc "github.com/neuron-sim/neuron/brain/models/diehlcook"
)

func init() {
	register(command{
		name:    "mnist",
		summary: "Diehl & Cook (2015) STDP network on MNIST: train, label, test",
		run:     runMNIST,
	})
}

const mnistSynopsis = `[train|label|test|all] [flags]

Unsupervised digit recognition by STDP (Diehl & Cook 2015). Phases:
  train  present the first --images training images --passes times, learning
         by STDP; checkpoints to --state every --every images and resumes from
         it after a kill (same flags → identical final weights)
  label  label each cell by its highest average response to --label-images
         training images (network frozen); writes the labels to --json
  test   classify --test-images test images by the labelled cells' vote;
         writes accuracy and confusion matrix to --json
  all    (default) the three phases in turn
  status write the progress of an unfinished training (images seen, the
         training-time accuracy curve) to --json without training
The MNIST files come from the pinned Go module ` + dc.MNISTModule + `@` + dc.MNISTVersion + `
(or $NEURON_MNIST_DIR).`

func runMNIST(args []string, stdout, stderr io.Writer) error {
	phase := "all"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		phase, args = args[0], args[1:]
	}
	switch phase {
	case "train", "label", "test", "all", "status":
	default:
		return fmt.Errorf("unknown phase %q (train, label, test, all, status)", phase)
	}
	fs := newFlagSet("mnist", mnistSynopsis, stderr)
	n := fs.Int("n", 400, "excitatory cells")
	passes := fs.Int("passes", 0, "passes over the training images (0: the paper's, 1 for ≤ 100 cells, 3 for 400, 7 for 1600, 15 above)")
	images := fs.Int("images", 60000, "training images per pass (the first ones of the set)")
	labelImages := fs.Int("label-images", 60000, "training images used to label the cells")
	testImages := fs.Int("test-images", 10000, "test images to classify")
	seed := fs.Uint64("seed", 1, "seed of the initial weights and of the Poisson inputs")
	rule := fs.String("rule", "paper", "plasticity rule: paper (eq. 3) or triplet (the published code's)")
	inputDelay := fs.Float64("input-delay", 0, "random input→excitatory delays up to this many ms (the published code's 10; 0: none, as the paper)")
	eulerMembrane := fs.Bool("euler-membrane", false, "the published code's forward Euler membrane step even where it overshoots (the model before 2026-12-07; see Params.EulerMembrane)")
	rest := fs.Bool("rest", false, "simulate the rest between training images instead of resetting (not kept across a resume)")
	freeRef := fs.Bool("free-refractory", false, "excitatory refractory period blocks spikes without holding v, as Brian 1 runs the published code (see Params.FreeRefractory)")
	hold := fs.Float64("hold", dc.Paper(1).HoldE, "minimum interval between an excitatory cell's spikes, ms (the Brian2 ports' reading of the published code's timer; Brian 1 runs it as 0)")
	workers := fs.Int("workers", 0, "goroutines for labelling and testing (0: GOMAXPROCS)")
	state := fs.String("state", "", "training checkpoint file (required for separate phases)")
	every := fs.Int("every", 1000, "save the checkpoint every this many training images")
	block := fs.Int("block", 10000, "images per block of the training-time accuracy estimate")
	jsonPath := fs.String("json", "", "results file (read and updated by each phase)")
	fields := fs.Bool("fields", false, "store the receptive fields in the results file")
	quiet := fs.Bool("quiet", false, "no progress bar")
	partial := fs.Bool("partial", false, "label and test an unfinished training (its checkpoint as it is; the results file says how many images it had seen)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *passes == 0 {
		*passes = dc.PaperPasses(*n)
	}
	if *every < 1 {
		return fmt.Errorf("--every = %d: must be positive", *every)
	}
	if *workers < 0 {
		return fmt.Errorf("--workers = %d: must be non-negative", *workers)
	}
	if *workers == 0 {
		*workers = runtime.GOMAXPROCS(0)
	}
	if phase != "all" && *state == "" {
		return fmt.Errorf("--state is required for the %s phase", phase)
	}
	if (phase == "label" || phase == "test" || phase == "status") && *jsonPath == "" {
		return fmt.Errorf("--json is required for the %s phase", phase)
	}
	p := dc.Paper(*n)
	r, err := dc.ParseRule(*rule)
	if err != nil {
		return err
	}
	p.Rule = r
	p.InputDelayMax, p.SimulateRest, p.EulerMembrane = *inputDelay, *rest, *eulerMembrane
	p.FreeRefractory, p.HoldE = *freeRef, *hold
	if err := p.Validate(); err != nil {
		return err
	}
	dir, err := dc.MNISTDir()
	if err != nil {
		return err
	}
	train, test, err := dc.LoadMNIST(dir)
	if err != nil {
		return err
	}
	if *images < 1 || *images > train.Len() {
		return fmt.Errorf("--images = %d: want 1..%d", *images, train.Len())
	}
	if *labelImages < 1 || *labelImages > train.Len() {
		return fmt.Errorf("--label-images = %d: want 1..%d", *labelImages, train.Len())
	}
	if *testImages < 1 || *testImages > test.Len() {
		return fmt.Errorf("--test-images = %d: want 1..%d", *testImages, test.Len())
	}

	res := &dc.Result{Model: "Diehl & Cook (2015)", NExc: *n, Rule: p.Rule.String(), Seed: *seed,
		Passes: *passes, Images: *images, Dt: p.Dt, InputDelayMs: p.InputDelayMax, SimulateRest: p.SimulateRest, EulerMembrane: p.EulerMembrane,
		FreeRefractory: p.FreeRefractory}
	if p.HoldE != dc.Paper(*n).HoldE {
		res.HoldMs = &p.HoldE
	}
	if *jsonPath != "" && (phase == "label" || phase == "test") {
		r, err := dc.ReadResult(*jsonPath)
		if err != nil {
			return err
		}
		res = r
		if res.NExc != *n || res.Seed != *seed || res.Rule != p.Rule.String() || res.Passes != *passes || res.Images != *images {
			return fmt.Errorf("%s was written by a different run (n %d, seed %d, rule %s, passes %d, images %d)",
				*jsonPath, res.NExc, res.Seed, res.Rule, res.Passes, res.Images)
		}
	}

	// Training (or loading the trained model).
	t, err := openTrainer(*state, p, *seed, *passes, *images, *block)
	if err != nil {
		return err
	}
	if phase == "status" {
		if t.Done == 0 {
			return fmt.Errorf("%s: no checkpoint to report", *state)
		}
		res.Train = dc.SummarizeTraining(t, *fields)
		fmt.Fprintf(stdout, "%d cells: %d of %d training images, %.2f ms CPU per image so far\n",
			*n, t.Done, t.Total(), 1000*res.Train.CPUSecondsPerImg)
		return writeResult(*jsonPath, res)
	}
	if phase == "train" || phase == "all" {
		if err := trainLoop(t, train, *state, *every, *quiet, stderr); err != nil {
			return err
		}
		res.Train = dc.SummarizeTraining(t, *fields)
		fmt.Fprintf(stdout, "trained %d cells on %d images (%d passes): %.2f ms CPU per image, %.1f s wall\n",
			*n, t.Done, *passes, 1000*res.Train.CPUSecondsPerImg, t.WallSeconds)
	} else if !t.Finished() {
		if !*partial {
			return fmt.Errorf("%s: training not finished (%d of %d images); run the train phase, or pass --partial", *state, t.Done, t.Total())
		}
		if t.Done == 0 {
			return fmt.Errorf("%s: no checkpoint to evaluate", *state)
		}
		// The trainer normalises before each presentation; do it for this frozen copy too.
		t.Model.Normalize()
	}
	if res.Train == nil {
		res.Train = dc.SummarizeTraining(t, *fields)
	}
	if err := writeResult(*jsonPath, res); err != nil || phase == "train" {
		return err
	}

	// Labelling.
	if phase == "label" || phase == "all" {
		d, _ := train.Slice(0, *labelImages)
		start := time.Now()
		counts, err := dc.Responses(t.Model, d, *seed, dc.PhaseLabel, *workers, bar(stderr, "label", d.Len(), *quiet))
		if err != nil {
			return err
		}
		assign, err := dc.Assign(counts, d.Labels)
		if err != nil {
			return err
		}
		res.Label = &dc.LabelResult{Images: d.Len(), Workers: *workers, WallSeconds: time.Since(start).Seconds(), Assign: assign}
		fmt.Fprintf(stdout, "labelled %d cells on %d images in %.1f s (%d workers)\n", *n, d.Len(), res.Label.WallSeconds, *workers)
		if err := writeResult(*jsonPath, res); err != nil || phase == "label" {
			return err
		}
	}
	if res.Label == nil {
		return fmt.Errorf("%s holds no labels; run the label phase", *jsonPath)
	}

	// Testing.
	d, _ := test.Slice(0, *testImages)
	start := time.Now()
	counts, err := dc.Responses(t.Model, d, *seed, dc.PhaseTest, *workers, bar(stderr, "test", d.Len(), *quiet))
	if err != nil {
		return err
	}
	acc, conf, err := dc.Evaluate(counts, d.Labels, res.Label.Assign)
	if err != nil {
		return err
	}
	wall := time.Since(start).Seconds()
	res.Test = &dc.TestResult{Images: d.Len(), Workers: *workers, Accuracy: acc, Confusion: conf,
		WallSeconds: wall, SecondsPerImage: wall / float64(d.Len())}
	fmt.Fprintf(stdout, "test accuracy %.2f %% on %d images (%.2f ms wall per image, %d workers)\n",
		100*acc, d.Len(), 1000*res.Test.SecondsPerImage, *workers)
	return writeResult(*jsonPath, res)
}

// openTrainer resumes the checkpoint at path if it exists (checking that it
// belongs to the same run) or starts a new training.
func openTrainer(path string, p dc.Params, seed uint64, passes, images, block int) (*dc.Trainer, error) {
	if path != "" {
		t, err := dc.LoadTrainer(path)
		if err == nil {
			if t.Model.P != p || t.Seed != seed || t.Passes != passes || t.Images != images || t.BlockSize != block {
				return nil, fmt.Errorf("checkpoint %s belongs to another run (n %d, rule %s, seed %d, passes %d, images %d, block %d)",
					path, t.Model.P.NExc, t.Model.P.Rule, t.Seed, t.Passes, t.Images, t.BlockSize)
			}
			return t, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return dc.NewTrainer(p, seed, passes, images, block)
}

func trainLoop(t *dc.Trainer, d *dc.Dataset, path string, every int, quiet bool, stderr io.Writer) error {
	progress := bar(stderr, "train", t.Total(), quiet)
	wall0, cpu0 := time.Now(), cpuSeconds()
	baseWall, baseCPU := t.WallSeconds, t.CPUSeconds
	save := func() error {
		t.WallSeconds = baseWall + time.Since(wall0).Seconds()
		t.CPUSeconds = baseCPU + cpuSeconds() - cpu0
		if path == "" {
			return nil
		}
		return t.Save(path)
	}
	for !t.Finished() {
		if err := t.Step(d); err != nil {
			return err
		}
		if progress != nil {
			progress(t.Done)
		}
		if t.Done%every == 0 || t.Finished() {
			if err := save(); err != nil {
				return err
			}
		}
	}
	return save()
}

// bar returns a progress callback drawing "\rphase [#####.....] done/total
// rate ETA" on w at most twice a second (nil when quiet).
func bar(w io.Writer, name string, total int, quiet bool) func(int) {
	if quiet {
		return nil
	}
	var mu sync.Mutex
	start := time.Now()
	var last time.Time
	first := -1
	return func(done int) {
		mu.Lock()
		defer mu.Unlock()
		if first < 0 {
			first = done - 1
		}
		now := time.Now()
		if done < total && now.Sub(last) < 500*time.Millisecond {
			return
		}
		last = now
		const width = 30
		k := width * done / total
		el := now.Sub(start).Seconds()
		per := el / float64(max(done-first, 1))
		eta := time.Duration(per*float64(total-done)) * time.Second
		fmt.Fprintf(w, "\r%s [%s%s] %d/%d %.2f ms/image, ETA %s   ", name,
			repeat('#', k), repeat('.', width-k), done, total, 1000*per, eta.Round(time.Second))
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}

func repeat(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func writeResult(path string, res *dc.Result) error {
	if path == "" {
		return nil
	}
	return dc.WriteResult(path, res)
}
