package nbhelpers_test

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/nbhelpers"
)

func TestProgressRendering(t *testing.T) {
	line := nbhelpers.ProgressLine("net", 400, 1000, 1200*time.Millisecond, false, 10)
	if !strings.HasPrefix(line, "net [####------]  40% · 400 / 1000 ms · 1.2 s, ETA 1.8 s") {
		t.Errorf("line = %q", line)
	}
	done := nbhelpers.ProgressLine("net", 1000, 1000, 2*time.Second, true, 10)
	if !strings.Contains(done, "[##########] done: 1000 / 1000 ms in 2.0 s (500 ms simulated per s)") {
		t.Errorf("final line = %q", done)
	}
	h := nbhelpers.ProgressHTML("<net>", 250, 1000, time.Second, false)
	if !strings.Contains(h, "width:25.0%") || !strings.Contains(h, "&lt;net&gt;") || strings.Contains(h, "<net>") {
		t.Errorf("html = %q", h)
	}
}

func TestTerminalProgressWritesDeciles(t *testing.T) {
	var buf bytes.Buffer
	p := nbhelpers.NewTerminalProgress(&buf, "sim")
	step := p.Steps(0.1)
	for s := int64(0); s <= 10000; s++ {
		step(s, 10000)
	}
	p.Update(math.NaN(), 1000) // ignored
	p.Done()
	p.Update(5, 10) // after Done: ignored
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	// A non-terminal writer gets one line per 10 % step (0 %, 10 %, ..., 100 %) plus the
	// final "done" line.
	if len(lines) != 12 || !strings.Contains(lines[11], "done: 1000 / 1000 ms") {
		t.Errorf("%d lines:\n%s", len(lines), buf.String())
	}
	var f bytes.Buffer
	q := nbhelpers.NewTerminalProgress(&f, "frac")
	q.Fraction()(0.5)
	if !strings.Contains(f.String(), " 50% · 50 / 100 ms") {
		t.Errorf("fraction: %q", f.String())
	}
}

func TestStaticFigures(t *testing.T) {
	tr, _ := lifTraces(2, 300)
	p, err := nbhelpers.TracesPlot(tr, nbhelpers.PlotOptions{Title: "V", YLabel: "V (mV)"})
	if err != nil {
		t.Fatal(err)
	}
	png, err := nbhelpers.PNG(p, 0, 0)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("PNG: %v", err)
	}
	svg, err := nbhelpers.SVG(p, 0, 0)
	if err != nil || !strings.Contains(svg, "<svg") {
		t.Fatalf("SVG: %v", err)
	}
	rp, err := nbhelpers.RasterPlot(bigRaster(100000), 5000, nbhelpers.PlotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rp.Title.Text != "100000 spikes, 10000 neurons" {
		t.Errorf("raster title %q", rp.Title.Text)
	}
	if _, err := nbhelpers.PNG(rp, 0, 0); err != nil {
		t.Fatal(err)
	}
	hp, err := nbhelpers.HistogramPlot([]nbhelpers.Sample{{Label: "a", Values: []float64{1, 2, 2, 3}}}, 3, 0, 0, nbhelpers.PlotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cp, err := nbhelpers.CurvesPlot([]nbhelpers.Curve{{Label: "f–I", X: []float64{0, 1}, Y: []float64{0, 2}}}, nbhelpers.PlotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := nbhelpers.DisplayPNG(hp, 0, 0); err != nil {
		t.Error(err)
	}
	if err := nbhelpers.DisplaySVG(cp, 0, 0); err != nil {
		t.Error(err)
	}
	if _, err := nbhelpers.PNG(hp, -1, 10); err == nil {
		t.Error("negative size accepted")
	}
}

// TestDrawsUnderRequireJS loads Debian's RequireJS before the library, as classic Notebook and
// nbconvert's HTML do, and shows one chart twice (same id): both copies must draw.
func TestDrawsUnderRequireJSAndDuplicates(t *testing.T) {
	const req = "/usr/share/javascript/requirejs/require.min.js"
	if _, err := os.Stat(req); err != nil {
		t.Skip("Debian requirejs not installed")
	}
	tr, _ := lifTraces(2, 200)
	c, err := nbhelpers.MembraneChart("twice", tr, nbhelpers.MembraneOptions{})
	if err != nil {
		t.Fatal(err)
	}
	page, err := nbhelpers.PageHTML("requirejs", c, c)
	if err != nil {
		t.Fatal(err)
	}
	page = strings.Replace(page, "<head>", `<head><script src="file://`+req+`"></script>`, 1)
	path := filepath.Join(t.TempDir(), "req.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCheck(t, "2", path)
	if err != nil || !strings.Contains(out, "2/2 charts drawn") {
		t.Fatalf("%v\n%s", err, out)
	}
	// And the checker must fail, naming the chart, when the library is missing.
	bare := strings.Replace(page, nbhelpers.SetupHTML(), "", 1)
	if err := os.WriteFile(path, []byte(bare), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = runCheck(t, "2", path)
	if err == nil || !strings.Contains(out, "UNDRAWN twice") {
		t.Fatalf("checker passed a page without the library:\n%s", out)
	}
}
