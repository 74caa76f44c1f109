package nwb

import (
	"fmt"

	"github.com/neuron-sim/neuron/brain"
	"github.com/neuron-sim/neuron/brain/stream"
)

// variableUnit gives the SI unit and the conversion from the recorded
// unit of each of brain.StateVariables (a model's own variables keep their
// values, conversion 1), and where the series belongs.
func variableUnit(v string) (unit string, conv float64, where Where) {
	switch v {
	case "V", "Vd", "Theta":
		return "volts", 1e-3, Acquisition
	case "W":
		return "amperes", 1e-12, Acquisition
	case "IExt":
		return "amperes", 1e-12, Stimulus
	case "IE", "II", "IEd", "IId":
		// pA for current synapses, nS for conductance synapses: the
		// recorder does not know which, so the unit says both.
		return "pA (current synapses) or nS (conductance synapses)", 1, Acquisition
	}
	// A NeuronModel's own variable: its unit is the model's business.
	return "model units (see the model's documentation)", 1, Acquisition
}

// seriesName is the default name of a population's variable series.
func seriesName(pop, v string) string { return pop + "_" + v }

// regular returns the start (s) and rate (Hz) of sample times (ms) taken
// every `every` steps of dt, and whether they are regular.
func regular(timesMS []float64, every int64, dt float64) (startS, rateHz float64, ok bool) {
	if len(timesMS) == 0 {
		return 0, 0, false
	}
	step := float64(every) * dt
	for k := 1; k < len(timesMS); k++ {
		if d := timesMS[k] - timesMS[k-1]; d < step*(1-1e-9) || d > step*(1+1e-9) {
			return 0, 0, false
		}
	}
	return timesMS[0] / 1000, 1000 / step, true
}

func build(pop, v string, neurons []int, every int64, dt float64, timesMS []float64, trace func(i int) ([]float64, error)) (TimeSeries, error) {
	unit, conv, where := variableUnit(v)
	n := len(timesMS)
	ts := TimeSeries{
		Name: seriesName(pop, v), Where: where, Unit: unit, Conversion: conv, Channels: len(neurons),
		Description: fmt.Sprintf("%s of cells %v of population %q, sampled every %d steps of %g ms", v, neurons, pop, every, dt),
		Data:        make([]float64, n*len(neurons)),
	}
	for c, i := range neurons {
		tr, err := trace(i)
		if err != nil {
			return TimeSeries{}, err
		}
		for t, x := range tr {
			ts.Data[t*len(neurons)+c] = x
		}
		ts.ChannelNames = append(ts.ChannelNames, fmt.Sprintf("%s[%d]", pop, i))
	}
	if s, r, ok := regular(timesMS, every, dt); ok {
		ts.StartS, ts.RateHz = s, r
	} else {
		ts.TimesS = make([]float64, n)
		for k, t := range timesMS {
			ts.TimesS[k] = t / 1000
		}
	}
	if n == 0 {
		return TimeSeries{}, fmt.Errorf("format/nwb: %s of %q: no samples", v, pop)
	}
	return ts, nil
}

// FromStateRecorder returns the samples of one variable of every neuron
// of an in-memory state recorder of population pop as a TimeSeries
// (channels in the recorder's neuron order). Membrane potentials go to
// /acquisition, IExt to /stimulus/presentation.
func FromStateRecorder(pop string, r *brain.StateRecorder, variable string) (TimeSeries, error) {
	return build(pop, variable, r.Neurons, r.Every, r.DT, r.Times(), func(i int) ([]float64, error) { return r.Trace(i, variable) })
}

// FromState does the same for a state stream of a stream file (it loads
// that variable's samples).
func FromState(st *stream.State, variable string) (TimeSeries, error) {
	times, err := st.Times()
	if err != nil {
		return TimeSeries{}, err
	}
	return build(st.Info.Name, variable, st.Info.Neurons, st.Info.Every, st.Info.DT, times, func(i int) ([]float64, error) { return st.Trace(i, variable) })
}
