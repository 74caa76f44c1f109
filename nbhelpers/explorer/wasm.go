package explorer

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// WasmPackage is the program compiled to WebAssembly: it wraps package brain/explore, the
// same code the notebook runs natively.
const WasmPackage = "github.com/neuron-sim/neuron/cmd/explorer-wasm"

// Wasm is the compiled simulation, ready to embed in a page.
type Wasm struct {
	// Gzip is the WebAssembly module, gzip-compressed.
	Gzip []byte
	// RawBytes is the size of the uncompressed module.
	RawBytes int
	// ExecJS is Go's wasm_exec.js (the JavaScript side of the Go runtime) of the toolchain
	// that built the module; module and runtime must come from the same Go version.
	ExecJS string
}

// EmbeddedBytes is what the module adds to a page: base64 of the gzip-compressed module
// plus wasm_exec.js.
func (w *Wasm) EmbeddedBytes() int { return base64.StdEncoding.EncodedLen(len(w.Gzip)) + len(w.ExecJS) }

// BuildWasm compiles WasmPackage with the go command on PATH (GOOS=js GOARCH=wasm, stripped)
// from dir ("" for the current directory, which must lie inside this repository or a module
// that requires it), gzips it and reads the matching wasm_exec.js. A warm build cache makes
// it a link of one to a few seconds; a cold one compiles brain for wasm (about a minute on
// two cores).
func BuildWasm(dir string) (*Wasm, error) {
	tmp, err := os.MkdirTemp("", "neuron-explorer-")
	if err != nil {
		return nil, fmt.Errorf("explorer: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "explorer.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, WasmPackage)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("explorer: go build %s for js/wasm: %w\n%s", WasmPackage, err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("explorer: %w", err)
	}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // level is valid: no error
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("explorer: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("explorer: gzip: %w", err)
	}
	execJS, err := wasmExecJS(dir)
	if err != nil {
		return nil, err
	}
	return &Wasm{Gzip: gz.Bytes(), RawBytes: len(raw), ExecJS: execJS}, nil
}

// wasmExecJS reads wasm_exec.js from the toolchain: $(go env GOROOT)/lib/wasm since Go 1.24,
// misc/wasm before.
func wasmExecJS(dir string) (string, error) {
	cmd := exec.Command("go", "env", "GOROOT")
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("explorer: go env GOROOT: %w", err)
	}
	root := strings.TrimSpace(string(b))
	for _, sub := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		if js, err := os.ReadFile(filepath.Join(root, sub)); err == nil {
			return string(js), nil
		}
	}
	return "", fmt.Errorf("explorer: wasm_exec.js not found under GOROOT %s (lib/wasm or misc/wasm)", root)
}

// loaderTemplate runs Go's wasm_exec.js (which defines globalThis.Go), decodes and
// gunzips the module with DecompressionStream, starts it, and leaves in
// window.neuronWasm a promise of the neuronExplore function. A second copy on the same page
// does nothing. The element's text says whether it worked.
const loaderTemplate = `<div data-neuron-wasm="loader" style="font:11px sans-serif;color:#999">explorer: offline simulation not loaded yet (scripts disabled or notebook not trusted).</div>
<script type="text/javascript">
(function () {
  function say(s) {
    var els = document.querySelectorAll('[data-neuron-wasm="loader"]');
    for (var i = 0; i < els.length; i++) { els[i].textContent = s; }
  }
  if (window.neuronWasm) { window.neuronWasm.then(function () { say("explorer: offline simulation ready (WebAssembly, %[3]s)."); }); return; }
  if (typeof globalThis.Go === "undefined") {
%[1]s
  }
  var b64 = "%[2]s";
  window.neuronWasm = (async function () {
    if (typeof DecompressionStream === "undefined") { throw new Error("this browser has no DecompressionStream"); }
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    var buf = await new Response(stream).arrayBuffer();
    var go = new globalThis.Go();
    var inst = (await WebAssembly.instantiate(buf, go.importObject)).instance;
    go.run(inst);
    for (var n = 0; typeof globalThis.neuronExplore !== "function"; n++) {
      if (n > 200) { throw new Error("neuronExplore was not registered"); }
      await new Promise(function (r) { setTimeout(r, 10); });
    }
    return globalThis.neuronExplore;
  })();
  window.neuronWasm.then(function () { say("explorer: offline simulation ready (WebAssembly, %[3]s)."); },
    function (e) { say("explorer: offline simulation failed to load: " + e); });
})();
</script>
`

// HTML returns the page fragment that loads the module (once per page).
func (w *Wasm) HTML() string {
	size := fmt.Sprintf("%.2f MB compressed", float64(len(w.Gzip))/1e6)
	return fmt.Sprintf(loaderTemplate, escapeScriptClose(w.ExecJS), base64.StdEncoding.EncodeToString(w.Gzip), size)
}

func escapeScriptClose(s string) string { return strings.ReplaceAll(s, "</script", `<\/script`) }
