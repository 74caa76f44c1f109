package fit

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// Fuzz targets of the file readers and string parsers of recordings:
// every input gives data or an error, never a panic, and what is accepted
// is finite and within MaxSamples.

func FuzzReadFloat32(f *testing.F) {
	var b bytes.Buffer
	_ = WriteFloat32(&b, []float64{0, 1.5, -70, 3e4})
	f.Add(b.Bytes())
	f.Add([]byte{0, 0, 0x80, 0x7f}) // +Inf
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ReadFloat32(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error not wrapping ErrFormat: %v", err)
			}
			return
		}
		if len(x) != len(data)/4 {
			t.Fatalf("%d samples from %d bytes", len(x), len(data))
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted %v", v)
			}
		}
	})
}

// FuzzReadColumn covers traces and spike files in text form.
func FuzzReadColumn(f *testing.F) {
	f.Add("t_ms,value\n0,1\n0.1,2\n")
	f.Add("# comment\n\n1e3\n-5\n")
	f.Add("header\nNaN\n")
	f.Add("1;2;3\n4\t5 6\n")
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ReadColumn(strings.NewReader(s))
		if err != nil {
			return // a line too long is bufio's error, the rest ErrFormat
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("accepted %v", v)
			}
		}
	})
}

func FuzzParseWindow(f *testing.F) {
	f.Add("0:10000", 0.1)
	f.Add("0:10s", 0.1)
	f.Add("10:20s", 0.05)
	f.Add("0:100000samples", 0.1)
	f.Add(":", 0.0)
	f.Add("1e308s:2e308s", 1e-300)
	f.Fuzz(func(t *testing.T, s string, dt float64) {
		w, err := ParseWindow(s, dt)
		if err != nil {
			if !errors.Is(err, ErrInput) {
				t.Fatalf("error not wrapping ErrInput: %v", err)
			}
			return
		}
		if math.IsNaN(w.StartMS) || math.IsNaN(w.EndMS) || math.IsInf(w.StartMS, 0) || math.IsInf(w.EndMS, 0) {
			t.Fatalf("%q at dt %v gave window %+v", s, dt, w)
		}
	})
}

// FuzzSimulate: steps and currents from the command line and files.
func FuzzSimulate(f *testing.F) {
	f.Add(0.1, 0.1, 1000.0, 100)
	f.Add(1.0, 1e-7, 500.0, 10)
	f.Add(1e-300, 0.1, 1e9, 3)
	f.Add(1e300, 1e-4, -1e9, 2)
	f.Fuzz(func(t *testing.T, dt, simDT, amp float64, n int) {
		if n < 1 || n > 20000 {
			return
		}
		cur := make([]float64, n)
		for i := range cur {
			cur[i] = amp
		}
		if _, _, err := Simulate(brain.Pyramidal(), cur, dt, simDT, false); err != nil && !strings.HasPrefix(err.Error(), "brain") {
			t.Fatalf("error without the package prefix: %v", err)
		}
	})
}
