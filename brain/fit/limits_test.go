package fit

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain"
)

// Extreme steps are errors with their bounds, not a makeslice panic or an
// out-of-memory death.
func TestSimulateStepBounds(t *testing.T) {
	cur := make([]float64, 1000)
	for i := range cur {
		cur[i] = 1500 // pA, above the Pyramidal rheobase (~900 pA)
	}
	for _, c := range []struct {
		dt, simDT float64
		want      string
	}{
		{0.1, 1e-7, "simulation step 1e-07 ms"},
		{0.1, 1e300, "simulation step 1e+300 ms"},
		{0.1, -1, "simulation step -1 ms"},
		{1e-300, 0.1, "shorter than one step"},
		{1e300, 0.1, "more than MaxSamples"},
		{1e6, 1e-3, "more than MaxSamples"},
		{0, 0.1, "dt = 0 ms"},
	} {
		_, _, err := Simulate(brain.Pyramidal(), cur, c.dt, c.simDT, true)
		if !errors.Is(err, ErrInput) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("dt %v simdt %v: %v, want ErrInput containing %q", c.dt, c.simDT, err, c.want)
		}
	}
	if _, err := FI(brain.Pyramidal(), []float64{500}, 1e12, 0.1); !errors.Is(err, ErrInput) {
		t.Errorf("FI for 1e12 ms: %v", err)
	}
	if _, err := FI(brain.Pyramidal(), []float64{500}, 100, 1e-9); !errors.Is(err, ErrInput) {
		t.Errorf("FI with simdt 1e-9: %v", err)
	}
	sp, _, err := Simulate(brain.Pyramidal(), cur, 1, 0.1, false)
	if err != nil || len(sp) == 0 {
		t.Errorf("a normal simulation: %v, %d spikes", err, len(sp))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Raw traces are read in chunks up to MaxSamples; an endless input stops
// there with an error.
func TestTraceReadersBounded(t *testing.T) {
	old := MaxSamples
	MaxSamples = 10000
	defer func() { MaxSamples = old }()
	if _, err := ReadFloat32(zeros{}); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "MaxSamples") {
		t.Errorf("endless reader: %v", err)
	}
	if _, err := ReadFloat32(io.LimitReader(zeros{}, 4*10000)); err != nil {
		t.Errorf("exactly MaxSamples: %v", err)
	}
	if _, err := ReadFloat32(io.LimitReader(zeros{}, 4*10000+4)); !errors.Is(err, ErrFormat) {
		t.Errorf("MaxSamples + 1: %v", err)
	}
	if _, err := ReadFloat32(io.LimitReader(zeros{}, 4*1000+3)); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("partial sample: %v", err)
	}
	// A slow reader handing over one byte at a time.
	var want bytes.Buffer
	if err := WriteFloat32(&want, []float64{1, -2.5, 3e3}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFloat32(iotestOneByte{bytes.NewReader(want.Bytes())})
	if err != nil || len(got) != 3 || got[1] != -2.5 || got[2] != 3e3 {
		t.Errorf("one byte at a time: %v %v", got, err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.f32")
	if err := os.WriteFile(big, make([]byte, 4*20000), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTrace(big); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "20000 float32 samples") {
		t.Errorf("oversized file: %v", err)
	}
	if _, err := os.Stat("/dev/zero"); err == nil {
		link := filepath.Join(dir, "zero.f32")
		if err := os.Symlink("/dev/zero", link); err == nil {
			if _, err := ReadTrace(link); !errors.Is(err, ErrFormat) {
				t.Errorf("link to /dev/zero: %v", err)
			}
		}
	}
	if _, err := ReadColumn(strings.NewReader(strings.Repeat("1\n", 10001))); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "MaxSamples") {
		t.Errorf("text beyond MaxSamples: %v", err)
	}
}

type iotestOneByte struct{ r io.Reader }

func (o iotestOneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}
