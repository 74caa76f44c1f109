package explorer

import (
	"fmt"
	"html"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/neuron-sim/neuron/nbhelpers"
)

// Setup compiles the simulation to WebAssembly ([BuildWasm], from the notebook's folder) and,
// in a notebook, displays it once, so that the offline explorers of later cells (and of the
// exported report) can run. Call it once per notebook, after nbhelpers.Setup. It returns the
// module (for its size) also outside a notebook.
func Setup() (*Wasm, error) {
	w, err := BuildWasm(os.Getenv("GONB_DIR"))
	if err != nil {
		return nil, err
	}
	nbhelpers.DisplayHTML(w.HTML())
	return w, nil
}

// PageHTML returns a complete offline page: the ECharts library, the WebAssembly module (nil:
// none, so explorers draw their first result but cannot re-run) and the given fragments
// (CellHTML, NetworkHTML, chart HTML, ...), one under the other.
func PageHTML(title string, w *Wasm, fragments ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n"+
		"<style>body{font-family:sans-serif;margin:16px auto;max-width:1100px}.nbchart{margin:12px 0}pre{white-space:pre-wrap}</style>\n"+
		"</head>\n<body>\n<h1>%s</h1>\n", html.EscapeString(title), html.EscapeString(title))
	b.WriteString(nbhelpers.SetupHTML())
	if w != nil {
		b.WriteString(w.HTML())
	}
	for _, f := range fragments {
		b.WriteString(f)
	}
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

// display shows html in the notebook (and syncs); outside a notebook it does nothing.
func display(s string) error {
	if !gonbui.IsNotebook {
		return nil
	}
	nbhelpers.DisplayHTML(s)
	return gonbui.Error()
}
