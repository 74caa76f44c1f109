package fit_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/fit"
)

func TestFloat32RoundTrip(t *testing.T) {
	x := []float64{0, 1.5, -70.25, 1e4, -3.125}
	var buf bytes.Buffer
	if err := fit.WriteFloat32(&buf, x); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 4*len(x) {
		t.Fatalf("wrote %d bytes, want %d", buf.Len(), 4*len(x))
	}
	// little-endian float32 of 1.5 is 00 00 c0 3f
	if b := buf.Bytes()[4:8]; !bytes.Equal(b, []byte{0, 0, 0xc0, 0x3f}) {
		t.Errorf("1.5 encoded as % x", b)
	}
	y, err := fit.ReadFloat32(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if y[i] != x[i] { // all values are exact in float32
			t.Errorf("sample %d: %v, want %v", i, y[i], x[i])
		}
	}
	if _, err := fit.ReadFloat32(bytes.NewReader([]byte{1, 2, 3})); !errors.Is(err, fit.ErrFormat) {
		t.Errorf("3 bytes: err = %v, want ErrFormat", err)
	}
}

func TestReadColumn(t *testing.T) {
	cases := []struct {
		name string
		text string
		want []float64
	}{
		{"plain", "1\n2.5\n-3\n", []float64{1, 2.5, -3}},
		{"header", "I_pA\n1\n2\n", []float64{1, 2}},
		{"two columns", "t_ms,I_pA\n0,10\n0.1,20\n", []float64{10, 20}},
		{"comments and blanks", "# recorded 2024\n\n5\n# x\n6\n", []float64{5, 6}},
		{"tabs", "0\t7\n0.1\t8\n", []float64{7, 8}},
	}
	for _, c := range cases {
		got, err := fit.ReadColumn(strings.NewReader(c.text))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
	}
	for _, bad := range []string{"1\nx\n", "1\nNaN\n", "a\nb\n"} {
		if _, err := fit.ReadColumn(strings.NewReader(bad)); !errors.Is(err, fit.ErrFormat) {
			t.Errorf("%q: err = %v, want ErrFormat", bad, err)
		}
	}
}

func TestFilesByExtension(t *testing.T) {
	dir := t.TempDir()
	x := []float64{1, 2, 3}
	raw := filepath.Join(dir, "I.f32")
	f, err := os.Create(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := fit.WriteFloat32(f, x); err != nil {
		t.Fatal(err)
	}
	f.Close()
	csv := filepath.Join(dir, "I.csv")
	f, err = os.Create(csv)
	if err != nil {
		t.Fatal(err)
	}
	if err := fit.WriteColumn(f, "I_pA", x); err != nil {
		t.Fatal(err)
	}
	f.Close()
	for _, p := range []string{raw, csv} {
		y, err := fit.ReadTrace(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(y) != 3 || y[2] != 3 {
			t.Errorf("%s: %v", p, y)
		}
	}
	sp := filepath.Join(dir, "spikes.csv")
	f, err = os.Create(sp)
	if err != nil {
		t.Fatal(err)
	}
	if err := fit.WriteSpikes(f, []float64{12.5, 3.25}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err := fit.ReadSpikes(sp)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) != 2 || s[0] != 3.25 || s[1] != 12.5 {
		t.Errorf("spikes %v, want sorted [3.25 12.5]", s)
	}
}

func TestParseWindow(t *testing.T) {
	cases := []struct {
		in   string
		dt   float64
		want fit.Window
	}{
		{"0:10000", 0.1, fit.Window{StartMS: 0, EndMS: 10000}},
		{"10000:20000", 0.1, fit.Window{StartMS: 10000, EndMS: 20000}},
		{"0ms:500ms", 0.1, fit.Window{StartMS: 0, EndMS: 500}},
		{"0:100000samples", 0.1, fit.Window{StartMS: 0, EndMS: 10000}},
		{"100samples:200", 0.1, fit.Window{StartMS: 10, EndMS: 20}}, // b takes a's unit
		{"10:20s", 0.1, fit.Window{StartMS: 10000, EndMS: 20000}},   // a takes b's unit
	}
	for _, c := range cases {
		got, err := fit.ParseWindow(c.in, c.dt)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if math.Abs(got.StartMS-c.want.StartMS) > 1e-9 || math.Abs(got.EndMS-c.want.EndMS) > 1e-9 {
			t.Errorf("%q: got %v, want %v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"10", "a:b", "1:2samples", ""} {
		dt := 0.1
		if bad == "1:2samples" {
			dt = 0
		}
		if _, err := fit.ParseWindow(bad, dt); !errors.Is(err, fit.ErrInput) {
			t.Errorf("%q: err = %v, want ErrInput", bad, err)
		}
	}
}

// Spike files in seconds are common (NWB, SONATA, Brian2 exports); a header
// that names the unit must be honoured, not read as ms (1000× too early).
func TestReadSpikesUnits(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, text string
		unit       fit.SpikeUnit
		want       []float64
	}{
		{"no header", "12.5\n3\n", fit.UnitAuto, []float64{3, 12.5}},
		{"t_ms", "t_ms\n3\n12.5\n", fit.UnitAuto, []float64{3, 12.5}},
		{"t_s", "t_s\n0.003\n0.0125\n", fit.UnitAuto, []float64{3, 12.5}},
		{"time (s)", "time (s)\n0.25\n", fit.UnitAuto, []float64{250}},
		{"id,t [s]", "id,t[s]\n4,0.5\n", fit.UnitAuto, []float64{500}},
		{"seconds", "Seconds\n1\n", fit.UnitAuto, []float64{1000}},
		{"unknown header, given s", "spike_times\n0.5\n", fit.UnitS, []float64{500}},
		{"unknown header", "spike_times\n0.5\n", fit.UnitAuto, []float64{0.5}},
		{"no header, given ms", "0.5\n", fit.UnitMS, []float64{0.5}},
		{"t_ms, given ms", "t_ms\n7\n", fit.UnitMS, []float64{7}},
	}
	for k, c := range cases {
		path := filepath.Join(dir, fmt.Sprintf("s%d.csv", k))
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := fit.ReadSpikesIn(path, c.unit)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-9 {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
				break
			}
		}
	}
	conflict := filepath.Join(dir, "conflict.csv")
	if err := os.WriteFile(conflict, []byte("t_s\n0.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fit.ReadSpikesIn(conflict, fit.UnitMS); !errors.Is(err, fit.ErrFormat) || !strings.Contains(err.Error(), "t_s") {
		t.Errorf("header t_s read as ms: err = %v, want ErrFormat naming the header", err)
	}
	if _, err := fit.ReadSpikesIn(conflict, "us"); !errors.Is(err, fit.ErrInput) || !strings.Contains(err.Error(), `"us"`) {
		t.Errorf("unit us: err = %v, want ErrInput naming it", err)
	}
}
