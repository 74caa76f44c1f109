package nbhelpers

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Chart is one built chart: an ECharts option plus the element that shows it. Builders return
// it; [Chart.HTML] renders it, [Display] shows it in GoNB and [WriteHTMLFile] writes it into
// a standalone page.
type Chart struct {
	// Name is the caller's name for the chart, restricted to letters, digits, '-' and '_'.
	Name string
	// Kind is the builder that made the chart: "membrane", "raster", "psth", ...
	Kind string
	// ID is the DOM id of the chart's <div>: "nbc-" + Name + "-" + the first 12 hex digits
	// of a SHA-256 over kind, name, size and option. Deterministic: the same call gives the
	// same id in every process (GoNB runs each cell as a new process; see docs/notebooks.md).
	ID string
	// Option is the ECharts option as JSON (valid JSON: no JavaScript functions), built with
	// go-echarts. Tests can decode it to check series and data sizes.
	Option string
	// Width and Height are the CSS size of the chart element.
	Width, Height string
	// Summary says what the chart shows when data was downsampled, with exact counts
	// ("1000000 spikes of 10000 neurons; showing all 9874 spikes of 100 neurons ..."). It
	// also appears in the chart's subtitle. Empty when everything was drawn.
	Summary string
}

// Layout holds the options every chart shares. The zero value gives the defaults.
type Layout struct {
	// Title of the chart; default: one per chart kind ("Membrane potential", ...). It may
	// hold "\n" for more lines.
	Title string
	// Subtitle is shown under the title, line by line ("\n" separates lines), before the
	// builder's own notes (exact counts, downsampling), which follow on lines of their own.
	// The plot area starts below the last line.
	Subtitle string
	// Width is the CSS width of the chart element; default "100%".
	Width string
	// Height is the CSS height of the chart element; default "420px" (stacked panels: the
	// height that gives every panel 160 px). Stacked panels share a height given in px.
	Height string
	// XName and YName name the x and y axes of any builder (with the unit, e.g.
	// "I / rheobase", "rate (spikes/s)"); empty keeps the builder's default. Where a builder's
	// options have their own XName or YName field (TraceOptions, HistogramOptions, ...), that
	// field wins when both are set. Stacked panels take YName for panels without their own.
	XName, YName string
	// Colors replaces the default colour cycle (CSS colours): the i-th population, sample,
	// curve or trace (in stacked panels: the i-th distinct trace label) is drawn in
	// Colors[i % len(Colors)]. Empty entries keep the default colour.
	Colors []string
}

func (l Layout) withDefaults(title, height string) Layout {
	if l.Title == "" {
		l.Title = title
	}
	if l.Width == "" {
		l.Width = "100%"
	}
	if l.Height == "" {
		l.Height = height
	}
	return l
}

// color is the colour of the i-th series: Colors[i] if set, else the default cycle.
func (l Layout) color(i int) string {
	if len(l.Colors) > 0 {
		if c := l.Colors[i%len(l.Colors)]; c != "" {
			return c
		}
	}
	return colorOf(i)
}

// pickName returns the first non-empty name: the builder's own option, then Layout's, then
// the builder's default.
func pickName(names ...string) string {
	for _, n := range names {
		if n != "" {
			return n
		}
	}
	return ""
}

// The title block, in px. The fonts are ECharts' defaults (title 18 px bold, subtitle 12 px);
// the line heights are declared in the option so that the layout computed here is the one
// drawn. ECharts pads the title component by titlePad and puts titleGap between title and
// subtitle.
const (
	titleTop      = 4
	titlePad      = 5
	titleFont     = 18
	titleLine     = 24
	titleGap      = 10
	subtitleFont  = 12
	subtitleLine  = 16
	legendHeight  = 24 // one row: 14 px items plus 5 px padding above and below
	legendGap     = 4  // between the title block and the legend
	gridGap       = 10 // between the legend (or the title block) and the plot's top
	maxNoteLength = 90 // longer notes break at "; " into lines of their own
)

// header is the computed layout of the title block: the subtitle text and where the legend
// and the plot area start (px from the top of the chart).
type header struct {
	subtitle  string
	bottom    int // where the title block ends
	legendTop int
	gridTop   int
}

