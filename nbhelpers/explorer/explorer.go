// Package explorer shows the explorers of package brain/explore in notebooks and pages: a
// single cell under a current step and Brunel's network at a chosen (g, η), each a chart
// with controls that re-run the simulation and redraw the chart in place.
//
// Two ways to drive them, one simulation (brain/explore):
//
//   - Offline: [CellHTML] and [NetworkHTML] build HTML controls whose changes re-run the
//     simulation in the page, in WebAssembly. [Setup] compiles cmd/explorer-wasm (the
//     brain/explore code for GOOS=js GOARCH=wasm) and puts it on the page once,
//     gzip-compressed; the exported HTML report then stays interactive with no kernel and no
//     network.
//   - Live: [Cell] and [Network] in a notebook open in Jupyter use GoNB's widgets (select,
//     sliders, a stop button); each change re-runs the simulation in the kernel, natively,
//     and redraws the chart. When no live page answers (a headless run, an nbconvert
//     export), they show the offline explorer instead.
//
// The chart of an explorer is an nbhelpers chart (same library, same draw script); the page
// keeps one render function per explorer, window.neuronExplorers[id].render(result), which
// both ways call with the JSON of a brain/explore result.
package explorer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/neuron-sim/neuron/brain/explore"
	"github.com/neuron-sim/neuron/brain/models"
	"github.com/neuron-sim/neuron/nbhelpers"
)

// control is one numeric parameter with its range; key is the JSON field of the parameters.
type control struct {
	key, label, unit string
	min, max, step   float64
}

// The controls of the two explorers. Ranges cover every preset's rheobase (6 pA for the
// granule cell to 3.6 nA for the motoneuron) and Brunel's phase diagram (Fig. 2: g 0–8,
// η 0–4).
var (
	cellControls = []control{
		{"current", "soma (proximal)", "pA", -500, 6000, 10},
		{"distal", "dendrite (distal)", "pA", -500, 6000, 10},
		{"adaptation", "adaptation", "× preset", 0, 3, 0.1},
	}
	netControls = []control{
		{"g", "g (inhibition/excitation)", "", 0, 8, 0.1},
		{"eta", "η (external drive)", "× threshold rate", 0, 4, 0.05},
	}
)

func (c control) value(params map[string]any) float64 {
	v, _ := params[c.key].(float64)
	return v
}

// steps is the number of slider positions above min (GoNB sliders are integers).
func (c control) steps() int { return int(math.Round((c.max - c.min) / c.step)) }

// position is the slider position of value v, clamped to the range.
func (c control) position(v float64) int {
	return min(max(int(math.Round((v-c.min)/c.step)), 0), c.steps())
}

// at is the value of slider position k, rounded to the step's decimals.
func (c control) at(k int) float64 {
	return math.Round((c.min+float64(k)*c.step)*1e6) / 1e6
}

// asMap turns parameters into their JSON object (the contract with the page and the wasm).
func asMap(p any) (map[string]any, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("explorer: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("explorer: %w", err)
	}
	return m, nil
}

func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("explorer: %w", err)
	}
	return string(b), nil
}

