package diehlcook

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// The Brian2 parity check. scripts/brian2_diehlcook_parity.py builds the
// network of this package in Brian2 (its own equations, Euler at 0.5 ms,
// Brian's schedule: state update, threshold, synaptic pre then post code,
// reset) and trains it on the first images of MNIST from the same initial
// weights and the same input spike trains as this package draws; its output
// is stored in testdata/diehlcook_brian2_<case>.json.gz. TestBrian2Parity
// trains this package's network the same way and compares every excitatory
// spike, θ and the weights after every image.
//
// Regenerate (needs python3-brian; a few minutes):
//
//	go test ./brain/models/diehlcook -run TestBrian2Parity -parity.write /tmp/parity
//	/usr/bin/python3 scripts/brian2_diehlcook_parity.py /tmp/parity/paper.json testdata/diehlcook_brian2_paper.json.gz
//	/usr/bin/python3 scripts/brian2_diehlcook_parity.py /tmp/parity/triplet.json testdata/diehlcook_brian2_triplet.json.gz
//	/usr/bin/python3 scripts/brian2_diehlcook_parity.py /tmp/parity/triplet_brian1.json testdata/diehlcook_brian2_triplet_brian1.json.gz
var parityWrite = flag.String("parity.write", "", "write the inputs of the Brian2 parity runs to this directory")

const (
	parityCells  = 100
	parityImages = 30
	paritySeed   = 1
	// parityAttempts is the number of presentations of each image whose
	// input spikes are handed to Brian2 (the runs need at most 2).
	parityAttempts = 4
	// paritySampleStride picks the weights stored in full: every
	// paritySampleStride-th entry of the row-major [input][cell] matrix.
	paritySampleStride = 97
)

// parityCases are the runs compared with Brian2: the paper's rule, the
// published code's triplet rule, and the triplet rule with the excitatory
// neuron as Brian 1 runs the published code (no hold of v in the
// refractory period, no minimum interval).
var parityCases = []struct {
	name    string
	rule    Rule
	brian1E bool
}{{"paper", RulePaper, false}, {"triplet", RuleTriplet, false}, {"triplet_brian1", RuleTriplet, true}}

// parityParams are the paper's parameters for the parity runs. The Euler
// membrane step is kept everywhere (Brian's Euler integrator; the 100-cell
// network never reaches a step where the two differ).
func parityParams(rule Rule, brian1E bool) Params {
	p := Paper(parityCells)
	p.Rule = rule
	p.EulerMembrane = true
	if brian1E {
		p.FreeRefractory, p.HoldE = true, 0
	}
	return p
}

type parityInputAttempt struct {
	Scale  float64    `json:"scale"`
	Spikes [][2]int32 `json:"spikes"` // (step, pixel), sorted by step then pixel
}

type parityInputImage struct {
	Index    int                  `json:"index"`
	Attempts []parityInputAttempt `json:"attempts"`
}

type parityInput struct {
	Rule        string             `json:"rule"`
	Params      Params             `json:"params"`
	HoldSteps   int                `json:"hold_steps"`
	RefracSteps int                `json:"refrac_steps"`
	RefracStepI int                `json:"refrac_steps_inh"`
	SampleEvery int                `json:"sample_stride"`
	W0          []float64          `json:"w0"`
	Theta0      []float64          `json:"theta0"`
	Images      []parityInputImage `json:"images"`
	SHA256      string             `json:"inputs_sha256"`
}

type parityPresentation struct {
	Image   int        `json:"image"`
	Attempt int        `json:"attempt"`
	Spikes  [][2]int32 `json:"spikes"` // (step, cell) in the order they happened
}

// parityState is the state after an image: θ, per-cell sums of the weights
// and of their squares, and a sample of the weights.
type parityState struct {
	Theta   []float64 `json:"theta"`
	WSum    []float64 `json:"wsum"`
	WSq     []float64 `json:"wsq"`
	WSample []float64 `json:"wsample"`
}

type parityReference struct {
	Brian2        string               `json:"brian2"`
	Codegen       string               `json:"codegen"`
	Rule          string               `json:"rule"`
	SHA256        string               `json:"inputs_sha256"`
	Presentations []parityPresentation `json:"presentations"`
	After         []parityState        `json:"after"`
}

