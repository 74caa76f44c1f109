package nbhelpers

import (
	_ "embed"
	"fmt"
	"html"
	"os"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"
)

// The ECharts browser bundle, vendored by scripts/vendor_echarts.sh (npm pack at a pinned
// version, sha256-checked; the pins are in assets/echarts.sha256).
//
//go:embed assets/echarts.min.js
var echartsJS string

//go:embed assets/ECHARTS_VERSION
var echartsVersionFile string

// EChartsVersion is the version of the embedded ECharts library.
var EChartsVersion = strings.TrimSpace(echartsVersionFile)

// setupTemplate puts the library on the page once. The function shadows define, exports and
// module, so the UMD header of echarts.min.js falls through to the global branch and sets
// window.echarts even where RequireJS is loaded (classic Notebook, nbconvert HTML); without
// the shadowing RequireJS raises "Mismatched anonymous define() module" and nothing draws.
const setupTemplate = `<div data-nbhelpers-setup="%[1]s" style="font:11px sans-serif;color:#999">nbhelpers: ECharts %[1]s not loaded yet (scripts disabled or notebook not trusted).</div>
<script type="text/javascript">
if (typeof window.echarts === "undefined") {
(function (define, exports, module) {
%[2]s
}).call(window, undefined, undefined, undefined);
}
(function () {
  var els = document.querySelectorAll("[data-nbhelpers-setup]");
  for (var i = 0; i < els.length; i++) {
    els[i].textContent = (typeof window.echarts === "undefined") ?
      "nbhelpers: ECharts failed to load." :
      "nbhelpers: ECharts " + window.echarts.version + " ready (embedded, works offline).";
  }
})();
</script>
`

// SetupHTML returns the HTML that puts the embedded ECharts library (about 1 MB) on a page.
// It is safe to include more than once: later copies do nothing if window.echarts exists.
func SetupHTML() string {
	return fmt.Sprintf(setupTemplate, html.EscapeString(EChartsVersion), escapeScriptClose(echartsJS))
}

// Setup displays [SetupHTML] in the notebook. Call it once, in the second cell of every
// notebook (after the go.work setup cell), before any chart. Each GoNB cell is a separate
// process, so Setup cannot remember whether it ran: call it explicitly, once. Outside a
// notebook it does nothing.
func Setup() {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML(SetupHTML())
	gonbui.Sync()
}

// Display shows the charts in the notebook, in order, and waits until GoNB has received them
// (gonbui.Sync). Outside a notebook it does nothing. It returns an error for a nil chart or
// when the connection to GoNB has failed.
func Display(charts ...*Chart) error {
	for i, c := range charts {
		if c == nil {
			return errf(ErrEmpty, "Display: chart %d is nil", i)
		}
	}
	if !gonbui.IsNotebook {
		return nil
	}
	for _, c := range charts {
		gonbui.DisplayHTML(c.HTML())
	}
	gonbui.Sync()
	return gonbui.Error()
}

// display is the body of every Display* wrapper: build, then show.
func display(c *Chart, err error) error {
	if err != nil {
		return err
	}
	return Display(c)
}

// DisplayHTML shows raw HTML in the notebook and syncs (see the package doc). Outside a
// notebook it does nothing.
func DisplayHTML(s string) {
	if !gonbui.IsNotebook {
		return
	}
	gonbui.DisplayHTML(s)
	gonbui.Sync()
}

// PageHTML returns a complete HTML page holding the embedded ECharts library and the charts,
// one under the other. The page needs no network.
func PageHTML(title string, charts ...*Chart) (string, error) {
	if len(charts) == 0 {
		return "", errf(ErrEmpty, "PageHTML: no charts")
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n"+
		"<style>body{font-family:sans-serif;margin:16px auto;max-width:1100px}.nbchart{margin:12px 0}</style>\n"+
		"</head>\n<body>\n<h1>%s</h1>\n", html.EscapeString(title), html.EscapeString(title))
	b.WriteString(SetupHTML())
	for i, c := range charts {
		if c == nil {
			return "", errf(ErrEmpty, "PageHTML: chart %d is nil", i)
		}
		b.WriteString(c.HTML())
	}
	b.WriteString("</body>\n</html>\n")
	return b.String(), nil
}

// WriteHTMLFile writes [PageHTML] to path (title: the file name). Use it outside notebooks to
// look at the same charts in a browser, offline.
func WriteHTMLFile(path string, charts ...*Chart) error {
	title := path
	if i := strings.LastIndexByte(title, '/'); i >= 0 {
		title = title[i+1:]
	}
	title = strings.TrimSuffix(title, ".html")
	page, err := PageHTML(title, charts...)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(page), 0o644)
}
