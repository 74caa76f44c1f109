package explorer

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
	"github.com/neuron-sim/neuron/brain/explore"
)

// ProbeTimeout is how long [Cell] and [Network] wait for a live page to answer before they
// show the offline explorer instead. Setting the environment variable
// NEURON_EXPLORER_OFFLINE (to anything) skips the wait.
var ProbeTimeout = 8 * time.Second

// liveFrontEnd reports whether a page runs this cell's output: it installs GoNB's
// communication channel and asks the page to send a value back. In a headless run
// (nbconvert, nbclient) no script runs and the wait times out.
func liveFrontEnd() bool {
	if !gonbui.IsNotebook || os.Getenv("NEURON_EXPLORER_OFFLINE") != "" {
		return false
	}
	addr := "/neuron/explorer/probe/" + gonbui.UniqueId()
	ch := comms.Listen[int](addr).WithBuffer(1)
	defer ch.Close()
	comms.Start()
	dom.TransientJavascript(fmt.Sprintf(`(function () {
  var n = 0, t = setInterval(function () {
    var c = globalThis.gonb_comm;
    if (c) { clearInterval(t); c.send(%q, 1); } else if (++n > 200) { clearInterval(t); }
  }, 50);
})();`, addr))
	select {
	case <-ch.C:
		return true
	case <-time.After(ProbeTimeout):
		return false
	}
}

// event is one widget change: which widget, its new integer value.
type event struct{ widget, value int }

// liveLoop runs the widgets of one live explorer: it appends a select (options, selected),
// one slider per control and a stop button to the explorer's controls, and on every change
// calls run with the select's index and the slider values, and renders the result. It
// returns the last values when stop is clicked.
func liveLoop(root, selLabel string, options []string, selected int, ctrls []control, values []float64,
	run func(sel int, vals []float64) (any, error)) (int, []float64) {
	controls := root + "-controls"
	ev := make(chan event, 64)
	forward := func(i int, c *comms.AddressChan[int]) {
		for v := range c.C {
			ev <- event{i, v}
		}
	}
	dom.Append(controls, fmt.Sprintf("<span>%s</span>", selLabel))
	sel := widgets.Select(options).SetDefault(selected).AppendTo(controls).Done()
	go forward(0, sel.Listen())
	pos := make([]int, len(ctrls))
	for i, c := range ctrls {
		dom.Append(controls, fmt.Sprintf("<span>%s (%s)</span>", c.label, c.unit))
		pos[i] = c.position(values[i])
		s := widgets.Slider(0, c.steps(), pos[i]).AppendTo(controls).Done()
		go forward(i+1, s.Listen())
	}
	stop := widgets.Button("stop").AppendTo(controls).Done()
	stopC := stop.Listen()
	for {
		select {
		case <-stopC.C:
			stopC.Close()
			return selected, values
		case e := <-ev:
			apply := func(e event) {
				if e.widget == 0 {
					selected = e.value
				} else {
					values[e.widget-1] = ctrls[e.widget-1].at(e.value)
				}
			}
			apply(e)
			for drained := false; !drained; { // coalesce a burst of slider moves
				select {
				case e := <-ev:
					apply(e)
				default:
					drained = true
				}
			}
			res, err := run(selected, values)
			var js string
			if err == nil {
				var b []byte
				if b, err = json.Marshal(res); err == nil {
					js = fmt.Sprintf("window.neuronExplorers[%q].render(%s);", root, b)
				}
			}
			if err != nil {
				js = fmt.Sprintf("(function(){var s=document.querySelector(%q);s.textContent=%q;s.setAttribute('data-state','error');})();",
					"#"+root+" .nx-status", err.Error())
			}
			dom.TransientJavascript(js)
		}
	}
}

// rootOf extracts the explorer's root id from its HTML.
func rootOf(s string) string {
	const key = `class="neuron-explorer" id="`
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	s = s[i+len(key):]
	return s[:strings.IndexByte(s, '"')]
}

// Cell shows the single-cell explorer starting at p in a notebook. In a live Jupyter page it
// adds GoNB widgets (cell type, somatic and dendritic current, adaptation, stop) whose
// changes re-run explore.RunCell in the kernel and redraw the chart; the cell runs until
// stop is clicked (or the kernel is interrupted), then shows the offline explorer at the
// last setting, which the saved notebook and its report keep. With no live page (headless
// runs, exports) it shows the offline explorer right away. Outside a notebook it does
// nothing.
func Cell(name string, p explore.CellParams) error {
	if !gonbui.IsNotebook {
		return nil
	}
	if _, err := explore.RunCell(p); err != nil {
		return err
	}
	if !liveFrontEnd() {
		s, err := CellHTML(name, p)
		if err != nil {
			return err
		}
		return display(s)
	}
	s, err := cellHTML(name+"-live", p, modeLive)
	if err != nil {
		return err
	}
	if err := display(s); err != nil {
		return err
	}
	vals := []float64{p.CurrentPA, p.DistalPA, p.Adaptation}
	typ := max(slices.Index(explore.CellTypes, strings.ToLower(p.Type)), 0)
	typ, vals = liveLoop(rootOf(s), "cell type", explore.CellTypes, typ, cellControls, vals,
		func(sel int, v []float64) (any, error) {
			q := p
			q.Type, q.CurrentPA, q.DistalPA, q.Adaptation = explore.CellTypes[sel], v[0], v[1], v[2]
			return explore.RunCell(q)
		})
	p.Type, p.CurrentPA, p.DistalPA, p.Adaptation = explore.CellTypes[typ], vals[0], vals[1], vals[2]
	s, err = CellHTML(name, p)
	if err != nil {
		return err
	}
	return display(s)
}

// Network shows the network explorer starting at p in a notebook, like [Cell]: live widgets
// (Brunel state, g, η, stop) re-run explore.RunNet in the kernel; otherwise the offline
// explorer.
func Network(name string, p explore.NetParams) error {
	if !gonbui.IsNotebook {
		return nil
	}
	if _, err := explore.RunNet(p); err != nil {
		return err
	}
	if !liveFrontEnd() {
		s, err := NetworkHTML(name, p)
		if err != nil {
			return err
		}
		return display(s)
	}
	s, err := networkHTML(name+"-live", p, modeLive)
	if err != nil {
		return err
	}
	if err := display(s); err != nil {
		return err
	}
	states := append([]string{"(sliders)"}, explore.BrunelStates...)
	vals := []float64{p.G, p.Eta}
	_, vals = liveLoop(rootOf(s), "Brunel state", states, 0, netControls, vals,
		func(sel int, v []float64) (any, error) {
			q := p
			q.G, q.Eta = v[0], v[1]
			if sel > 0 {
				bp, err := brainPoint(states[sel], p.NE)
				if err != nil {
					return nil, err
				}
				q.G, q.Eta = bp[0], bp[1]
			}
			return explore.RunNet(q)
		})
	p.G, p.Eta = vals[0], vals[1]
	s, err = NetworkHTML(name, p)
	if err != nil {
		return err
	}
	return display(s)
}
