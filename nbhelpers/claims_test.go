package nbhelpers

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/neuron-sim/neuron/brain"
)

func TestClaimText(t *testing.T) {
	for _, tc := range []struct {
		c    Claim
		want string
	}{
		{NewClaim(true, "rate", "20 Hz ± 5", "%.1f Hz", 21.04), "PASS rate: target 20 Hz ± 5, measured 21.0 Hz"},
		{NewClaim(false, "rate", "20 Hz ± 5", "%.1f Hz", 31.0), "FAIL rate: target 20 Hz ± 5, measured 31.0 Hz"},
		{NewClaim(true, "only text", "", ""), "PASS only text"},
		{NewClaim(true, "m", "", "100%"), "PASS m: measured 100%"}, // no args: not a format
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	if err := NewClaim(true, "x", "", "").Err(); err != nil {
		t.Errorf("true claim: Err() = %v", err)
	}
	if err := NewClaim(false, "x", "y", "z").Err(); !errors.Is(err, ErrClaim) || !strings.Contains(err.Error(), "target y, measured z") {
		t.Errorf("false claim: Err() = %v", err)
	}
	h := NewClaim(false, "a < b & c", "<1", "2").HTML()
	if !strings.Contains(h, "FAIL") || !strings.Contains(h, "a &lt; b &amp; c") || !strings.Contains(h, `data-ok="false"`) {
		t.Errorf("HTML not escaped or lacks the verdict: %s", h)
	}
}

// capture runs f with the claim output captured; it returns the output and the recovered panic.
func capture(f func()) (out string, rec any) {
	var buf bytes.Buffer
	old := stdout
	stdout = &buf
	defer func() {
		stdout = old
		rec = recover()
		out = buf.String()
	}()
	f()
	return
}

func TestCheckOutsideNotebook(t *testing.T) {
	out, rec := capture(func() { Check(true, "holds", "x > 1", "x = %d", 2) })
	if rec != nil || out != "PASS holds: target x > 1, measured x = 2\n" {
		t.Errorf("true claim: output %q, panic %v", out, rec)
	}
	out, rec = capture(func() { Checkf(false, "τ: target %.1f ms, measured %.1f ms", 16.8, 20.0) })
	err, _ := rec.(error)
	if !errors.Is(err, ErrClaim) || !strings.Contains(out, "FAIL τ: target 16.8 ms, measured 20.0 ms") {
		t.Errorf("false claim: output %q, panic %v", out, rec)
	}
}

func TestMust(t *testing.T) {
	if v := Must(3, nil); v != 3 {
		t.Errorf("Must(3, nil) = %v", v)
	}
	a, b := Must2(1, "x", nil)
	if a != 1 || b != "x" {
		t.Errorf("Must2 = %v, %v", a, b)
	}
	bad := fmt.Errorf("brain: Params.C = %v: must be > 0", -1)
	_, rec := capture(func() { Must(0, bad) })
	if rec != bad {
		t.Errorf("Must with an error: panic %v, want %v", rec, bad)
	}
	_, rec = capture(func() { NoError(nil) })
	if rec != nil {
		t.Errorf("NoError(nil) panicked: %v", rec)
	}
	if h := ErrorHTML(errors.New("<x>")); !strings.Contains(h, "ERROR") || !strings.Contains(h, "&lt;x&gt;") {
		t.Errorf("ErrorHTML = %s", h)
	}
}

func TestTable(t *testing.T) {
	tab := Table{Caption: "rates", Head: []string{"cell", "rate (Hz)"}}
	tab.AddRow("pyramidal", "12.5")
	tab.AddRow("a<b", 7)
	tab.AddRow("inh", "−3.0")
	h, err := tab.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<caption", "rates", "rate (Hz)", "a&lt;b",
		`text-align:right">12.5<`, `text-align:right">7<`, `text-align:right">−3.0<`, `text-align:left">pyramidal<`} {
		if !strings.Contains(h, want) {
			t.Errorf("table HTML lacks %q:\n%s", want, h)
		}
	}
	tab.Rows = append(tab.Rows, []string{"short"})
	if _, err := tab.HTML(); !errors.Is(err, ErrLength) || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("ragged row: %v", err)
	}
	if err := DisplayTable(Table{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no columns: %v", err)
	}
}