func parityStateOf(m *Model) parityState {
	n := m.P.NExc
	s := parityState{Theta: append([]float64(nil), m.Theta...), WSum: make([]float64, n), WSq: make([]float64, n)}
	for i := 0; i < m.P.InputPerCell; i++ {
		for j := 0; j < n; j++ {
			w := m.W[i*n+j]
			s.WSum[j] += w
			s.WSq[j] += w * w
		}
	}
	for k := 0; k < len(m.W); k += paritySampleStride {
		s.WSample = append(s.WSample, m.W[k])
	}
	return s
}

// parityRun trains a fresh network of the parity case on the first
// parityImages training images as Trainer.Step does and returns every
// presentation's spikes, the state after each image and the initial model.
func parityRun(t *testing.T, rule Rule, brian1E bool, train *Dataset) ([]parityPresentation, []parityState, *Model) {
	t.Helper()
	p := parityParams(rule, brian1E)
	tr, err := NewTrainer(p, paritySeed, 1, parityImages, 1000)
	if err != nil {
		t.Fatal(err)
	}
	m0 := tr.Model.Clone()
	s, err := NewSim(p)
	if err != nil {
		t.Fatal(err)
	}
	pcg := rand.NewPCG(0, 0)
	var pres []parityPresentation
	var after []parityState
	for idx := 0; idx < parityImages; idx++ {
		// Show normalises and presents attempt after attempt; record each
		// attempt's spikes by watching the presentation counter.
		start := s.presented
		var attempts []parityPresentation
		s.OnSpike = func(step int32, cell int) {
			a := s.presented - start - 1
			for len(attempts) <= a {
				attempts = append(attempts, parityPresentation{Image: idx, Attempt: len(attempts), Spikes: [][2]int32{}})
			}
			attempts[a].Spikes = append(attempts[a].Spikes, [2]int32{step, int32(cell)})
		}
		_, na := s.Show(tr.Model, train.Images[idx], true, pcg, paritySeed, PhaseTrain, 0, idx)
		for len(attempts) < na {
			attempts = append(attempts, parityPresentation{Image: idx, Attempt: len(attempts), Spikes: [][2]int32{}})
		}
		pres = append(pres, attempts...)
		after = append(after, parityStateOf(tr.Model))
	}
	return pres, after, m0
}

// parityInputs draws the input spike trains of the first parityAttempts
// presentations of every image (as Show draws them) and hashes them with
// the initial weights and thresholds.
func parityInputs(t *testing.T, rule Rule, brian1E bool, train *Dataset, m0 *Model) parityInput {
	t.Helper()
	p := parityParams(rule, brian1E)
	in := parityInput{Rule: rule.String(), Params: p, SampleEvery: paritySampleStride,
		HoldSteps: int(math.Round(p.HoldE / p.Dt)), RefracSteps: int(math.Round(p.RefracE / p.Dt)),
		RefracStepI: int(math.Round(p.RefracI / p.Dt)), W0: m0.W, Theta0: m0.Theta}
	h := sha256.New()
	put := func(v any) {
		if err := binary.Write(h, binary.LittleEndian, v); err != nil {
			t.Fatal(err)
		}
	}
	put(m0.W)
	put(m0.Theta)
	steps := int(math.Round(p.PresentMs / p.Dt))
	tr := newInputTrain(steps, p.Dt)
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	for idx := 0; idx < parityImages; idx++ {
		img := parityInputImage{Index: idx}
		for a := 0; a < parityAttempts; a++ {
			reseed(pcg, paritySeed, PhaseTrain, 0, idx, a)
			scale := p.RateScale + float64(a)*p.RateStep
			tr.draw(train.Images[idx], scale, rng)
			at := parityInputAttempt{Scale: scale, Spikes: [][2]int32{}}
			for st := 0; st < steps; st++ {
				for _, px := range tr.at(st) {
					at.Spikes = append(at.Spikes, [2]int32{int32(st), int32(px)})
				}
			}
			put(int32(idx))
			put(int32(a))
			for _, e := range at.Spikes {
				put(e)
			}
			img.Attempts = append(img.Attempts, at)
		}
		in.Images = append(in.Images, img)
	}
	in.SHA256 = hex.EncodeToString(h.Sum(nil))
	return in
}

