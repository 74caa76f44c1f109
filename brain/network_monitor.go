package brain

import (
	"errors"
	"fmt"
	"math"
)

// A Monitor observes a network while it runs: once per step, after the
// step's spikes are known, the state has advanced and plasticity has
// acted, Run calls Observe with a view of that step. The recorders of the
// library (RecordSpikes, RecordSourceSpikes, RecordState, RecordWeights)
// are monitors; a type of yours added with Network.AddMonitor is called
// the same way, in the order monitors were added, from one goroutine.
//
// The view and the slices it returns are valid only during the call:
// copy what you keep. An error from Observe stops Run after that step
// (the network stays consistent and can Run again). A monitor that also
// implements RunStarter or RunEnder is told when each Run starts and ends
// (to size buffers, or to flush a file).
type Monitor interface {
	Observe(v *StepView) error
}

// RunStarter is implemented by a Monitor that wants to know when a Run
// starts and how many steps it will take.
type RunStarter interface {
	StartRun(v *StepView, steps int64) error
}

// RunEnder is implemented by a Monitor that wants to know when a Run
// ends (normally or with an error), for example to flush buffered output.
type RunEnder interface {
	EndRun(v *StepView) error
}

// StepView is a read-only view of a network at the end of one step, handed
// to monitors. Populations and sources are numbered in the order they were
// added (Network.Populations, Network.Sources).
type StepView struct {
	n    *Network
	step int64
	t    float64
}

// Network is the observed network. Do not change it from a monitor.
func (v *StepView) Network() *Network { return v.n }

// Step is the step just simulated: it ran from Step·dt to (Step+1)·dt. In
// StartRun it is the first step the Run will simulate, in EndRun the next
// step after the Run.
func (v *StepView) Step() int64 { return v.step }

// TimeMS is the time at the end of the step (ms); in StartRun and EndRun,
// the network time.
func (v *StepView) TimeMS() float64 { return v.t }

// DT is the time step (ms).
func (v *StepView) DT() float64 { return v.n.DT }

// NumPopulations is the number of populations.
func (v *StepView) NumPopulations() int { return len(v.n.pops) }

// Population returns population k, whose state (V, W, …, or the
// variables of its model) may be read.
func (v *StepView) Population(k int) *Population { return v.n.pops[k] }

// Spikes returns the ascending indices of the neurons of population k
// that spiked during the step.
func (v *StepView) Spikes(k int) []int32 { return v.n.popSpikes[k] }

// NumSources is the number of spike sources.
func (v *StepView) NumSources() int { return len(v.n.srcs) }

// Source returns spike source k.
func (v *StepView) Source(k int) Source { return v.n.srcs[k] }

// SourceSpikes returns the generators of source k that fired during the
// step, in emission order.
func (v *StepView) SourceSpikes(k int) []int32 { return v.n.srcSpikes[k] }

// AddMonitor adds m, called once per step of every Run from now on. It may
// be called before or after Build.
func (n *Network) AddMonitor(m Monitor) error {
	if m == nil {
		return errors.New("brain: AddMonitor: nil monitor")
	}
	n.monitors = append(n.monitors, m)
	return nil
}

// observe runs every monitor on the step just simulated; the first error
// is returned, named by the monitor.
func (n *Network) observe() error { return n.observeAt(n.cur, observeAll) }

// Which monitors observeAt calls: all, or (in a distributed run that
// exchanges spikes once per interval, network_dist.go) the state
// recorders at the step itself and the others when the interval's spikes
// have arrived.
const (
	observeAll = iota
	observeState
	observeOthers
)

// observeAt runs the monitors of kind which on step s.
func (n *Network) observeAt(s int64, which int) error {
	if len(n.monitors) == 0 {
		return nil
	}
	v := &n.view
	v.n, v.step, v.t = n, s, float64(s+1)*n.DT
	for _, m := range n.monitors {
		if which != observeAll {
			if _, state := m.(stateMonitor); state != (which == observeState) {
				continue
			}
		}
		if err := m.Observe(v); err != nil {
			return fmt.Errorf("brain: monitor %T at step %d: %w", m, n.cur, unwrapPrefix(err))
		}
	}
	return nil
}

// startMonitors and endMonitors call the optional RunStarter and RunEnder
// hooks.
func (n *Network) startMonitors(steps int64) error {
	n.view = StepView{n: n, step: n.step, t: n.TimeMS()}
	for _, m := range n.monitors {
		if s, ok := m.(RunStarter); ok {
			if err := s.StartRun(&n.view, steps); err != nil {
				return fmt.Errorf("brain: monitor %T: StartRun: %w", m, unwrapPrefix(err))
			}
		}
	}
	return nil
}

func (n *Network) endMonitors() error {
	n.view = StepView{n: n, step: n.step, t: n.TimeMS()}
	var errs []error
	for _, m := range n.monitors {
		if e, ok := m.(RunEnder); ok {
			if err := e.EndRun(&n.view); err != nil {
				errs = append(errs, fmt.Errorf("brain: monitor %T: EndRun: %w", m, unwrapPrefix(err)))
			}
		}
	}
	return errors.Join(errs...)
}

// spikeMonitor is the Monitor behind RecordSpikes and RecordSourceSpikes.
type spikeMonitor struct {
	pop int // population index, or −1−source index
	rec *SpikeRecorder
}

// StartRun refuses a Run that would record a step beyond what the
// recorder's int32 step numbers hold (they would wrap to negative times),
// keeping step+1 (the end of the step, where the spike is reported) an
// int32 too.
func (m spikeMonitor) StartRun(v *StepView, steps int64) error {
	if last := v.Step() + steps - 1; last >= math.MaxInt32 {
		name := ""
		if m.pop >= 0 {
			name = "population " + v.Population(m.pop).Name
		} else {
			name = "source " + v.Source(-1-m.pop).SourceName()
		}
		return fmt.Errorf("brain: spike recorder of %s: the Run would record step %d; a SpikeRecorder's int32 step numbers hold steps below 2³¹−1 (%.4g ms at dt = %g ms)", name, last, math.MaxInt32*v.DT(), v.DT())
	}
	m.rec.reserveRun(steps)
	return nil
}

func (m spikeMonitor) Observe(v *StepView) error {
	if m.pop >= 0 {
		m.rec.Record(v.Step(), v.Spikes(m.pop))
	} else {
		m.rec.Record(v.Step(), v.SourceSpikes(-1-m.pop))
	}
	return nil
}

// stateMonitor is the Monitor behind RecordState.
type stateMonitor struct {
	rec *StateRecorder
	pop int // population index
}

func (m stateMonitor) Observe(v *StepView) error {
	m.rec.Record(v.Step())
	return nil
}

// Observe records the weights after the step (the Monitor behind
// RecordWeights).
func (w *WeightRecorder) Observe(v *StepView) error {
	w.record(v.Step())
	return nil
}
