package nbhelpers_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/neuron-sim/neuron/nbhelpers"
)

// option decodes a chart's ECharts option.
type option struct {
	Title struct {
		Text    string `json:"text"`
		Subtext string `json:"subtext"`
	} `json:"title"`
	Series []struct {
		Name      string            `json:"name"`
		Type      string            `json:"type"`
		Data      []json.RawMessage `json:"data"`
		MarkLine  *json.RawMessage  `json:"markLine"`
		XAxisIdx  int               `json:"xAxisIndex"`
		YAxisIdx  int               `json:"yAxisIndex"`
		Large     bool              `json:"large"`
		Progressv *int              `json:"progressive"`
	} `json:"series"`
	XAxis    []map[string]any `json:"xAxis"`
	YAxis    []map[string]any `json:"yAxis"`
	DataZoom []map[string]any `json:"dataZoom"`
	Tooltip  map[string]any   `json:"tooltip"`
	Legend   map[string]any   `json:"legend"`
}

func decode(t *testing.T, c *nbhelpers.Chart) option {
	t.Helper()
	var o option
	if err := json.Unmarshal([]byte(c.Option), &o); err != nil {
		t.Fatalf("option of %s is not JSON: %v", c.Name, err)
	}
	return o
}

// points decodes series data of [x, y] pairs.
func points(t *testing.T, raw []json.RawMessage) [][]float64 {
	t.Helper()
	out := make([][]float64, len(raw))
	for i, r := range raw {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			t.Fatalf("data[%d] = %s: %v", i, r, err)
		}
	}
	return out
}

func TestMinMaxDecimateExactCounts(t *testing.T) {
	for _, tc := range []struct{ n, budget, want int }{
		{100001, 2000, 2000}, // 1000 buckets of ≥ 100 samples: min and max differ in each
		{1500, 2000, 1500},   // under budget: all samples
		{2000, 2000, 2000},
		{2001, 2000, 2000},
		{10, 2, 2},
	} {
		t0 := make([]float64, tc.n)
		v := make([]float64, tc.n)
		for i := range t0 {
			t0[i] = float64(i) * 0.1
			v[i] = math.Sin(float64(i)*0.37) + 0.001*float64(i%7)
		}
		v[tc.n/3] = 40 // a spike peak must survive
		dt, dv, err := nbhelpers.MinMaxDecimate(t0, v, tc.budget)
		if err != nil {
			t.Fatal(err)
		}
		if len(dt) != tc.want || len(dv) != tc.want {
			t.Errorf("n=%d budget=%d: got %d points, want %d", tc.n, tc.budget, len(dt), tc.want)
		}
		found := false
		for i := range dv {
			if dv[i] == 40 && dt[i] == t0[tc.n/3] {
				found = true
			}
			if i > 0 && dt[i] <= dt[i-1] {
				t.Fatalf("n=%d: decimated times not increasing at %d", tc.n, i)
			}
		}
		if !found {
			t.Errorf("n=%d budget=%d: the peak was dropped", tc.n, tc.budget)
		}
	}
}