// header lays out title, subtitle and notes so that nothing overlaps: the caller's subtitle
// lines come first, then each note (the builder's summary) on lines of its own; the legend
// (if shown) starts under the last line and the plot area under the legend.
func (l Layout) header(legend bool, notes ...string) header {
	var lines []string
	if l.Subtitle != "" {
		lines = append(lines, strings.Split(l.Subtitle, "\n")...)
	}
	for _, n := range notes {
		if n == "" {
			continue
		}
		for _, ln := range strings.Split(n, "\n") {
			if len([]rune(ln)) > maxNoteLength {
				lines = append(lines, strings.Split(ln, "; ")...)
			} else {
				lines = append(lines, ln)
			}
		}
	}
	h := header{subtitle: strings.Join(lines, "\n"), bottom: titleTop + titlePad}
	if l.Title != "" {
		h.bottom += titleLine * (1 + strings.Count(l.Title, "\n"))
	}
	if len(lines) > 0 {
		h.bottom += titleGap + subtitleLine*len(lines)
	}
	h.legendTop = h.bottom + legendGap
	h.gridTop = h.bottom + gridGap
	if legend {
		h.gridTop = h.legendTop + legendHeight + gridGap
	}
	return h
}

// sanitizeName keeps [A-Za-z0-9_-] and maps everything else to '-', so the name is safe in
// an HTML id, a CSS selector and an attribute. Empty names become def.
func sanitizeName(name, def string) string {
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 48 {
			break
		}
	}
	if b.Len() == 0 {
		return def
	}
	return b.String()
}

// renderable is what every go-echarts rectangular chart provides.
type renderable interface {
	Validate()
	JSON() map[string]interface{}
}

// finish turns a configured go-echarts chart into a Chart. It recovers any panic inside
// go-echarts into an error wrapping ErrRender.
//
// patch entries replace top-level option keys after go-echarts built the option; they cover
// the few settings go-echarts v2.6.7 cannot express (slider position, linked axis pointers).
func finish(kind, name string, lay Layout, c renderable, summary string, patch map[string]any) (ch *Chart, err error) {
	defer func() {
		if r := recover(); r != nil {
			ch, err = nil, errf(ErrRender, "%s chart %q: go-echarts panicked: %v", kind, name, r)
		}
	}()
	c.Validate()
	// encoding/json with HTML escaping on: '<', '>' and '&' in titles and labels become
	// \u003c..., so nothing in the option can close the <script> element it is written into.
	obj := c.JSON()
	if ms, ok := obj["series"].(charts.MultiSeries); ok {
		obj["series"] = noProgressive(ms)
	}
	for k, v := range patch {
		obj[k] = v
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return nil, errf(ErrRender, "%s chart %q: %v", kind, name, err)
	}
	name = sanitizeName(name, kind)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", kind, name, lay.Width, lay.Height)
	h.Write(b)
	return &Chart{
		Name:    name,
		Kind:    kind,
		ID:      "nbc-" + name + "-" + hex.EncodeToString(h.Sum(nil))[:12],
		Option:  string(b),
		Width:   lay.Width,
		Height:  lay.Height,
		Summary: summary,
	}, nil
}

// seriesOpt adds what go-echarts' SingleSeries lacks.
type seriesOpt struct {
	charts.SingleSeries
	// Progressive is the number of items drawn per animation frame; 0 draws everything in
	// one frame. Progressive rendering stalls headless Chromium under a virtual time budget
	// (heatmaps never finish), and the data here is already bounded in Go.
	Progressive int `json:"progressive"`
	// Sampling "lttb" lets ECharts thin a line to the pixels it covers (largest-triangle-
	// three-buckets) at the current zoom: all the points sent are drawn once zoomed in.
	Sampling string `json:"sampling,omitempty"`
}

func noProgressive(ms charts.MultiSeries) []seriesOpt {
	out := make([]seriesOpt, len(ms))
	for i, s := range ms {
		out[i] = seriesOpt{SingleSeries: s}
		// Spike strokes (connectNulls false: NaN-separated segments) must keep every point.
		if s.Type == "line" && s.ConnectNulls == nil {
			out[i].Sampling = "lttb"
		}
	}
	return out
}

