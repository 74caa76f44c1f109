package nbhelpers_test

import (
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/nbhelpers"
)

// Synthetic but realistic data shared by the tests (seeded, deterministic).

// lifTraces integrates dV/dt = (−(V−EL) + R·I)/τm for n neurons with different constant
// drives and reset after threshold (τm = 20 ms, EL = −70 mV, θ = −50 mV, Vr = −65 mV,
// dt = 0.1 ms) and returns the voltage traces and the spike times.
func lifTraces(n int, durMS float64) (nbhelpers.Traces, [][]float64) {
	const dt, tau, el, th, vr = 0.1, 20.0, -70.0, -50.0, -65.0
	steps := int(durMS / dt)
	tr := nbhelpers.Traces{TimeMS: make([]float64, steps)}
	spikes := make([][]float64, n)
	for i := range steps {
		tr.TimeMS[i] = float64(i) * dt
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k := range n {
		drive := 21 + 4*float64(k) // mV (R·I)
		v := el
		row := make([]float64, steps)
		for i := range steps {
			v += dt / tau * (-(v - el) + drive + 3*rng.NormFloat64()*math.Sqrt(tau/dt))
			if v >= th {
				spikes[k] = append(spikes[k], tr.TimeMS[i])
				row[i] = 20 // draw the spike peak
				v = vr
				continue
			}
			row[i] = v
		}
		tr.Values = append(tr.Values, row)
		tr.Labels = append(tr.Labels, "neuron "+string(rune('A'+k)))
	}
	return tr, spikes
}

// poissonPops returns an excitatory and an inhibitory population of Poisson spike trains
// (nE, nI neurons at rE, rI Hz over durMS) with a rate bump at 200–250 ms.
func poissonPops(nE, nI int, rE, rI, durMS float64, seed uint64) []nbhelpers.Spikes {
	rng := rand.New(rand.NewPCG(seed, 7))
	gen := func(label string, n int, rate float64) nbhelpers.Spikes {
		s := nbhelpers.Spikes{Label: label, N: n}
		for id := range n {
			t := 0.0
			for {
				r := rate
				if t >= 200 && t < 250 {
					r *= 3
				}
				t += rng.ExpFloat64() / r * 1000
				if t >= durMS {
					break
				}
				s.TimesMS = append(s.TimesMS, t)
				s.IDs = append(s.IDs, int32(id))
			}
		}
		return s
	}
	return []nbhelpers.Spikes{gen("E", nE, rE), gen("I", nI, rI)}
}

func allCharts(t testing.TB) []*nbhelpers.Chart {
	t.Helper()
	must := func(c *nbhelpers.Chart, err error) *nbhelpers.Chart {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tr, spikes := lifTraces(3, 500)
	pops := poissonPops(800, 200, 8, 20, 1000, 3)
	// Adaptation: w jumps by b = 40 pA per spike and decays with τw = 150 ms; θ jumps 2 mV,
	// decays with 50 ms.
	w := make([][]float64, len(spikes))
	theta := make([][]float64, len(spikes))
	for k := range spikes {
		w[k] = make([]float64, len(tr.TimeMS))
		theta[k] = make([]float64, len(tr.TimeMS))
		for _, ts := range spikes[k] {
			for i, t := range tr.TimeMS {
				if t >= ts {
					w[k][i] += 40 * math.Exp(-(t-ts)/150)
					theta[k][i] += 2 * math.Exp(-(t-ts)/50)
				}
			}
		}
		for i := range theta[k] {
			theta[k][i] += -50
		}
	}
	rng := rand.New(rand.NewPCG(5, 5))
	before := make([]float64, 2000)
	after := make([]float64, 2000)
	for i := range before {
		before[i] = 0.5 + 0.1*rng.NormFloat64()
		if rng.Float64() < 0.5 {
			after[i] = 0.05 * rng.ExpFloat64()
		} else {
			after[i] = 1 - 0.05*rng.ExpFloat64()
		}
	}
	wt := nbhelpers.Traces{TimeMS: tr.TimeMS[:2000]}
	for range 5 {
		row := make([]float64, 2000)
		x := 0.5
		for i := range row {
			x += 0.004 * rng.NormFloat64()
			x = min(max(x, 0), 1)
			row[i] = x
		}
		wt.Values = append(wt.Values, row)
	}
	var dts, dws, tdts, tdws []float64
	for i := range 60 {
		dt := -100 + 200*float64(i)/59
		dw := stdp(dt) + 0.05*rng.NormFloat64()
		dts, dws = append(dts, dt), append(dws, dw)
	}
	for dt := -100.0; dt <= 100; dt += 1 {
		tdts, tdws = append(tdts, dt), append(tdws, stdp(dt))
	}
	var cur, r1, r2 []float64
	for i := 0.0; i <= 500; i += 25 {
		cur = append(cur, i)
		r1 = append(r1, lifRate(i, 20, 100))
		r2 = append(r2, lifRate(i, 10, 80))
	}
	var rows, cols []int32
	var ws []float64
	for i := range 200 {
		for j := range 200 {
			if rng.Float64() < 0.1 {
				rows, cols = append(rows, int32(i)), append(cols, int32(j))
				v := rng.Float64()
				if j >= 160 {
					v = -4 * v
				}
				ws = append(ws, v)
			}
		}
	}
	m, err := nbhelpers.MatrixFromEdges(200, 200, rows, cols, ws)
	if err != nil {
		t.Fatal(err)
	}
	return []*nbhelpers.Chart{
		must(nbhelpers.MembraneChart("vm", tr, nbhelpers.MembraneOptions{ThresholdMV: []float64{-50}, SpikeTimesMS: spikes})),
		must(nbhelpers.AdaptationChart("adapt", nbhelpers.AdaptationData{TimeMS: tr.TimeMS, V: tr.Values, W: w, Theta: theta, Labels: tr.Labels}, nbhelpers.LinkedOptions{})),
		must(nbhelpers.RasterChart("raster", pops, nbhelpers.RasterOptions{})),
		must(nbhelpers.RasterChart("raster-1e6", bigRaster(1_000_000), nbhelpers.RasterOptions{})),
		must(nbhelpers.PSTHChart("psth", pops, nbhelpers.PSTHOptions{BinMS: 5, StopMS: 1000})),
		must(nbhelpers.SpikeCountChart("counts", pops, nbhelpers.CountOptions{})),
		must(nbhelpers.ISIChart("isi", pops, nbhelpers.HistogramOptions{})),
		must(nbhelpers.WeightEvolutionChart("wev", wt, nbhelpers.TraceOptions{})),
		must(nbhelpers.WeightHistogramChart("whist", before, after, nbhelpers.HistogramOptions{Lo: 0, Hi: 1, Bins: 40})),
		must(nbhelpers.STDPWindowChart("stdp", nbhelpers.STDPWindow{DeltaTMS: dts, DeltaW: dws, TheoryDeltaTMS: tdts, TheoryDeltaW: tdws}, nbhelpers.STDPOptions{})),
		must(nbhelpers.FICurveChart("fi", []nbhelpers.FICurve{{Label: "τm = 20 ms", CurrentPA: cur, RateHz: r1}, {Label: "τm = 10 ms", CurrentPA: cur, RateHz: r2}}, nbhelpers.Layout{})),
		must(nbhelpers.ConnectivityChart("conn", m, nbhelpers.HeatmapOptions{})),
	}
}

// stdp is the exponential STDP window with A+ = 1, A− = 1.05, τ+ = τ− = 20 ms
// (Song, Miller & Abbott 2000).
func stdp(dt float64) float64 {
	if dt > 0 {
		return math.Exp(-dt / 20)
	}
	return -1.05 * math.Exp(dt/20)
}

// lifRate is the closed-form LIF f–I curve: 1/(tref + τ ln(RI/(RI − (θ−Vr)))) with
// R = rMOhm MΩ, θ − Vr = 20 mV, tref = 2 ms.
func lifRate(iPA, tauMS, rMOhm float64) float64 {
	ri := iPA * rMOhm / 1000 // mV
	if ri <= 20 {
		return 0
	}
	return 1000 / (2 + tauMS*math.Log(ri/(ri-20)))
}

// checkScript returns the path of scripts/check_report_charts.py.
func checkScript(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "scripts", "check_report_charts.py")
}

// runCheck runs the report checker on page; it skips when chromium is absent.
func runCheck(t *testing.T, minCharts string, pages ...string) (string, error) {
	t.Helper()
	return runCheckArgs(t, append([]string{"--min", minCharts}, pages...)...)
}

// runCheckArgs runs the report checker with the given arguments; it skips when chromium is
// absent.
func runCheckArgs(t *testing.T, args ...string) (string, error) {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Skip("chromium not installed: /usr/bin/chromium absent")
	}
	out, err := exec.Command("/usr/bin/python3", append([]string{checkScript(t)}, args...)...).CombinedOutput()
	return string(out), err
}