// chartFor builds the explorer's chart: axes, titles and empty series, which the page's
// render function fills from a result. The id hashes kind, parameters and the caller's name,
// so two explorers on one page get different ids and the same call the same id.
func chartFor(kind, name, paramsJSON string) (*nbhelpers.Chart, error) {
	zoom := []map[string]any{
		{"type": "inside", "xAxisIndex": "all", "filterMode": "none", "zoomOnMouseWheel": "ctrl", "moveOnMouseWheel": false},
		{"type": "slider", "xAxisIndex": "all", "filterMode": "none", "bottom": 8, "height": 18},
	}
	title := map[string]any{"left": 10, "top": 6, "textStyle": map[string]any{"fontSize": 16}, "subtextStyle": map[string]any{"fontSize": 12}}
	var opt map[string]any
	height := "420px"
	switch kind {
	case "cell":
		title["text"] = "Membrane potential (soma)"
		opt = map[string]any{
			"animation": false, "title": title, "dataZoom": zoom,
			"tooltip": map[string]any{"trigger": "axis"},
			"grid":    map[string]any{"top": 70, "bottom": 72, "left": 70, "right": 30},
			"xAxis":   map[string]any{"type": "value", "name": "time (ms)", "nameLocation": "middle", "nameGap": 26, "splitLine": map[string]any{"show": false}},
			"yAxis":   map[string]any{"type": "value", "name": "V (mV)", "nameLocation": "middle", "nameGap": 45, "scale": true},
			"series": []map[string]any{
				{"name": "V soma (mV)", "type": "line", "showSymbol": false, "symbol": "none", "lineStyle": map[string]any{"width": 1.2}, "color": "#5470c6", "data": []any{}},
				{"name": "spike", "type": "scatter", "symbol": "rect", "symbolSize": []int{2, 12}, "color": "#ee6666", "data": []any{}},
			},
		}
	case "network":
		title["text"] = "Brunel network: raster (first excitatory cells) and excitatory rate"
		height = "520px"
		opt = map[string]any{
			"animation": false, "title": title, "dataZoom": zoom,
			"tooltip": map[string]any{"trigger": "item"},
			"grid": []map[string]any{
				{"top": 70, "height": 230, "left": 70, "right": 30},
				{"top": 345, "bottom": 72, "left": 70, "right": 30},
			},
			"xAxis": []map[string]any{
				{"type": "value", "gridIndex": 0, "axisLabel": map[string]any{"show": false}, "splitLine": map[string]any{"show": false}},
				{"type": "value", "gridIndex": 1, "name": "time (ms)", "nameLocation": "middle", "nameGap": 26, "splitLine": map[string]any{"show": false}},
			},
			"yAxis": []map[string]any{
				{"type": "value", "gridIndex": 0, "name": "cell", "nameLocation": "middle", "nameGap": 45, "min": 0},
				{"type": "value", "gridIndex": 1, "name": "rate (spikes/s)", "nameLocation": "middle", "nameGap": 45},
			},
			"series": []map[string]any{
				{"name": "spike (ms, cell)", "type": "scatter", "xAxisIndex": 0, "yAxisIndex": 0, "symbolSize": 2, "color": "#5470c6", "large": true, "data": []any{}},
				{"name": "E rate (spikes/s)", "type": "line", "xAxisIndex": 1, "yAxisIndex": 1, "showSymbol": false, "symbol": "none", "step": "start", "lineStyle": map[string]any{"width": 1}, "color": "#ee6666", "data": []any{}},
			},
		}
	default:
		return nil, fmt.Errorf("explorer: kind %q", kind)
	}
	b, err := json.Marshal(opt)
	if err != nil {
		return nil, fmt.Errorf("explorer: %w", err)
	}
	h := sha256.Sum256([]byte(kind + "\x00" + name + "\x00" + paramsJSON + "\x00" + string(b)))
	id := "nbc-" + name + "-" + hex.EncodeToString(h[:])[:12]
	return &nbhelpers.Chart{Name: name, Kind: "explorer-" + kind, ID: id, Option: string(b), Width: "100%", Height: height}, nil
}

// explorerHTML is the shared body of both explorers: controls (unless live), a status line
// that tests read (data-spikes, data-state), the chart, and the script that renders results
// and re-runs the simulation in WebAssembly on every change.
// Modes of an explorer's HTML.
const (
	modeOffline = iota // HTML controls, WebAssembly re-runs
	modeLive           // controls added by GoNB widgets, kernel re-runs
	modeStatic         // no controls: a chart of one result
)

