package h5

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.h5")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	root := f.Root()
	g, err := root.Create("grp")
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(AttrString(g, "kind", "θ-neuron"))
	must(AttrStrings(g, "cols", []string{"a", "bb", ""}))
	must(AttrFloat32(g, "rate", 10000))
	must(AttrFloat64(g, "pi", math.Pi))
	must(AttrInt32(g, "one", 1))
	x := []float64{1.5, math.Nextafter(0.1, 1), -0, math.SmallestNonzeroFloat64, 6, 7}
	d, err := g.Float64s("x", x, 2, 3)
	must(err)
	must(d.Close())
	big := make([]float64, 200000)
	for i := range big {
		big[i] = float64(i) * 0.1
	}
	bd, err := g.NewFloat64s("big", len(big))
	must(err)
	must(bd.WriteFloat64s(0, 150000, big[:150000]))
	must(bd.WriteFloat64s(150000, 50000, big[150000:]))
	must(bd.AttrRef("target", "/grp/x"))
	must(bd.Close())
	i64, err := g.Int64s("i", []int64{3, -4, 1 << 40})
	must(err)
	must(i64.Close())
	s, err := g.Strings("names", []string{"exc", "inh"})
	must(err)
	must(s.Close())
	s, err = root.String("identifier", "run-1")
	must(err)
	must(s.Close())
	must(g.Close())
	must(f.Close())

	f, err = Open(path)
	must(err)
	defer f.Close()
	g, err = f.Root().Open("grp")
	must(err)
	defer g.Close()
	if v, err := ReadAttrString(g, "kind"); err != nil || v != "θ-neuron" {
		t.Errorf("kind = %q, %v", v, err)
	}
	if v, err := ReadAttrFloat64(g, "rate"); err != nil || v != 10000 {
		t.Errorf("rate = %v, %v", v, err)
	}
	if v, err := ReadAttrFloat64(g, "pi"); err != nil || v != math.Pi {
		t.Errorf("pi = %v, %v", v, err)
	}
	if _, err := ReadAttrFloat64(g, "kind"); err == nil {
		t.Error("text attribute read as a number")
	}
	if _, err := ReadAttrString(g, "missing"); err == nil {
		t.Error("missing attribute read")
	}
	gx, dims, err := g.ReadFloat64s("x")
	must(err)
	if !slices.Equal(dims, []int{2, 3}) || !slices.EqualFunc(gx, x, func(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }) {
		t.Errorf("x = %v %v", gx, dims)
	}
	gb, _, err := g.ReadFloat64s("big")
	must(err)
	if !slices.Equal(gb, big) {
		t.Error("big differs")
	}
	gi, _, err := g.ReadInt64s("i")
	must(err)
	if !slices.Equal(gi, []int64{3, -4, 1 << 40}) {
		t.Errorf("i = %v", gi)
	}
	asF, _, err := g.ReadFloat64s("i")
	must(err)
	if asF[2] != 1<<40 {
		t.Errorf("i as float64 = %v", asF)
	}
	names, err := g.ReadStrings("names")
	must(err)
	if !slices.Equal(names, []string{"exc", "inh"}) {
		t.Errorf("names = %q", names)
	}
	id, err := f.Root().ReadStrings("identifier")
	must(err)
	if !slices.Equal(id, []string{"run-1"}) {
		t.Errorf("identifier = %q", id)
	}
	if _, err := g.ReadStrings("x"); err == nil {
		t.Error("numbers read as text")
	}
	if _, _, err := g.ReadFloat64s("names"); err == nil {
		t.Error("text read as numbers")
	}
	m, k, err := g.Members()
	must(err)
	if len(m) != 4 || k[0] != KindDataset {
		t.Errorf("members %v %v", m, k)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none.h5")); err == nil {
		t.Error("missing file opened")
	}
}

// A file that cannot be created or opened is reported with the system's
// reason, not the HDF5 library's "code -1".
func TestCreateOpenErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"create in a missing directory", func() error { _, err := Create(filepath.Join(dir, "none", "x.h5")); return err }, "no such file or directory"},
		{"create over a directory", func() error { _, err := Create(dir); return err }, "is a directory"},
		{"open a missing file", func() error { _, err := Open(filepath.Join(dir, "missing.h5")); return err }, "no such file or directory"},
		{"open a text file", func() error {
			p := filepath.Join(dir, "text.h5")
			if err := os.WriteFile(p, []byte("not hdf5"), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(p)
			return err
		}, "not an HDF5 file"},
	} {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one that says %q", c.name, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "code -1") {
			t.Errorf("%s: %v: the library's code, not the reason", c.name, err)
		}
	}
}
