package brain

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// SpikeSourceArray replays given spike times (PyNN's SpikeSourceArray,
// NEST's spike_generator): generator i fires at every time in Times[i]
// (ms). A spike at time t is emitted in step floor(t/dt), i.e. at the end
// of the step that contains t, like a neuron's spike. A time within 1e-9
// of a step boundary (in units of dt) counts as on it, so that times
// written in decimal, such as 99.9 ms at dt = 0.1 ms, land in the step the
// user means despite binary rounding (99.9/0.1 = 998.9999…).
type SpikeSourceArray struct {
	// Name labels the group.
	Name string
	// Times holds each generator's spike times (ms, ≥ 0; any order).
	Times [][]float64
	// Inhibitory makes the group's synapses inhibitory (weights ≤ 0).
	Inhibitory bool

	events     []srcEvent // sorted by (step, generator)
	pos        int        // next event
	maxPerStep int        // most events in one step
}

type srcEvent struct {
	step int64
	id   int32
}

// NewSpikeSourceArray returns generators firing at the given times (ms).
func NewSpikeSourceArray(name string, times [][]float64) (*SpikeSourceArray, error) {
	s := &SpikeSourceArray{Name: name, Times: times}
	return s, s.validate()
}

// Len is the number of generators.
func (s *SpikeSourceArray) Len() int { return len(s.Times) }

// SourceName is the group's name.
func (s *SpikeSourceArray) SourceName() string { return s.Name }

// IsInhibitory reports whether the group's synapses are inhibitory.
func (s *SpikeSourceArray) IsInhibitory() bool { return s.Inhibitory }

func (s *SpikeSourceArray) validate() error {
	if len(s.Times) == 0 || len(s.Times) > math.MaxInt32 {
		return fmt.Errorf("brain: SpikeSourceArray %q: %d generators: need 1 … 2³¹−1", s.Name, len(s.Times))
	}
	for i, ts := range s.Times {
		for k, t := range ts {
			if !(t >= 0) || math.IsInf(t, 0) {
				return fmt.Errorf("brain: SpikeSourceArray %q: Times[%d][%d] = %v: must be finite and ≥ 0 ms", s.Name, i, k, t)
			}
		}
	}
	return nil
}

// Prepare sorts the spike times into steps of dt (ms).
func (s *SpikeSourceArray) Prepare(dt float64, _ Streams) error {
	if err := s.validate(); err != nil {
		return err
	}
	s.events = s.events[:0]
	maxPerStep := 1
	for i, ts := range s.Times {
		for _, t := range ts {
			s.events = append(s.events, srcEvent{step: stepOf(t, dt), id: int32(i)})
		}
	}
	slices.SortFunc(s.events, func(a, b srcEvent) int {
		if c := cmp.Compare(a.step, b.step); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for k := 0; k < len(s.events); {
		e := k
		for e < len(s.events) && s.events[e].step == s.events[k].step {
			e++
		}
		maxPerStep = max(maxPerStep, e-k)
		k = e
	}
	s.maxPerStep = maxPerStep
	s.pos = 0
	return nil
}

// Emit appends the generators firing during step to dst[:0].
func (s *SpikeSourceArray) Emit(step int64, dst []int32) []int32 {
	dst = dst[:0]
	for s.pos < len(s.events) && s.events[s.pos].step < step {
		s.pos++ // events before the current step (e.g. after Restore)
	}
	for s.pos < len(s.events) && s.events[s.pos].step == step {
		dst = append(dst, s.events[s.pos].id)
		s.pos++
	}
	return dst
}

// SpikesPerStep is the most spikes any step brings.
func (s *SpikeSourceArray) SpikesPerStep() int { return s.maxPerStep }

// SaveState writes the replay position.
func (s *SpikeSourceArray) SaveState(e *StateEncoder) { e.Int64(int64(s.pos)) }

// RestoreState reads what SaveState wrote.
func (s *SpikeSourceArray) RestoreState(d *StateDecoder) error {
	s.pos = int(d.Int64())
	if d.Err() == nil && (s.pos < 0 || s.pos > len(s.events)) {
		return fmt.Errorf("brain: SpikeSourceArray %q: restored position %d outside [0, %d]", s.Name, s.pos, len(s.events))
	}
	return d.Err()
}

// stepOf is the step containing time t (ms): floor(t/dt), with a time within
// 1e-9 steps below a boundary taken to be on it.
func stepOf(t, dt float64) int64 {
	return int64(math.Floor(t/dt + 1e-9))
}
