package nbhelpers_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/neuron-sim/neuron/nbhelpers"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/charts")

// TestGoldenChart pins the complete chart HTML (option JSON, id, draw script) of a small f–I
// chart, so that changes in go-echarts or in our encoding show up as a diff. Regenerate with
// go test ./nbhelpers -run Golden -update, and review the diff.
func TestGoldenChart(t *testing.T) {
	c, err := nbhelpers.FICurveChart("golden", []nbhelpers.FICurve{
		{Label: "LIF τm = 20 ms", CurrentPA: []float64{0, 200, 250, 300}, RateHz: []float64{0, 0, lifRate(250, 20, 100), lifRate(300, 20, 100)}},
	}, nbhelpers.Layout{Title: "f–I <golden>"})
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(c.Option), "", "  "); err != nil {
		t.Fatal(err)
	}
	got := []byte(c.ID + "\n" + pretty.String() + "\n")
	path := filepath.Join("..", "testdata", "charts", "fi_chart_golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("chart differs from %s (run with -update and review the diff):\n%s", path, got)
	}
}
