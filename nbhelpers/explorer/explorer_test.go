package explorer

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/brain/explore"
)

func TestControlPositions(t *testing.T) {
	for _, c := range append(append([]control{}, cellControls...), netControls...) {
		for k := 0; k <= c.steps(); k += max(1, c.steps()/37) {
			v := c.at(k)
			if got := c.position(v); got != k {
				t.Errorf("%s: position(at(%d) = %g) = %d", c.key, k, v, got)
			}
		}
		if c.position(c.min-100*c.step) != 0 || c.position(c.max+100*c.step) != c.steps() {
			t.Errorf("%s: positions outside the range are not clamped", c.key)
		}
	}
	// Every preset's starting point lies on its sliders' grids.
	for _, ty := range explore.CellTypes {
		m, err := asMap(explore.DefaultCell(ty))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cellControls {
			if v := c.value(m); c.at(c.position(v)) != v {
				t.Errorf("%s: default %s = %g is not on the slider grid", ty, c.key, v)
			}
		}
	}
}

var initialRe = regexp.MustCompile(`initial = (\{.*\});`)

func TestCellHTML(t *testing.T) {
	p := explore.DefaultCell("purkinje")
	s, err := CellHTML("cellx", p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cellControls {
		if !strings.Contains(s, `data-param="`+c.key+`"`) {
			t.Errorf("no control %s", c.key)
		}
	}
	for _, ty := range explore.CellTypes {
		if !strings.Contains(s, `<option value="`+ty+`"`) {
			t.Errorf("no option %s", ty)
		}
	}
	if strings.Count(s, `class="neuron-explorer"`) != 1 || strings.Count(s, "data-nbchart=") != 1 {
		t.Error("want one explorer with one chart")
	}
	m := initialRe.FindStringSubmatch(s)
	if m == nil {
		t.Fatal("no initial result in the page")
	}
	var r explore.CellResult
	if err := json.Unmarshal([]byte(m[1]), &r); err != nil {
		t.Fatal(err)
	}
	want, _ := explore.RunCell(p)
	if r.Spikes != want.Spikes || len(r.T) != len(want.T) || r.Text != want.Summary() {
		t.Errorf("embedded result: %d spikes, %d samples; native run %d, %d", r.Spikes, len(r.T), want.Spikes, len(want.T))
	}
	again, _ := CellHTML("cellx", p)
	other, _ := CellHTML("celly", p)
	if again != s || rootOf(other) == rootOf(s) || rootOf(s) == "" {
		t.Errorf("ids: same call %q/%q, other name %q", rootOf(s), rootOf(again), rootOf(other))
	}
	static, _ := CellReport("cellx", p)
	if strings.Contains(static, `<input type="range"`) || strings.Contains(static, "<select") {
		t.Error("the static report has controls")
	}
	if _, err := CellHTML("bad", explore.CellParams{Type: "astrocyte", DurationMS: 100}); err == nil || !strings.Contains(err.Error(), "astrocyte") {
		t.Errorf("bad type: %v", err)
	}
}

func TestNetworkHTML(t *testing.T) {
	p := explore.DefaultNet()
	p.DurationMS = 100
	s, err := NetworkHTML("netx", p)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range explore.BrunelStates {
		if !strings.Contains(s, `<option value="`+st+`"`) {
			t.Errorf("no state %s", st)
		}
	}
	if !strings.Contains(s, `data-param="g"`) || !strings.Contains(s, `data-param="eta"`) {
		t.Error("no g or η slider")
	}
	if _, err := NetworkHTML("bad", explore.NetParams{NE: 5, DurationMS: 100}); err == nil || !strings.Contains(err.Error(), "NE") {
		t.Errorf("bad NE: %v", err)
	}
}

// The module builds for js/wasm, unpacks to a WebAssembly binary, and a page with both
// explorers stays well under the 5 MB report budget.
func TestBuildWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds brain for js/wasm")
	}
	w, err := BuildWasm("")
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(w.Gzip))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != w.RawBytes || !bytes.HasPrefix(raw, []byte("\x00asm")) {
		t.Fatalf("unpacked %d bytes (want %d) starting %q", len(raw), w.RawBytes, raw[:min(4, len(raw))])
	}
	if !strings.Contains(w.ExecJS, "globalThis.Go") {
		t.Error("wasm_exec.js does not define globalThis.Go")
	}
	cell, err := CellHTML("c", explore.DefaultCell("pyramidal"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := NetworkHTML("n", explore.DefaultNet())
	if err != nil {
		t.Fatal(err)
	}
	page := PageHTML("explorers", w, cell, net)
	t.Logf("wasm %d bytes, %d gzip, %d embedded; page with both explorers %d bytes", w.RawBytes, len(w.Gzip), w.EmbeddedBytes(), len(page))
	if w.EmbeddedBytes() > 2_500_000 || len(page) > 4_000_000 {
		t.Errorf("embedded module %d bytes (budget 2.5 MB), page %d bytes (budget 4 MB of the report's 5)", w.EmbeddedBytes(), len(page))
	}
}