// drawScript draws the chart into the first element with its id that is not drawn yet, as
// soon as window.echarts and that element exist (frontends may run output scripts before the
// output is attached to the page). After 10 s without the library it says so in the element.
const drawScript = `(function () {
  var id = %q, option = %s;
  function target() {
    var els = document.querySelectorAll('[id="' + id + '"]');
    for (var i = 0; i < els.length; i++) {
      if (!els[i].hasAttribute("data-nbchart-drawn")) { return els[i]; }
    }
    return null;
  }
  // Tooltip rows name the panel (its y axis, with unit) and the series, with values rounded
  // to 4 significant digits; spike strokes (connectNulls: false) are left out.
  function esc(t) { return String(t).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
  function num(v) {
    if (typeof v !== "number" || !isFinite(v)) { return "–"; }
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) { return v.toExponential(3); }
    return String(parseFloat(v.toPrecision(4)));
  }
  function axisName(list, i) {
    list = Array.isArray(list) ? list : [list || {}];
    return (list[i || 0] || list[0] || {}).name || "";
  }
  function anyAxisName(list) { // stacked panels name only the bottom time axis
    list = Array.isArray(list) ? list : [list || {}];
    for (var k = 0; k < list.length; k++) { if (list[k] && list[k].name) { return list[k].name; } }
    return "x";
  }
  function axisTooltip(params) {
    if (!Array.isArray(params)) { params = [params]; }
    var head = null, rows = [];
    params.forEach(function (p) {
      var s = option.series[p.seriesIndex] || {};
      if (s.connectNulls === false) { return; }
      var v = p.value, x = Array.isArray(v) ? v[0] : p.axisValue, y = Array.isArray(v) ? v[v.length - 1] : v;
      if (head === null) {
        var xs = typeof x === "number" ? num(x) : String(p.axisValueLabel || x);
        head = (axisName(option.xAxis, s.xAxisIndex) || anyAxisName(option.xAxis)) + " = " + xs;
      }
      var panel = axisName(option.yAxis, s.yAxisIndex);
      rows.push(p.marker + (panel ? '<span style="color:#666">' + esc(panel) + "</span> · " : "") +
        esc(p.seriesName) + ": <b>" + num(y) + "</b>");
    });
    return (head === null ? "" : esc(head) + "<br>") + rows.join("<br>");
  }
  function tryDraw() {
    if (typeof window.echarts === "undefined") { return false; }
    var el = target();
    if (el === null) { return false; }
    el.setAttribute("data-nbchart-drawn", "1");
    if (option.tooltip && !Array.isArray(option.tooltip) && option.tooltip.trigger === "axis") {
      option.tooltip.formatter = axisTooltip;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    if (typeof window.ResizeObserver !== "undefined") {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
    return true;
  }
  if (tryDraw()) { return; }
  var n = 0, timer = setInterval(function () {
    if (tryDraw()) { clearInterval(timer); return; }
    if (++n >= 200) {
      clearInterval(timer);
      var el = target();
      if (el !== null && typeof window.echarts === "undefined") {
        el.textContent = "ECharts library not loaded: run nbhelpers.Setup() in an earlier cell (and trust the notebook).";
      }
    }
  }, 50);
})();`

// HTML returns the chart as a self-contained HTML fragment: a <div data-nbchart=NAME> and the
// script that draws into it once the ECharts library from [Setup] (or [PageHTML]) is present.
func (c *Chart) HTML() string {
	return fmt.Sprintf("<div class=\"nbchart\" id=\"%s\" data-nbchart=\"%s\" style=\"width:%s;height:%s;\"></div>\n"+
		"<script type=\"text/javascript\">\n%s\n</script>\n",
		c.ID, c.Name, html.EscapeString(c.Width), html.EscapeString(c.Height),
		escapeScriptClose(fmt.Sprintf(drawScript, c.ID, c.Option)))
}

// escapeScriptClose makes s safe inside a <script> element. The option JSON already escapes
// '<'; this is a second guard for hand-written script text.
func escapeScriptClose(s string) string {
	return strings.ReplaceAll(s, "</script", `<\/script`)
}

