package diehlcook

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// CurvePoint is the training-time accuracy estimate after Images
// presentations: the images of the last block classified with the labels
// that the block before it assigned (the paper's code does the same).
type CurvePoint struct {
	Images   int     `json:"images"`
	Accuracy float64 `json:"accuracy"`
}

// Trainer runs the training phase image by image and can be saved and
// resumed between images with identical results.
type Trainer struct {
	Seed      uint64
	Passes    int // passes over the training images
	Images    int // training images used per pass (the first Images of the set)
	BlockSize int // images per block of the running accuracy estimate
	Done      int // images presented so far, over all passes
	Model     *Model

	Presentations int     // presentations including re-presentations
	Spikes        int64   // excitatory spikes in the counted presentations
	WallSeconds   float64 // training time so far, kept by the caller across resumes
	CPUSeconds    float64 // CPU time so far, kept by the caller across resumes

	PrevAssign   []int
	BlockSums    []float64
	BlockPer     []int
	BlockCorrect int
	BlockSeen    int
	Curve        []CurvePoint

	sim *Sim
	pcg *rand.PCG
}

// NewTrainer builds the initial model (its weights drawn from seed) for
// passes over the first images training images.
func NewTrainer(p Params, seed uint64, passes, images, blockSize int) (*Trainer, error) {
	if passes < 1 {
		return nil, fmt.Errorf("diehlcook: passes = %d: need at least one", passes)
	}
	if images < 1 {
		return nil, fmt.Errorf("diehlcook: images = %d: need at least one", images)
	}
	if blockSize < 1 {
		return nil, fmt.Errorf("diehlcook: block size = %d: need at least one", blockSize)
	}
	m, err := NewModel(p, rand.New(rand.NewPCG(splitmix(seed), 0x5eed)))
	if err != nil {
		return nil, err
	}
	t := &Trainer{Seed: seed, Passes: passes, Images: images, BlockSize: blockSize, Model: m}
	t.BlockSums = make([]float64, p.NExc*10)
	t.BlockPer = make([]int, 10)
	return t, nil
}

// Total returns the number of images of the whole training.
func (t *Trainer) Total() int { return t.Passes * t.Images }

// Finished reports whether every image has been presented.
func (t *Trainer) Finished() bool { return t.Done >= t.Total() }

// Step presents the next training image of d and learns from it.
func (t *Trainer) Step(d *Dataset) error {
	if t.Finished() {
		return fmt.Errorf("diehlcook: training already finished (%d images)", t.Done)
	}
	if d.Len() < t.Images {
		return fmt.Errorf("diehlcook: training set has %d images, the trainer needs %d", d.Len(), t.Images)
	}
	if t.sim == nil {
		s, err := NewSim(t.Model.P)
		if err != nil {
			return err
		}
		t.sim, t.pcg = s, rand.NewPCG(0, 0)
	}
	pass, idx := t.Done/t.Images, t.Done%t.Images
	counts, attempts := t.sim.Show(t.Model, d.Images[idx], true, t.pcg, t.Seed, PhaseTrain, pass, idx)
	t.Presentations += attempts
	l := int(d.Labels[idx])
	for j, c := range counts {
		t.Spikes += int64(c)
		t.BlockSums[j*10+l] += float64(c)
	}
	t.BlockPer[l]++
	if t.PrevAssign != nil && Predict(counts, t.PrevAssign) == l {
		t.BlockCorrect++
	}
	t.BlockSeen++
	t.Done++
	if t.BlockSeen == t.BlockSize || t.Finished() {
		if t.PrevAssign != nil {
			t.Curve = append(t.Curve, CurvePoint{Images: t.Done, Accuracy: float64(t.BlockCorrect) / float64(t.BlockSeen)})
		}
		t.PrevAssign = assignFromSums(t.BlockSums, t.BlockPer, t.Model.P.NExc)
		for k := range t.BlockSums {
			t.BlockSums[k] = 0
		}
		for k := range t.BlockPer {
			t.BlockPer[k] = 0
		}
		t.BlockCorrect, t.BlockSeen = 0, 0
	}
	if t.Finished() {
		t.Model.Normalize()
	}
	return nil
}

// checkpointVersion changes whenever the saved layout changes.
const checkpointVersion = 2

type checkpoint struct {
	Version int
	T       Trainer
	P       Params
	W       []float64
	Theta   []float64
	Delay   []uint8 // nil without input delays (and in checkpoints older than them)
}

// Save writes the trainer to path atomically (a temporary file renamed
// over path), so a kill leaves either the old or the new checkpoint.
func (t *Trainer) Save(path string) error {
	var buf bytes.Buffer
	c := checkpoint{Version: checkpointVersion, T: *t, P: t.Model.P, W: t.Model.W, Theta: t.Model.Theta, Delay: t.Model.Delay}
	c.T.Model = nil
	if err := gob.NewEncoder(&buf).Encode(&c); err != nil {
		return fmt.Errorf("diehlcook: encoding checkpoint: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("diehlcook: checkpoint: %w", err)
	}
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("diehlcook: writing checkpoint: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("diehlcook: writing checkpoint: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("diehlcook: writing checkpoint: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("diehlcook: checkpoint: %w", err)
	}
	return nil
}

// LoadTrainer reads a checkpoint written by Save.
func LoadTrainer(path string) (*Trainer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("diehlcook: checkpoint: %w", err)
	}
	var c checkpoint
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&c); err != nil {
		return nil, fmt.Errorf("diehlcook: decoding checkpoint %s: %w", path, err)
	}
	if c.Version != checkpointVersion {
		return nil, fmt.Errorf("diehlcook: checkpoint %s has version %d, want %d", path, c.Version, checkpointVersion)
	}
	if err := c.P.Validate(); err != nil {
		return nil, fmt.Errorf("diehlcook: checkpoint %s: %w", path, err)
	}
	if len(c.W) != c.P.InputPerCell*c.P.NExc || len(c.Theta) != c.P.NExc ||
		len(c.T.BlockSums) != 10*c.P.NExc || len(c.T.BlockPer) != 10 ||
		(c.P.InputDelayMax > 0) != (len(c.Delay) == len(c.W)) {
		return nil, fmt.Errorf("diehlcook: checkpoint %s: array sizes do not match NExc = %d", path, c.P.NExc)
	}
	t := c.T
	t.Model = &Model{P: c.P, W: c.W, Theta: c.Theta, Delay: c.Delay}
	return &t, nil
}