func TestMembraneChartSeriesAndSizes(t *testing.T) {
	tr, spikes := lifTraces(3, 1000) // 10000 samples per trace
	c, err := nbhelpers.MembraneChart("vm", tr, nbhelpers.MembraneOptions{ThresholdMV: []float64{-50}, SpikeTimesMS: spikes})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if got, want := len(o.Series), 3+3; got != want {
		t.Fatalf("series: got %d, want %d (3 traces + 3 spike-mark series)", got, want)
	}
	total := 0
	for i := range 3 {
		s := o.Series[i]
		if s.Type != "line" || s.Name != tr.Labels[i] {
			t.Errorf("series %d = %s %q, want line %q", i, s.Type, s.Name, tr.Labels[i])
		}
		if len(s.Data) != nbhelpers.DefaultMaxPointsPerTrace {
			t.Errorf("series %d: %d points, want %d (min/max decimated)", i, len(s.Data), nbhelpers.DefaultMaxPointsPerTrace)
		}
		total += len(s.Data)
		sp := o.Series[3+i]
		if sp.Type != "scatter" || len(sp.Data) != len(spikes[i]) {
			t.Errorf("spike series %d: %s with %d marks, want scatter with %d", i, sp.Type, len(sp.Data), len(spikes[i]))
		}
	}
	if o.Series[0].MarkLine == nil || !strings.Contains(string(*o.Series[0].MarkLine), `"yAxis":-50`) {
		t.Errorf("threshold line missing: %v", o.Series[0].MarkLine)
	}
	if want := fmt.Sprintf("%d of 30000 samples drawn", 3*nbhelpers.DefaultMaxPointsPerTrace); !strings.Contains(o.Title.Subtext, want) {
		t.Errorf("subtitle %q does not state the decimation", o.Title.Subtext)
	}
	if len(o.DataZoom) != 2 || o.Tooltip["show"] != true || o.Legend["show"] != true {
		t.Errorf("zoom/tooltip/legend not on: %v %v %v", o.DataZoom, o.Tooltip, o.Legend)
	}
	// Values survive encoding with 7 significant digits.
	for _, p := range points(t, o.Series[0].Data)[:50] {
		i := int(math.Round(p[0] / 0.1))
		if math.Abs(p[1]-tr.Values[0][i]) > 1e-4 || math.Abs(p[0]-tr.TimeMS[i]) > 1e-9 {
			t.Fatalf("sample (%v, %v), want (%v, %v)", p[0], p[1], tr.TimeMS[i], tr.Values[0][i])
		}
	}
}