func TestAllChartsDrawOffline(t *testing.T) {
	charts := allCharts(t)
	page := filepath.Join(t.TempDir(), "gallery.html")
	if err := nbhelpers.WriteHTMLFile(page, charts...); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("NBHELPERS_KEEP") != "" {
		b, _ := os.ReadFile(page)
		os.WriteFile(os.Getenv("NBHELPERS_KEEP"), b, 0o644)
	}
	// --overlaps: no chart may have overlapping parts (title block, legend, axes, toolbox,
	// slider, plot areas), as measured in the drawn chart.
	out, err := runCheckArgs(t, "--min", "12", "--overlaps", page)
	if err != nil {
		t.Fatalf("check_report_charts failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "12/12 charts drawn") || strings.Contains(out, "OVERLAP") {
		t.Fatalf("want 12/12 charts drawn and no overlaps, got:\n%s", out)
	}
}

// TestCheckerFindsOverlaps: the report checker measures drawn charts and names overlapping
// parts; here the legend is moved onto the subtitle and the toolbox onto a long title.
func TestCheckerFindsOverlaps(t *testing.T) {
	tr, _ := lifTraces(2, 100)
	c, err := nbhelpers.MembraneChart("crowded", tr, nbhelpers.MembraneOptions{Layout: nbhelpers.Layout{
		Title:    "A title long enough to run under the toolbox on the right of a 1280 px wide page, and further still to the edge",
		Subtitle: "first line\nsecond line\nthird line"}})
	if err != nil {
		t.Fatal(err)
	}
	bad := *c
	bad.Option = regexp.MustCompile(`"legend":\{[^}]*\}`).ReplaceAllString(bad.Option, `"legend":{"type":"scroll","show":true,"left":"10","top":"40"}`)
	bad.Option = regexp.MustCompile(`"toolbox":\{"show":true,"orient":"vertical","top":"\d+","right":"4"`).ReplaceAllString(bad.Option, `"toolbox":{"show":true,"top":"4","right":"20"`)
	if bad.Option == c.Option {
		t.Fatal("option not modified")
	}
	page := filepath.Join(t.TempDir(), "crowded.html")
	if err := nbhelpers.WriteHTMLFile(page, c, &bad); err != nil {
		t.Fatal(err)
	}
	out, err := runCheckArgs(t, "--overlaps", page)
	if err == nil {
		t.Fatalf("checker passed overlapping charts:\n%s", out)
	}
	for _, want := range []string{"OVERLAP crowded", "legend", "toolbox", "title"} {
		if !strings.Contains(out, want) {
			t.Errorf("checker output lacks %q:\n%s", want, out)
		}
	}
	// Exactly the two planted overlaps: the unmodified chart (same name and id) has none.
	if n := strings.Count(out, "OVERLAP"); n != 2 {
		t.Errorf("%d overlaps found, want 2 (legend on subtitle, toolbox on title):\n%s", n, out)
	}
	// Without --overlaps the checker only reports them.
	if out, err := runCheckArgs(t, page); err != nil || !strings.Contains(out, "2/2 charts drawn") {
		t.Errorf("without --overlaps the checker must only report: %v\n%s", err, out)
	}
}