// ---- common go-echarts configuration -----------------------------------------------------

// palette is ECharts' default colour cycle (also go-echarts' default), used to colour
// populations consistently across charts.
var palette = []string{
	"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de",
	"#3ba272", "#fc8452", "#9a60b4", "#ea7ccc",
}

func colorOf(i int) string { return palette[i%len(palette)] }

// rectOpts are the global options shared by every chart on x/y axes: title with subtitle,
// tooltip, scrollable legend, toolbox (PNG, reset), x zoom (Ctrl + wheel, slider) and a grid that leaves room
// for all of them (see [Layout.header]). The toolbox stands upright in the right margin at the
// top of the plot, away from the title, which may be as long as the chart is wide.
func rectOpts(lay Layout, hd header, tooltipTrigger string, legend bool) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithTitleOpts(opts.Title{
			Title: lay.Title, Subtitle: hd.subtitle, Left: "10", Top: fmt.Sprint(titleTop),
			TitleStyle:    &opts.TextStyle{FontSize: titleFont, LineHeight: titleLine},
			SubtitleStyle: &opts.TextStyle{FontSize: subtitleFont, LineHeight: subtitleLine},
		}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: tooltipTrigger}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Type: "scroll", Top: fmt.Sprint(hd.legendTop), Left: "center"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Orient: "vertical", Right: "4", Top: fmt.Sprint(hd.gridTop),
			Feature: &opts.ToolBoxFeature{
				SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "save PNG"},
				Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true), Title: "reset"},
			}}),
		charts.WithGridOpts(opts.Grid{Top: fmt.Sprint(hd.gridTop), Bottom: "72", Left: "70", Right: "40"}),
		charts.WithAnimation(false),
	}
}

// insideZoom is an "inside" dataZoom that zooms on Ctrl + wheel (or a pinch) and pans by
// dragging, but leaves the plain mouse wheel to the page, so a reader scrolling through a
// notebook is never caught by a chart.
func insideZoom(axis string, index any) map[string]any {
	return map[string]any{"type": "inside", axis: index, "filterMode": "none",
		"zoomOnMouseWheel": "ctrl", "moveOnMouseWheel": false, "moveOnMouseMove": true,
		"preventDefaultMouseMove": false}
}

// xZoom is the dataZoom option: Ctrl + wheel and drag zoom plus a slider, on every x axis at
// once (which links stacked panels). filterMode "none" keeps lines continuous at the edges.
func xZoom() []map[string]any {
	return []map[string]any{
		insideZoom("xAxisIndex", "all"),
		{"type": "slider", "xAxisIndex": "all", "filterMode": "none", "bottom": 8, "height": 18},
	}
}

func valueXAxis(name string, gridIndex int) opts.XAxis {
	return opts.XAxis{
		Type: "value", Name: name, NameLocation: "middle", NameGap: 26, GridIndex: gridIndex,
		Scale: opts.Bool(true), AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)},
		SplitLine: &opts.SplitLine{Show: opts.Bool(false)},
		AxisLine:  &opts.AxisLine{OnZero: opts.Bool(false)},
	}
}

func categoryXAxis(name string, labels []string, gridIndex int) opts.XAxis {
	return opts.XAxis{
		Type: "category", Name: name, NameLocation: "middle", NameGap: 26, GridIndex: gridIndex,
		Data: labels, AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)},
	}
}

func valueYAxis(name string, gridIndex int, scale bool) opts.YAxis {
	return opts.YAxis{
		Type: "value", Name: name, NameLocation: "middle", NameGap: 50, GridIndex: gridIndex,
		Scale: opts.Bool(scale), AxisLabel: &opts.AxisLabel{Show: opts.Bool(true)},
	}
}

// lineSeries is a line without symbols (fast for thousands of points) on the given axes.
func lineSeries(name string, d xyData, color string, xi, yi int) charts.SingleSeries {
	return charts.SingleSeries{
		Name: name, Type: "line", Data: d, XAxisIndex: xi, YAxisIndex: yi,
		ShowSymbol: opts.Bool(false), Symbol: "none", Color: color,
		LineStyle: &opts.LineStyle{Width: 1.2},
		Animation: opts.Bool(false),
	}
}