func TestLinkedAxesShareZoom(t *testing.T) {
	tr, _ := lifTraces(2, 200)
	c, err := nbhelpers.AdaptationChart("adapt", nbhelpers.AdaptationData{TimeMS: tr.TimeMS, W: tr.Values, Theta: tr.Values, Labels: tr.Labels}, nbhelpers.LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if len(o.XAxis) != 2 || len(o.YAxis) != 2 || len(o.Series) != 4 {
		t.Fatalf("got %d x axes, %d y axes, %d series; want 2, 2, 4", len(o.XAxis), len(o.YAxis), len(o.Series))
	}
	if o.Series[2].XAxisIdx != 1 || o.Series[2].YAxisIdx != 1 {
		t.Errorf("θ series on axes %d/%d, want 1/1", o.Series[2].XAxisIdx, o.Series[2].YAxisIdx)
	}
	for _, dz := range o.DataZoom {
		if dz["xAxisIndex"] != "all" {
			t.Errorf("dataZoom %v does not link all x axes", dz)
		}
	}
	if !strings.Contains(c.Option, `"axisPointer":{"link":[{"xAxisIndex":[0,1]}]}`) {
		t.Errorf("axis pointers not linked")
	}
}

// bigRaster makes nE+nI neurons firing Poisson spikes until exactly total spikes exist.
func bigRaster(total int) []nbhelpers.Spikes {
	rng := rand.New(rand.NewPCG(42, 1))
	pops := []nbhelpers.Spikes{{Label: "E", N: 8000}, {Label: "I", N: 2000}}
	for k := range total {
		p := 0
		if k%5 == 4 {
			p = 1
		}
		pops[p].TimesMS = append(pops[p].TimesMS, 10000*rng.Float64())
		pops[p].IDs = append(pops[p].IDs, int32(rng.IntN(pops[p].N)))
	}
	return pops
}

func TestRasterMillionSpikesExactCounts(t *testing.T) {
	pops := bigRaster(1_000_000)
	r, err := nbhelpers.ThinRaster(pops, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Spikes != 1_000_000 || r.Neurons != 10000 {
		t.Fatalf("exact counts: %d spikes, %d neurons", r.Spikes, r.Neurons)
	}
	if r.Marks > nbhelpers.DefaultMaxMarks || r.Marks == 0 {
		t.Fatalf("%d marks, want in (0, %d]", r.Marks, nbhelpers.DefaultMaxMarks)
	}
	// Recount independently: every spike of neurons with id % stride == 0.
	want, wantStride1 := 0, 0
	for _, p := range pops {
		for _, id := range p.IDs {
			if int(id)%r.Stride == 0 {
				want++
			}
			if r.Stride > 1 && int(id)%(r.Stride-1) == 0 {
				wantStride1++
			}
		}
	}
	if r.SpikesShown != want || r.Marks != want || r.TimeBinMS != 0 {
		t.Errorf("stride %d: shown %d, marks %d, bin %v; want %d exact spikes", r.Stride, r.SpikesShown, r.Marks, r.TimeBinMS, want)
	}
	if r.Stride > 2 && wantStride1 <= nbhelpers.DefaultMaxMarks {
		t.Errorf("stride %d is not minimal: stride %d shows %d ≤ budget", r.Stride, r.Stride-1, wantStride1)
	}
	if r.NeuronsShown != (8000+r.Stride-1)/r.Stride+(2000+r.Stride-1)/r.Stride {
		t.Errorf("neurons shown %d with stride %d", r.NeuronsShown, r.Stride)
	}
	c, err := nbhelpers.RasterChart("big", pops, nbhelpers.RasterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	n := 0
	for _, s := range o.Series {
		n += len(s.Data)
		if s.Type != "scatter" || !s.Large {
			t.Errorf("series %q: type %s large %v", s.Name, s.Type, s.Large)
		}
	}
	if n != r.Marks || len(o.Series) != 2 {
		t.Errorf("chart has %d marks in %d series, want %d in 2", n, len(o.Series), r.Marks)
	}
	if !strings.Contains(o.Title.Subtext, "1000000 spikes from 10000 neurons (exact)") || c.Summary != r.Summary() {
		t.Errorf("subtitle %q does not report the exact count", o.Title.Subtext)
	}
	if len(c.Option) > 1_000_000 {
		t.Errorf("raster option is %d bytes, want < 1 MB", len(c.Option))
	}
}

func TestRasterSmallIsExactAndDenseNeuronIsBinned(t *testing.T) {
	pops := poissonPops(50, 10, 5, 10, 500, 9)
	r, err := nbhelpers.ThinRaster(pops, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Stride != 1 || r.Marks != r.Spikes || !strings.HasSuffix(r.Summary(), "all drawn") {
		t.Errorf("small raster thinned: %+v", r.Summary())
	}
	// One neuron with 10000 spikes and a budget of 1000: only time binning can fit.
	one := nbhelpers.Spikes{Label: "burst", N: 1}
	for k := range 10000 {
		one.TimesMS = append(one.TimesMS, float64(k)*0.1)
		one.IDs = append(one.IDs, 0)
	}
	r, err = nbhelpers.ThinRaster([]nbhelpers.Spikes{one}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if r.Marks > 1000 || r.TimeBinMS <= 0 || r.SpikesShown != 10000 || r.Spikes != 10000 {
		t.Errorf("binned: marks %d, bin %v ms, shown %d", r.Marks, r.TimeBinMS, r.SpikesShown)
	}
}

func TestPopulationRateConservesSpikes(t *testing.T) {
	pops := poissonPops(100, 10, 10, 10, 1000, 4)
	centers, rate, err := nbhelpers.PopulationRate(pops[0], 0, 1000, 7) // last bin partial
	if err != nil {
		t.Fatal(err)
	}
	if len(centers) != 143 { // ceil(1000/7)
		t.Fatalf("%d bins, want 143", len(centers))
	}
	sum := 0.0
	for b := range rate {
		w := math.Min(7, 1000-float64(b)*7)
		sum += rate[b] * 100 * w / 1000
	}
	if math.Abs(sum-float64(len(pops[0].TimesMS))) > 1e-6 {
		t.Errorf("rate integrates to %v spikes, want %d", sum, len(pops[0].TimesMS))
	}
	c, err := nbhelpers.PSTHChart("psth", pops, nbhelpers.PSTHOptions{BinMS: 10, StopMS: 1000})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if len(o.Series) != 2 || len(o.Series[0].Data) != 100 {
		t.Errorf("PSTH: %d series, %d bins; want 2, 100", len(o.Series), len(o.Series[0].Data))
	}
}

func TestHistogramsCountEverything(t *testing.T) {
	vals := []float64{0, 0.1, 0.5, 0.99, 1, 1.5, -0.2}
	counts, edges, outside, err := nbhelpers.Histogram(vals, 0, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{2, 0, 1, 2} // 1 lands in the last bin
	for i := range want {
		if counts[i] != want[i] {
			t.Errorf("counts = %v, want %v", counts, want)
			break
		}
	}
	if outside != 2 || len(edges) != 5 || edges[4] != 1 {
		t.Errorf("outside %d, edges %v", outside, edges)
	}
	pops := poissonPops(20, 5, 20, 20, 1000, 2)
	isi, err := nbhelpers.ISIs(pops[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(isi), len(pops[0].TimesMS)-20; got > want || got < want-20 {
		// every neuron with k ≥ 1 spikes contributes k-1 intervals
		t.Errorf("%d ISIs from %d spikes of 20 neurons", got, len(pops[0].TimesMS))
	}
	for _, v := range isi {
		if v < 0 {
			t.Fatalf("negative ISI %v", v)
		}
	}
	c, err := nbhelpers.ISIChart("isi", pops, nbhelpers.HistogramOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, c)
	if len(o.Series) != 2 || len(o.Series[0].Data) != 100 || len(o.XAxis[0]["data"].([]any)) != 100 {
		t.Errorf("ISI chart: %d series, %d bars", len(o.Series), len(o.Series[0].Data))
	}
	w, err := nbhelpers.WeightHistogramChart("w", []float64{0.1, 0.2}, []float64{0.9, 0.95, 1}, nbhelpers.HistogramOptions{Lo: 0, Hi: 1, Bins: 10})
	if err != nil {
		t.Fatal(err)
	}
	ow := decode(t, w)
	if len(ow.Series) != 2 || ow.Series[0].Name != "before" || ow.Series[1].Name != "after" {
		t.Errorf("weight histogram series: %+v", ow.Series)
	}
}

func TestOtherBuilders(t *testing.T) {
	counts, err := nbhelpers.SpikeCountChart("n", []nbhelpers.Spikes{{Label: "E", N: 4, TimesMS: []float64{1, 2, 3}, IDs: []int32{0, 0, 3}}}, nbhelpers.CountOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := points(t, decode(t, counts).Series[0].Data)
	if len(p) != 4 || p[0][1] != 2 || p[1][1] != 0 || p[3][1] != 1 {
		t.Errorf("counts = %v, want [[0 2] [1 0] [2 0] [3 1]]", p)
	}
	fi, err := nbhelpers.FICurveChart("fi", []nbhelpers.FICurve{{Label: "a", CurrentPA: []float64{0, 100, 200}, RateHz: []float64{0, 5, 20}}}, nbhelpers.Layout{})
	if err != nil || len(decode(t, fi).Series[0].Data) != 3 {
		t.Errorf("f–I: %v", err)
	}
	st, err := nbhelpers.STDPWindowChart("stdp", nbhelpers.STDPWindow{DeltaTMS: []float64{-10, 10}, DeltaW: []float64{-0.5, 0.6}}, nbhelpers.STDPOptions{})
	if err != nil || len(decode(t, st).Series) != 1 {
		t.Errorf("STDP: %v", err)
	}
	m, err := nbhelpers.MatrixFromEdges(400, 300, []int32{0, 0, 399}, []int32{0, 0, 299}, []float64{1, 2, -1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Data[0] != 3 {
		t.Errorf("repeated edges must add: %v", m.Data[0])
	}
	hm, err := nbhelpers.ConnectivityChart("conn", m, nbhelpers.HeatmapOptions{})
	if err != nil {
		t.Fatal(err)
	}
	o := decode(t, hm)
	if len(o.Series) != 1 || o.Series[0].Type != "heatmap" || len(o.Series[0].Data) != 2 {
		t.Errorf("heatmap: %+v", o.Series)
	}
	if len(o.XAxis[0]["data"].([]any)) != 150 || len(o.YAxis[0]["data"].([]any)) != 134 {
		t.Errorf("heatmap blocks: %d × %d labels, want 150 × 134 (blocks of 2 and 3)",
			len(o.XAxis[0]["data"].([]any)), len(o.YAxis[0]["data"].([]any)))
	}
	for _, s := range o.Series {
		if s.Progressv == nil || *s.Progressv != 0 {
			t.Errorf("series %q: progressive rendering not off", s.Name)
		}
	}
}

func TestBadInputIsAnError(t *testing.T) {
	nan := math.NaN()
	tm := []float64{0, 1, 2}
	ok := nbhelpers.Traces{TimeMS: tm, Values: [][]float64{{1, 2, 3}}}
	pop := nbhelpers.Spikes{N: 2, TimesMS: []float64{1, 2}, IDs: []int32{0, 1}}
	call := map[string]func() error{}
	add := func(name string, f func() (*nbhelpers.Chart, error)) {
		call[name] = func() error { _, err := f(); return err }
	}
	type tc struct {
		name string
		want error
	}
	add("membrane empty", func() (*nbhelpers.Chart, error) {
		return nbhelpers.MembraneChart("x", nbhelpers.Traces{}, nbhelpers.MembraneOptions{})
	})
	add("membrane NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.MembraneChart("x", nbhelpers.Traces{TimeMS: tm, Values: [][]float64{{1, nan, 3}}}, nbhelpers.MembraneOptions{})
	})
	add("membrane length", func() (*nbhelpers.Chart, error) {
		return nbhelpers.MembraneChart("x", nbhelpers.Traces{TimeMS: tm, Values: [][]float64{{1, 2}}}, nbhelpers.MembraneOptions{})
	})
	add("membrane unsorted", func() (*nbhelpers.Chart, error) {
		return nbhelpers.MembraneChart("x", nbhelpers.Traces{TimeMS: []float64{0, 2, 1}, Values: [][]float64{{1, 2, 3}}}, nbhelpers.MembraneOptions{})
	})
	add("membrane Inf threshold", func() (*nbhelpers.Chart, error) {
		return nbhelpers.MembraneChart("x", ok, nbhelpers.MembraneOptions{ThresholdMV: []float64{math.Inf(1)}})
	})
	add("membrane labels", func() (*nbhelpers.Chart, error) {
		return nbhelpers.MembraneChart("x", nbhelpers.Traces{TimeMS: tm, Values: ok.Values, Labels: []string{"a", "b"}}, nbhelpers.MembraneOptions{})
	})
	add("traces no rows", func() (*nbhelpers.Chart, error) {
		return nbhelpers.TracesChart("x", nbhelpers.Traces{TimeMS: tm}, nbhelpers.TraceOptions{})
	})
	add("linked none", func() (*nbhelpers.Chart, error) {
		return nbhelpers.LinkedTracesChart("x", nil, nbhelpers.LinkedOptions{})
	})
	add("adaptation none", func() (*nbhelpers.Chart, error) {
		return nbhelpers.AdaptationChart("x", nbhelpers.AdaptationData{TimeMS: tm}, nbhelpers.LinkedOptions{})
	})
	add("raster none", func() (*nbhelpers.Chart, error) { return nbhelpers.RasterChart("x", nil, nbhelpers.RasterOptions{}) })
	add("raster no spikes", func() (*nbhelpers.Chart, error) {
		return nbhelpers.RasterChart("x", []nbhelpers.Spikes{{N: 5}}, nbhelpers.RasterOptions{})
	})
	add("raster length", func() (*nbhelpers.Chart, error) {
		return nbhelpers.RasterChart("x", []nbhelpers.Spikes{{TimesMS: []float64{1}, IDs: nil}}, nbhelpers.RasterOptions{})
	})
	add("raster NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.RasterChart("x", []nbhelpers.Spikes{{TimesMS: []float64{nan}, IDs: []int32{0}}}, nbhelpers.RasterOptions{})
	})
	add("raster id", func() (*nbhelpers.Chart, error) {
		return nbhelpers.RasterChart("x", []nbhelpers.Spikes{{N: 2, TimesMS: []float64{1}, IDs: []int32{2}}}, nbhelpers.RasterOptions{})
	})
	add("psth bin", func() (*nbhelpers.Chart, error) {
		return nbhelpers.PSTHChart("x", []nbhelpers.Spikes{pop}, nbhelpers.PSTHOptions{BinMS: -1})
	})
	add("psth window", func() (*nbhelpers.Chart, error) {
		return nbhelpers.PSTHChart("x", []nbhelpers.Spikes{pop}, nbhelpers.PSTHOptions{StartMS: 5, StopMS: 1})
	})
	add("counts none", func() (*nbhelpers.Chart, error) { return nbhelpers.SpikeCountChart("x", nil, nbhelpers.CountOptions{}) })
	add("isi NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.ISIChart("x", []nbhelpers.Spikes{{TimesMS: []float64{1, nan}, IDs: []int32{0, 0}}}, nbhelpers.HistogramOptions{})
	})
	add("hist empty", func() (*nbhelpers.Chart, error) {
		return nbhelpers.HistogramChart("x", []nbhelpers.Sample{{Label: "a"}}, nbhelpers.HistogramOptions{})
	})
	add("weights NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.WeightHistogramChart("x", []float64{nan}, nil, nbhelpers.HistogramOptions{})
	})
	add("weights range", func() (*nbhelpers.Chart, error) {
		return nbhelpers.WeightHistogramChart("x", []float64{1}, nil, nbhelpers.HistogramOptions{Lo: 1, Hi: 0})
	})
	add("wev NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.WeightEvolutionChart("x", nbhelpers.Traces{TimeMS: tm, Values: [][]float64{{nan, 1, 1}}}, nbhelpers.TraceOptions{})
	})
	add("stdp empty", func() (*nbhelpers.Chart, error) {
		return nbhelpers.STDPWindowChart("x", nbhelpers.STDPWindow{}, nbhelpers.STDPOptions{})
	})
	add("stdp length", func() (*nbhelpers.Chart, error) {
		return nbhelpers.STDPWindowChart("x", nbhelpers.STDPWindow{DeltaTMS: []float64{1}, DeltaW: nil}, nbhelpers.STDPOptions{})
	})
	add("stdp NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.STDPWindowChart("x", nbhelpers.STDPWindow{DeltaTMS: []float64{1}, DeltaW: []float64{nan}}, nbhelpers.STDPOptions{})
	})
	add("fi empty", func() (*nbhelpers.Chart, error) { return nbhelpers.FICurveChart("x", nil, nbhelpers.Layout{}) })
	add("fi length", func() (*nbhelpers.Chart, error) {
		return nbhelpers.FICurveChart("x", []nbhelpers.FICurve{{CurrentPA: []float64{1, 2}, RateHz: []float64{1}}}, nbhelpers.Layout{})
	})
	add("conn empty", func() (*nbhelpers.Chart, error) {
		return nbhelpers.ConnectivityChart("x", nbhelpers.Matrix{}, nbhelpers.HeatmapOptions{})
	})
	add("conn length", func() (*nbhelpers.Chart, error) {
		return nbhelpers.ConnectivityChart("x", nbhelpers.Matrix{Rows: 2, Cols: 2, Data: []float64{1}}, nbhelpers.HeatmapOptions{})
	})
	add("conn NaN", func() (*nbhelpers.Chart, error) {
		return nbhelpers.ConnectivityChart("x", nbhelpers.Matrix{Rows: 1, Cols: 1, Data: []float64{nan}}, nbhelpers.HeatmapOptions{})
	})
	call["display membrane NaN"] = func() error {
		return nbhelpers.DisplayMembrane("x", nbhelpers.Traces{TimeMS: tm, Values: [][]float64{{1, nan, 3}}}, nbhelpers.MembraneOptions{})
	}
	call["display nil"] = func() error { return nbhelpers.Display(nil) }
	call["page none"] = func() error { _, err := nbhelpers.PageHTML("x"); return err }
	call["edges range"] = func() error {
		_, err := nbhelpers.MatrixFromEdges(2, 2, []int32{2}, []int32{0}, []float64{1})
		return err
	}
	call["decimate length"] = func() error { _, _, err := nbhelpers.MinMaxDecimate(tm, nil, 10); return err }
	call["png nil"] = func() error { _, err := nbhelpers.PNG(nil, 0, 0); return err }
	call["traces plot NaN"] = func() error {
		_, err := nbhelpers.TracesPlot(nbhelpers.Traces{TimeMS: tm, Values: [][]float64{{1, nan, 3}}}, nbhelpers.PlotOptions{})
		return err
	}
	call["raster plot empty"] = func() error { _, err := nbhelpers.RasterPlot(nil, 0, nbhelpers.PlotOptions{}); return err }
	call["curves plot length"] = func() error {
		_, err := nbhelpers.CurvesPlot([]nbhelpers.Curve{{X: []float64{1}, Y: nil}}, nbhelpers.PlotOptions{})
		return err
	}
	sentinels := []error{nbhelpers.ErrEmpty, nbhelpers.ErrNonFinite, nbhelpers.ErrLength, nbhelpers.ErrRange}
	for name, f := range call {
		err := f()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		matched := false
		for _, s := range sentinels {
			matched = matched || errors.Is(err, s)
		}
		if !matched || !strings.HasPrefix(err.Error(), "nbhelpers: ") && !strings.Contains(err.Error(), "nbhelpers: ") {
			t.Errorf("%s: %v does not wrap a sentinel", name, err)
		}
	}
	// And the specific sentinel for a few.
	for _, c := range []tc{{"membrane NaN", nbhelpers.ErrNonFinite}, {"membrane length", nbhelpers.ErrLength}, {"raster none", nbhelpers.ErrEmpty}, {"raster id", nbhelpers.ErrRange}} {
		if err := call[c.name](); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

func TestChartIDsAreDeterministic(t *testing.T) {
	tr, _ := lifTraces(1, 50)
	a, _ := nbhelpers.TracesChart("v", tr, nbhelpers.TraceOptions{})
	b, _ := nbhelpers.TracesChart("v", tr, nbhelpers.TraceOptions{})
	c, _ := nbhelpers.TracesChart("w", tr, nbhelpers.TraceOptions{})
	tr.Values[0][3]++
	d, _ := nbhelpers.TracesChart("v", tr, nbhelpers.TraceOptions{})
	if a.ID != b.ID || a.HTML() != b.HTML() {
		t.Errorf("same input, different ids: %s %s", a.ID, b.ID)
	}
	if a.ID == c.ID || a.ID == d.ID || !strings.HasPrefix(a.ID, "nbc-v-") || !strings.HasPrefix(c.ID, "nbc-w-") {
		t.Errorf("ids must differ by name and content: %s %s %s", a.ID, c.ID, d.ID)
	}
	e, _ := nbhelpers.TracesChart(`a b"<c>`, tr, nbhelpers.TraceOptions{})
	if e.Name != "a-b--c-" {
		t.Errorf("name not sanitised: %q", e.Name)
	}
}

func TestHTMLIsSafeAndSelfContained(t *testing.T) {
	tr, _ := lifTraces(1, 50)
	c, err := nbhelpers.TracesChart("x", tr, nbhelpers.TraceOptions{Layout: nbhelpers.Layout{Title: "</script><b>&"}})
	if err != nil {
		t.Fatal(err)
	}
	h := c.HTML()
	if strings.Count(h, "</script") != 1 {
		t.Errorf("title closed the script element:\n%s", h[:300])
	}
	for _, s := range []string{`data-nbchart="x"`, `id="` + c.ID + `"`, "window.echarts", "setInterval", "data-nbchart-drawn"} {
		if !strings.Contains(h, s) {
			t.Errorf("HTML lacks %q", s)
		}
	}
	if strings.Contains(h, "http://") || strings.Contains(h, "https://") {
		t.Errorf("chart HTML references the network")
	}
	page, err := nbhelpers.PageHTML("p", c, c)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(page, "Apache License") < 1 || strings.Count(page, "define, exports, module") != 1 {
		t.Errorf("page must hold the library once, wrapped against AMD")
	}
}

func TestDisplayOutsideNotebookIsNoOp(t *testing.T) {
	tr, _ := lifTraces(1, 50)
	if err := nbhelpers.DisplayTraces("x", tr, nbhelpers.TraceOptions{}); err != nil {
		t.Errorf("valid chart outside a notebook: %v", err)
	}
	nbhelpers.Setup() // must not panic or print
	nbhelpers.DisplayHTML("<b>x</b>")
}
