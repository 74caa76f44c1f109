package brain

import (
	"fmt"
	"slices"
)

// WeightRecorder samples the weights of selected synapses of a projection
// every Every steps (after plasticity), for weight-over-time plots.
type WeightRecorder struct {
	// Pairs are the recorded (presynaptic, postsynaptic) index pairs.
	Pairs [][2]int
	// Every is the sampling interval (steps).
	Every int64
	// DT is the network step (ms).
	DT float64

	proj  *Projection
	syn   []int // synapse index of each pair
	steps []int64
	data  []float64 // per sample, one weight per pair
}

// RecordWeights returns a recorder of the synapses pre→post listed in
// pairs (the first synapse of each pair if there are several), sampled
// every `every` steps. Called before Build, the pairs are resolved at
// Build; after Build (to pick synapses that exist), at once. A pair with
// no synapse is an error.
func (n *Network) RecordWeights(p *Projection, pairs [][2]int, every int) (*WeightRecorder, error) {
	if p == nil || every < 1 || len(pairs) == 0 {
		return nil, fmt.Errorf("brain: RecordWeights: need a projection, pairs (%d) and every ≥ 1 (%d)", len(pairs), every)
	}
	w := &WeightRecorder{Pairs: slices.Clone(pairs), Every: int64(every), DT: n.dt(), proj: p}
	if n.built {
		if slices.Index(n.projs, p) < 0 {
			return nil, fmt.Errorf("brain: RecordWeights: projection %q not in this network", p.Name)
		}
		if err := n.checkDistPairs(w); err != nil {
			return nil, err
		}
		if err := w.resolve(); err != nil {
			return nil, err
		}
	}
	n.weightRecs = append(n.weightRecs, w)
	n.monitors = append(n.monitors, w)
	return w, nil
}

func (w *WeightRecorder) resolve() error {
	w.syn = w.syn[:0]
	for _, pr := range w.Pairs {
		s := w.proj.Find(pr[0], pr[1])
		if s < 0 {
			return fmt.Errorf("brain: weight recorder of %q: no synapse %d→%d", w.proj.Name, pr[0], pr[1])
		}
		w.syn = append(w.syn, s)
	}
	return nil
}

func (w *WeightRecorder) record(step int64) {
	if step%w.Every != 0 {
		return
	}
	w.steps = append(w.steps, step)
	for _, s := range w.syn {
		w.data = append(w.data, w.proj.Weight(s))
	}
}

// Len is the number of samples.
func (w *WeightRecorder) Len() int { return len(w.steps) }

// Times returns the sample times (ms), (step+1)·dt.
func (w *WeightRecorder) Times() []float64 {
	t := make([]float64, len(w.steps))
	for k, s := range w.steps {
		t[k] = float64(s+1) * w.DT
	}
	return t
}

// Trace returns the weight samples of pair k (index into Pairs).
func (w *WeightRecorder) Trace(k int) []float64 {
	out := make([]float64, len(w.steps))
	for i := range out {
		out[i] = w.data[i*len(w.syn)+k]
	}
	return out
}