func explorerHTML(kind, name string, params any, initial any, selects string, ctrls []control, mode int) (string, error) {
	pj, err := jsonString(params)
	if err != nil {
		return "", err
	}
	rj, err := jsonString(initial)
	if err != nil {
		return "", err
	}
	m, err := asMap(params)
	if err != nil {
		return "", err
	}
	ch, err := chartFor(kind, name, pj)
	if err != nil {
		return "", err
	}
	root := "nx-" + strings.TrimPrefix(ch.ID, "nbc-")
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="neuron-explorer" id="%s" data-explorer="%s" data-base="%s" style="font:13px sans-serif">`+"\n",
		root, kind, html.EscapeString(pj))
	fmt.Fprintf(&b, `<div class="nx-controls" id="%s-controls" style="display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:4px 0">`, root)
	if mode == modeOffline {
		b.WriteString(selects)
		for _, c := range ctrls {
			v := c.value(m)
			fmt.Fprintf(&b, `<label>%s <input type="range" data-param="%s" min="%g" max="%g" step="%g" value="%g" style="vertical-align:middle"> <output>%g</output> %s</label>`,
				html.EscapeString(c.label), c.key, c.min, c.max, c.step, v, v, html.EscapeString(c.unit))
		}
	}
	b.WriteString("</div>\n")
	note := map[int]string{
		modeOffline: "offline: each change re-runs the simulation in this page (WebAssembly)",
		modeLive:    "live: each change re-runs the simulation in the kernel",
		modeStatic:  "",
	}[mode]
	fmt.Fprintf(&b, `<div class="nx-status" data-state="init" data-spikes="" style="color:#444;margin:2px 0">%s</div>`+"\n", html.EscapeString(note))
	b.WriteString(ch.HTML())
	b.WriteString("</div>\n<script type=\"text/javascript\">\n")
	b.WriteString(escapeScriptClose(fmt.Sprintf(glueJS, root, kind, ch.ID, rj)))
	b.WriteString("\n</script>\n")
	return b.String(), nil
}

// CellHTML returns the offline single-cell explorer starting at p: a cell-type select,
// sliders for the somatic and dendritic current and the adaptation, and the membrane chart,
// drawn from a native run of p. Changes re-run explore.RunCell in WebAssembly ([Setup] must
// have put the module on the page).
func CellHTML(name string, p explore.CellParams) (string, error) {
	return cellHTML(name, p, modeOffline)
}

// CellReport returns the chart of one single-cell run with its summary line, no controls.
func CellReport(name string, p explore.CellParams) (string, error) {
	return cellHTML(name, p, modeStatic)
}

func cellHTML(name string, p explore.CellParams, mode int) (string, error) {
	res, err := explore.RunCell(p)
	if err != nil {
		return "", err
	}
	var sel strings.Builder
	sel.WriteString(`<label>cell type <select data-param="type">`)
	for _, t := range explore.CellTypes {
		s := ""
		if t == strings.ToLower(p.Type) {
			s = " selected"
		}
		fmt.Fprintf(&sel, `<option value="%s"%s>%s</option>`, t, s, t)
	}
	sel.WriteString(`</select></label>`)
	return explorerHTML("cell", name, res.Params, res, sel.String(), cellControls, mode)
}

// NetworkHTML returns the offline network explorer starting at p: a select of Brunel's four
// example states (which sets g and η), sliders for g and η, and a raster with the population
// rate, drawn from a native run of p. Changes re-run explore.RunNet in WebAssembly.
func NetworkHTML(name string, p explore.NetParams) (string, error) {
	return networkHTML(name, p, modeOffline)
}

// NetworkReport returns the chart of one network run with its summary line, no controls.
func NetworkReport(name string, p explore.NetParams) (string, error) {
	return networkHTML(name, p, modeStatic)
}

func networkHTML(name string, p explore.NetParams, mode int) (string, error) {
	res, err := explore.RunNet(p)
	if err != nil {
		return "", err
	}
	var sel strings.Builder
	sel.WriteString(`<label>Brunel state <select data-preset="1"><option value="">(custom)</option>`)
	for _, s := range explore.BrunelStates {
		bp, err := models.BrunelPoint(s, p.NE)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&sel, `<option value="%s" data-g="%g" data-eta="%g">%s (g=%g, η=%g)</option>`, s, bp.G, bp.Eta, s, bp.G, bp.Eta)
	}
	sel.WriteString(`</select></label>`)
	return explorerHTML("network", name, res.Params, res, sel.String(), netControls, mode)
}

// glueJS: %[1]q root id, %[2]q kind, %[3]q chart id, %[4]s initial result JSON.
const glueJS = `(function () {
  var rootId = %[1]q, kind = %[2]q, chartId = %[3]q, initial = %[4]s;
  var root = document.getElementById(rootId);
  if (!root) { return; }
  var status = root.querySelector(".nx-status"), pending = initial, seq = 0;
  var api = {last: null};
  function instance() {
    var el = document.getElementById(chartId);
    return (el && window.echarts) ? window.echarts.getInstanceByDom(el) : null;
  }
  function series(r) {
    if (kind === "cell") {
      var v = new Array(r.t.length), top = -1e9;
      for (var i = 0; i < r.t.length; i++) { v[i] = [r.t[i], r.v[i]]; if (r.v[i] > top) { top = r.v[i]; } }
      var s = new Array(r.spikeTimes.length);
      for (var k = 0; k < s.length; k++) { s[k] = [r.spikeTimes[k], top + 4]; }
      return [{data: v}, {data: s}];
    }
    var d = new Array(r.rasterT.length);
    for (var j = 0; j < d.length; j++) { d[j] = [r.rasterT[j], r.rasterN[j]]; }
    var q = new Array(r.rateT.length);
    for (var m = 0; m < q.length; m++) { q[m] = [r.rateT[m], r.rate[m]]; }
    return [{data: d}, {data: q}];
  }
  function render(r) {
    var c = instance();
    if (!c) { pending = r; return false; }
    pending = null;
    api.last = r;
    c.setOption({title: {subtext: r.summary}, series: series(r)});
    status.textContent = r.summary;
    status.setAttribute("data-spikes", String(r.spikes));
    status.setAttribute("data-params", JSON.stringify(r.params));
    status.setAttribute("data-state", "done");
    root.setAttribute("data-renders", String(Number(root.getAttribute("data-renders") || 0) + 1));
    return true;
  }
  (function wait(n) {
    if (pending === null) { return; }
    if (render(pending)) { return; }
    if (n < 400) { setTimeout(function () { wait(n + 1); }, 50); }
  })(0);
  function params() {
    var p = JSON.parse(root.getAttribute("data-base"));
    var els = root.querySelectorAll("[data-param]");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      p[el.getAttribute("data-param")] = el.tagName === "SELECT" ? el.value : parseFloat(el.value);
    }
    return p;
  }
  function fail(msg) { status.textContent = msg; status.setAttribute("data-state", "error"); }
  function rerun() {
    var my = ++seq, p = params();
    status.setAttribute("data-state", "running");
    status.textContent = "simulating " + JSON.stringify(p) + " …";
    if (!window.neuronWasm) { fail("offline simulation not loaded: call explorer.Setup() in an earlier cell"); return; }
    window.neuronWasm.then(function (run) {
      run(kind, JSON.stringify(p), function (err, out) {
        if (my !== seq) { return; }
        if (err) { fail(err); return; }
        render(JSON.parse(out));
      });
    }, function (e) { fail("offline simulation failed to load: " + e); });
  }
  var els = root.querySelectorAll("[data-param]");
  for (var i = 0; i < els.length; i++) {
    (function (el) {
      el.addEventListener("input", function () {
        var o = el.parentNode.querySelector("output");
        if (o) { o.textContent = el.value; }
      });
      el.addEventListener("change", function () {
        var pre = root.querySelector("[data-preset]");
        if (pre && el.getAttribute("data-param") !== null) { pre.value = ""; }
        rerun();
      });
    })(els[i]);
  }
  api.render = render;
  api.rerun = rerun;
  api.params = params;
  var preset = root.querySelector("[data-preset]");
  if (preset) {
    preset.addEventListener("change", function () {
      var o = preset.options[preset.selectedIndex];
      if (!o.value) { return; }
      var set = {g: o.getAttribute("data-g"), eta: o.getAttribute("data-eta")};
      for (var key in set) {
        var el = root.querySelector('[data-param="' + key + '"]');
        if (el) { el.value = set[key]; var out = el.parentNode.querySelector("output"); if (out) { out.textContent = el.value; } }
      }
      rerun();
    });
  }
  window.neuronExplorers = window.neuronExplorers || {};
  window.neuronExplorers[rootId] = api;
})();`

// brainPoint returns (g, η) of one of Brunel's example states.
func brainPoint(state string, ne int) ([2]float64, error) {
	bp, err := models.BrunelPoint(state, ne)
	if err != nil {
		return [2]float64{}, fmt.Errorf("explorer: %w", err)
	}
	return [2]float64{bp.G, bp.Eta}, nil
}
