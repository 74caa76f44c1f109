package nwb_test

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/format/internal/h5"
	"github.com/neuron-sim/neuron/format/nwb"
)

// writeSweep writes a minimal current-clamp sweep 1 (pynwb's layout): a
// response of n samples in volts with the given conversion and offset,
// and a stimulus in amperes (conversion 1e-12, so the data are pA), both
// at 10 kHz, or with timestamps ts when not nil.
func writeSweep(t *testing.T, path string, n int, conv, off float64, ts []float64) {
	t.Helper()
	f, err := h5.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	series := func(parent, name, typ, unit string, conv, off float64, data []float64) {
		p, err := f.Root().Open(parent)
		if err != nil {
			if p, err = f.Root().Create(parent); err != nil {
				t.Fatal(err)
			}
		}
		defer p.Close()
		g, err := p.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		defer g.Close()
		check := func(err error) {
			if err != nil {
				t.Fatal(err)
			}
		}
		check(h5.AttrString(g, "neurodata_type", typ))
		check(h5.AttrFloat64(g, "sweep_number", 1))
		d, err := g.Float64s("data", data)
		check(err)
		check(h5.AttrString(d, "unit", unit))
		check(h5.AttrFloat32(d, "conversion", float32(conv)))
		check(h5.AttrFloat32(d, "offset", float32(off)))
		d.Close()
		if ts != nil {
			d, err := g.Float64s("timestamps", ts)
			check(err)
			d.Close()
			return
		}
		st, err := g.Float64("starting_time", 0)
		check(err)
		check(h5.AttrFloat32(st, "rate", 10000))
		st.Close()
	}
	v, i := make([]float64, n), make([]float64, n)
	for k := range v {
		v[k] = -7000 // −70 mV at 1e-5 V per unit
		if k >= n/4 && k < n/2 {
			i[k] = 200
		}
	}
	sg, err := f.Root().Create("stimulus")
	if err != nil {
		t.Fatal(err)
	}
	sg.Close()
	series("stimulus/presentation", "stim", "CurrentClampStimulusSeries", "amperes", 1e-12, 0, i)
	series("acquisition", "resp", "CurrentClampSeries", "volts", conv, off, v)
}

// TestSweepScaleChecked: a response or stimulus whose conversion is 0 (or
// not finite), whose offset is not finite, or whose timestamps do not
// increase is refused, naming the series and the value. A conversion of
// 0 read every sample as 0 mV (a silent, flat, spikeless trace to fit),
// and timestamps that all equal one another gave an infinite rate, read
// as DT = 0 ms.
func TestSweepScaleChecked(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.nwb")
	writeSweep(t, good, 100, 1e-5, 0, nil)
	s, err := nwb.ReadSweep(good, "1")
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(s.VoltageMV[0]+70) > 1e-5 || s.DT != 0.1 || math.Abs(s.CurrentPA[30]-200) > 1e-4 {
		t.Fatalf("good sweep: V %v mV, dt %v ms, I %v pA", s.VoltageMV[0], s.DT, s.CurrentPA[30])
	}
	same := make([]float64, 100)
	for _, c := range []struct {
		name      string
		conv, off float64
		ts        []float64
		want      string
	}{
		{"conversion 0", 0, 0, nil, "conversion 0"},
		{"conversion NaN", math.NaN(), 0, nil, "conversion NaN"},
		{"offset +Inf", 1e-5, math.Inf(1), nil, "offset +Inf"},
		{"equal timestamps", 1e-5, 0, same, "timestamps"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".nwb")
		writeSweep(t, path, 100, c.conv, c.off, c.ts)
		_, err := nwb.ReadSweep(path, "1")
		if !errors.Is(err, nwb.ErrSweep) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "resp") {
			t.Errorf("%s: error %v, want ErrSweep naming resp and %q", c.name, err, c.want)
		}
	}
}