func TestSpikesFromTrainsAndRecorder(t *testing.T) {
	trains := [][]float64{{1, 5, 9}, {}, {2, 10}}
	s := SpikesFromTrains("exc", trains, 2, 10)
	if s.N != 3 || fmt.Sprint(s.TimesMS) != "[5 9 2]" || fmt.Sprint(s.IDs) != "[0 0 2]" {
		t.Errorf("SpikesFromTrains: %+v", s)
	}
	all := SpikesFromTrains("exc", trains, AllTime[0], AllTime[1])
	if len(all.TimesMS) != 5 {
		t.Errorf("all time: %d spikes, want 5", len(all.TimesMS))
	}

	r, err := brain.NewSpikeRecorder(4, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	r.Record(9, []int32{1, 3})  // t = 1.0 ms
	r.Record(19, []int32{1})    // t = 2.0 ms
	r.Record(99, []int32{0, 2}) // t = 10.0 ms
	got := SpikesFromRecorder("inh", r, 0, 5)
	if got.N != 4 || got.Label != "inh" || len(got.TimesMS) != 3 || fmt.Sprint(got.IDs) != "[1 3 1]" {
		t.Errorf("SpikesFromRecorder: %+v", got)
	}
	// The same spikes as the recorder's own per-neuron view.
	via := SpikesFromTrains("inh", r.AllTimes(), 0, 5)
	if len(via.TimesMS) != len(got.TimesMS) {
		t.Errorf("recorder vs trains: %d vs %d spikes", len(got.TimesMS), len(via.TimesMS))
	}
	for k := range got.TimesMS {
		if math.Abs(got.TimesMS[k]-[]float64{1, 1, 2}[k]) > 1e-12 {
			t.Errorf("spike %d at %v ms", k, got.TimesMS[k])
		}
	}
	if e := SpikesFromRecorder("x", nil, 0, 1); e.Label != "x" || len(e.TimesMS) != 0 {
		t.Errorf("nil recorder: %+v", e)
	}
}

func TestSpikesShiftFold(t *testing.T) {
	s := Spikes{Label: "e", N: 2, TimesMS: []float64{5, 205, 410, 650}, IDs: []int32{0, 1, 1, 0}}
	if sh := s.Shift(-5); fmt.Sprint(sh.TimesMS) != "[0 200 405 645]" || fmt.Sprint(s.TimesMS) != "[5 205 410 650]" {
		t.Errorf("Shift: %v (original %v)", sh.TimesMS, s.TimesMS)
	}
	f, err := s.Fold(200, 3)
	if err != nil {
		t.Fatal(err)
	}
	// 650 ms is in period 3, outside the 3 periods asked for.
	if f.N != 6 || fmt.Sprint(f.TimesMS) != "[5 5 10]" || fmt.Sprint(f.IDs) != "[0 3 5]" {
		t.Errorf("Fold: %+v", f)
	}
	if _, err := s.Fold(0, 3); !errors.Is(err, ErrRange) {
		t.Errorf("Fold(0): %v", err)
	}
	if _, err := (Spikes{}).Fold(10, 3); !errors.Is(err, ErrRange) {
		t.Errorf("Fold with N = 0: %v", err)
	}
}

func TestProgressStopSaysSo(t *testing.T) {
	var buf bytes.Buffer
	p := NewTerminalProgress(&buf, "net")
	p.Update(420, 1000)
	p.Stop()
	p.Update(900, 1000) // ignored after Stop
	p.Done()            // ignored after Stop
	out := buf.String()
	if !strings.Contains(out, "stopped at 42% (420 / 1000 ms)") || !strings.Contains(out, "interrupted") || strings.Contains(out, "done:") {
		t.Errorf("terminal output after Stop:\n%s", out)
	}
	h := StoppedProgressHTML("net", 420, 1000, time.Second)
	if !strings.Contains(h, "#c23531") || !strings.Contains(h, "stopped at 42%") || !strings.Contains(h, "width:42.0%") {
		t.Errorf("stopped HTML: %s", h)
	}
	if d := ProgressHTML("net", 1000, 1000, time.Second, true); strings.Contains(d, "stopped") || !strings.Contains(d, "#3ba272") {
		t.Errorf("done HTML: %s", d)
	}
}

// Charts leave the plain mouse wheel to the page (zoom needs Ctrl), thin lines in the browser
// (LTTB) and format axis tooltips with panel names and rounded values.
func TestChartReadingOptions(t *testing.T) {
	tr := Traces{TimeMS: []float64{0, 1, 2}, Values: [][]float64{{-70, -65.123456, -60}}, Labels: []string{"pyr"}}
	c, err := LinkedTracesChart("lk", []Panel{{YName: "V (mV)", Traces: tr, SpikeTimesMS: [][]float64{{1}}}}, LinkedOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h := c.HTML()
	for _, want := range []string{`"zoomOnMouseWheel":"ctrl"`, `"moveOnMouseWheel":false`, `"sampling":"lttb"`,
		"option.tooltip.formatter = axisTooltip", "toPrecision(4)"} {
		if !strings.Contains(h, want) {
			t.Errorf("chart HTML lacks %s", want)
		}
	}
	// The spike-stroke series (NaN-separated) must not be thinned.
	if n := strings.Count(c.Option, `"sampling":"lttb"`); n != 1 {
		t.Errorf("%d series with LTTB sampling, want 1 (the trace, not its spike strokes)", n)
	}
}