func readParityReference(path string) (*parityReference, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var r parityReference
	if err := json.NewDecoder(z).Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

// TestBrian2Parity trains the 100-cell network on the first 30 MNIST
// training images (the cases of parityCases)
// and compares it with Brian2 2.5.1 given the same initial weights and the
// same input spikes (testdata/diehlcook_brian2_<case>.json.gz, written by
// scripts/brian2_diehlcook_parity.py): the same presentations, the same
// excitatory spikes step for step, θ after every image to 1e-8 mV and the
// weights (per-cell sums and sums of squares, and every 97th weight) to
// 1e-9. The two implementations share no code, only the equations, the
// parameters and the order of operations within a step.
func TestBrian2Parity(t *testing.T) {
	train, _ := loadMNIST(t)
	for _, c := range parityCases {
		t.Run(c.name, func(t *testing.T) {
			pres, after, m0 := parityRun(t, c.rule, c.brian1E, train)
			in := parityInputs(t, c.rule, c.brian1E, train, m0)
			if *parityWrite != "" {
				if err := os.MkdirAll(*parityWrite, 0o755); err != nil {
					t.Fatal(err)
				}
				b, err := json.Marshal(in)
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(*parityWrite, c.name+".json")
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", path)
				return
			}
			ref, err := readParityReference(filepath.Join("../../../testdata", "diehlcook_brian2_"+c.name+".json.gz"))
			if err != nil {
				t.Fatal(err)
			}
			if ref.Rule != c.rule.String() {
				t.Fatalf("reference is for rule %q", ref.Rule)
			}
			if ref.SHA256 != in.SHA256 {
				t.Fatalf("the reference was made from other inputs (sha256 %s, these %s): initial weights or input spikes changed; regenerate it", ref.SHA256, in.SHA256)
			}
			compareParity(t, pres, after, ref)
		})
	}
}

func compareParity(t *testing.T, pres []parityPresentation, after []parityState, ref *parityReference) {
	t.Helper()
	if len(pres) != len(ref.Presentations) {
		t.Errorf("%d presentations here, %d in Brian2", len(pres), len(ref.Presentations))
	}
	total := 0
	for k := range min(len(pres), len(ref.Presentations)) {
		a, b := pres[k], ref.Presentations[k]
		if a.Image != b.Image || a.Attempt != b.Attempt {
			t.Fatalf("presentation %d: image %d attempt %d here, image %d attempt %d in Brian2", k, a.Image, a.Attempt, b.Image, b.Attempt)
		}
		if len(a.Spikes) != len(b.Spikes) {
			t.Errorf("image %d attempt %d: %d spikes here, %d in Brian2", a.Image, a.Attempt, len(a.Spikes), len(b.Spikes))
		}
		for s := range min(len(a.Spikes), len(b.Spikes)) {
			if a.Spikes[s] != b.Spikes[s] {
				t.Fatalf("image %d attempt %d, spike %d: (step %d, cell %d) here, (step %d, cell %d) in Brian2",
					a.Image, a.Attempt, s, a.Spikes[s][0], a.Spikes[s][1], b.Spikes[s][0], b.Spikes[s][1])
			}
		}
		total += len(a.Spikes)
	}
	if total == 0 {
		t.Fatal("no excitatory spikes at all")
	}
	if len(after) != len(ref.After) {
		t.Fatalf("%d images here, %d in Brian2", len(after), len(ref.After))
	}
	// θ decays by e^(−dt/τθ) per step here and by Brian's Euler factor
	// 1 − dt/τθ there: 2.6·10⁻¹¹ of θ apart after 30 images.
	const tol, tolTheta = 1e-9, 1e-8
	worstW, worstTheta := 0.0, 0.0
	for k := range after {
		a, b := after[k], ref.After[k]
		for name, pair := range map[string][2][]float64{
			"theta": {a.Theta, b.Theta}, "weight sum": {a.WSum, b.WSum},
			"sum of squared weights": {a.WSq, b.WSq}, "sampled weight": {a.WSample, b.WSample},
		} {
			x, y := pair[0], pair[1]
			if len(x) != len(y) {
				t.Fatalf("after image %d: %d values of %s here, %d in Brian2", k, len(x), name, len(y))
			}
			for j := range x {
				d := math.Abs(x[j] - y[j])
				lim := tol
				if name == "theta" {
					worstTheta, lim = max(worstTheta, d), tolTheta
				} else {
					worstW = max(worstW, d)
				}
				if !(d <= lim) {
					t.Fatalf("after image %d: %s %d is %.15g here, %.15g in Brian2", k, name, j, x[j], y[j])
				}
			}
		}
	}
	t.Logf("%d presentations, %d excitatory spikes, all equal; largest difference after an image: θ %.2g mV, weights %.2g",
		len(pres), total, worstTheta, worstW)
}
