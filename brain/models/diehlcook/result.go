package diehlcook

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"os"
)

// Result is what a run reports (the JSON file of "neuron mnist"): the
// configuration, then the outcome of each phase that has run.
type Result struct {
	Model  string  `json:"model"`
	NExc   int     `json:"n_exc"`
	Rule   string  `json:"rule"`
	Seed   uint64  `json:"seed"`
	Passes int     `json:"passes"`
	Images int     `json:"train_images"`
	Dt     float64 `json:"dt_ms"`
	// Options of the published code (Params.InputDelayMax, SimulateRest); absent: off.
	InputDelayMs float64 `json:"input_delay_ms,omitempty"`
	SimulateRest bool    `json:"simulate_rest,omitempty"`
	// EulerMembrane: the run used the plain forward Euler membrane step (Params.EulerMembrane).
	EulerMembrane bool `json:"euler_membrane,omitempty"`
	// The excitatory neuron as Brian 1 runs the published code
	// (Params.FreeRefractory) and the minimum interval between its spikes
	// when it is not the paper's 50 ms (Params.HoldE); absent: the paper's.
	FreeRefractory bool     `json:"free_refractory,omitempty"`
	HoldMs         *float64 `json:"hold_ms,omitempty"`

	Train *TrainResult `json:"train,omitempty"`
	Label *LabelResult `json:"label,omitempty"`
	Test  *TestResult  `json:"test,omitempty"`
}

// TrainResult summarises the training phase.
type TrainResult struct {
	ImagesSeen       int          `json:"images_seen"`
	ImagesTotal      int          `json:"images_total"` // passes × images: training is finished when equal
	Presentations    int          `json:"presentations"`
	SpikesPerImage   float64      `json:"spikes_per_image"`
	WallSeconds      float64      `json:"wall_seconds"`
	CPUSeconds       float64      `json:"cpu_seconds"`
	CPUSecondsPerImg float64      `json:"cpu_seconds_per_image"`
	Curve            []CurvePoint `json:"curve"`
	WeightsSHA256    string       `json:"weights_sha256"`
	ThetaMeanMV      float64      `json:"theta_mean_mv"`
	// Fields are the learned receptive fields, one hex string per cell of
	// 784 bytes (28×28, row-major): the weights quantised to 0–255 of WMax.
	Fields []string `json:"fields,omitempty"`
}

// LabelResult is the labelling phase: the class of each cell (−1: silent).
type LabelResult struct {
	Images      int     `json:"images"`
	Workers     int     `json:"workers"`
	WallSeconds float64 `json:"wall_seconds"`
	Assign      []int   `json:"assignments"`
}

// TestResult is the classification of the test images.
type TestResult struct {
	Images          int         `json:"images"`
	Workers         int         `json:"workers"`
	Accuracy        float64     `json:"accuracy"`
	Confusion       [10][10]int `json:"confusion"` // rows: true digit, columns: predicted
	WallSeconds     float64     `json:"wall_seconds"`
	SecondsPerImage float64     `json:"wall_seconds_per_image"`
}

// ConfusionRows returns the confusion matrix as rows (true digit) of
// counts per predicted digit.
func (r *TestResult) ConfusionRows() [][]int {
	out := make([][]int, 10)
	for i := range out {
		out[i] = r.Confusion[i][:]
	}
	return out
}

// SummarizeTraining fills a TrainResult from a trainer; with fields it
// also stores the quantised receptive fields.
func SummarizeTraining(t *Trainer, fields bool) *TrainResult {
	s := &TrainResult{ImagesSeen: t.Done, ImagesTotal: t.Total(), Presentations: t.Presentations, WallSeconds: t.WallSeconds,
		CPUSeconds: t.CPUSeconds, Curve: t.Curve, WeightsSHA256: WeightsHash(t.Model)}
	if t.Done > 0 {
		s.SpikesPerImage = float64(t.Spikes) / float64(t.Done)
		s.CPUSecondsPerImg = t.CPUSeconds / float64(t.Done)
	}
	for _, th := range t.Model.Theta {
		s.ThetaMeanMV += th / float64(len(t.Model.Theta))
	}
	if fields {
		for _, f := range t.Model.Fields() {
			b := make([]byte, len(f))
			for i, w := range f {
				b[i] = byte(math.Round(255 * math.Min(math.Max(w/t.Model.P.WMax, 0), 1)))
			}
			s.Fields = append(s.Fields, hex.EncodeToString(b))
		}
	}
	return s
}

// FieldValues decodes the stored receptive fields to weights in [0, 1]
// (fractions of WMax), one slice of 784 per cell.
func (r *TrainResult) FieldValues() ([][]float64, error) {
	out := make([][]float64, len(r.Fields))
	for j, s := range r.Fields {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != 784 {
			return nil, fmt.Errorf("diehlcook: field %d: %d bytes, %v", j, len(b), err)
		}
		out[j] = make([]float64, 784)
		for i, v := range b {
			out[j][i] = float64(v) / 255
		}
	}
	return out, nil
}

// Fields returns each cell's input weights as a 784-vector (28×28,
// row-major), the cell's receptive field.
func (m *Model) Fields() [][]float64 {
	n := m.P.NExc
	out := make([][]float64, n)
	for j := range out {
		out[j] = make([]float64, m.P.InputPerCell)
		for i := range out[j] {
			out[j][i] = m.W[i*n+j]
		}
	}
	return out
}

// WeightsHash is the SHA-256 of the weights and thresholds (float64 bits,
// little-endian): equal hashes mean bit-identical learned models.
func WeightsHash(m *Model) string {
	h := sha256.New()
	var b [8]byte
	for _, xs := range [][]float64{m.W, m.Theta} {
		for _, x := range xs {
			binary.LittleEndian.PutUint64(b[:], math.Float64bits(x))
			h.Write(b[:])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ReadResult reads a results file written by "neuron mnist".
func ReadResult(path string) (*Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("diehlcook: %w", err)
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("diehlcook: %s: %w", path, err)
	}
	return &r, nil
}

// WriteResult writes r to path as indented JSON (via a temporary file).
func WriteResult(path string, r *Result) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return fmt.Errorf("diehlcook: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("diehlcook: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("diehlcook: %w", err)
	}
	return nil
}
