#!/usr/bin/python3
"""Check the WebAssembly explorers of HTML reports in headless Chromium, offline.

Usage:
    scripts/check_explorers.py [--neuron BIN] [--max-mb 5] [--min N] [--quick] report.html ...

For every report: its size must stay under --max-mb. The report is opened from file:// in
headless Chromium with DNS blackholed (no network), driven through the DevTools protocol
(scripts/cdp_pipe.py). For every explorer on the page (.neuron-explorer, built by
nbhelpers/explorer) the check

  1. waits for its first chart (drawn from the notebook's native run) and for the embedded
     WebAssembly simulation to load;
  2. sets its controls to a few other settings, as a reader would (select and slider values,
     then a "change" event), and waits until the chart was redrawn for those parameters;
  3. reads the spike count the page shows and the spike marks drawn in the chart, and runs the
     same parameters natively with `neuron cell --json` / `neuron network --json`; the counts
     and spike times must be identical.

--quick tries one setting per explorer instead of all (for a second copy of the same page,
e.g. the reader's version of a report). Console errors fail the check. Exit status 0 when every report passes and has at least --min
explorers (default 1), 1 otherwise, 2 on usage or tool errors. Standard library only; run with
/usr/bin/python3.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp_pipe import Browser, CDPError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Settings a reader might choose: several cell types, somatic and dendritic input, adaptation;
# Brunel's synchronous regular state and a point between the example states.
CELL_SETTINGS = [
    {"type": "pyramidal", "current": 1500, "distal": 0, "adaptation": 1},
    {"type": "pyramidal", "current": 0, "distal": 3000, "adaptation": 0.5},
    {"type": "sensory", "current": 400, "distal": 0, "adaptation": 2},
    {"type": "granule", "current": 20, "distal": 0, "adaptation": 1},
]
NET_SETTINGS = [
    {"g": 3, "eta": 2},
    {"g": 5.5, "eta": 1.5},
]

SET_JS = """(function (rootId, values) {
  var root = document.getElementById(rootId), last = null;
  for (var k in values) {
    var el = root.querySelector('[data-param="' + k + '"]');
    if (!el) { throw new Error("no control " + k); }
    el.value = String(values[k]);
    last = el;
  }
  root.querySelector(".nx-status").setAttribute("data-state", "set");
  last.dispatchEvent(new Event("change"));
  return true;
})(%s, %s)"""

DONE_JS = """(function (rootId, values) {
  var root = document.getElementById(rootId), st = root.querySelector(".nx-status");
  if (st.getAttribute("data-state") === "error") { return {error: st.textContent}; }
  if (st.getAttribute("data-state") !== "done") { return null; }
  var p = JSON.parse(st.getAttribute("data-params"));
  for (var k in values) { if (String(p[k]) !== String(values[k])) { return null; } }
  var api = window.neuronExplorers[rootId], chart = echarts.getInstanceByDom(root.querySelector("[data-nbchart]"));
  var series = chart.getOption().series;
  return {params: p, spikes: Number(st.getAttribute("data-spikes")), last: api.last,
          drawn: series.map(function (s) { return s.data.length; })};
})(%s, %s)"""


def native(neuron, kind, p):
    if kind == "cell":
        args = ["cell", "--type", p["type"], "--current", repr(p["current"]), "--distal", repr(p["distal"]),
                "--adaptation", repr(p["adaptation"]), "--duration", repr(p["duration"]), "--onset", repr(p["onset"])]
    else:
        args = ["network", "--g", repr(p["g"]), "--eta", repr(p["eta"]), "--ne", str(p["ne"]),
                "--duration", repr(p["duration"]), "--seed", str(p["seed"])]
    out = subprocess.run([neuron] + args + ["--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def compare(kind, page, ref):
    """Problems (strings) between the page's result and the native one."""
    probs = []
    if page["spikes"] != ref["spikes"]:
        probs.append("spike count: page %d, native %d" % (page["spikes"], ref["spikes"]))
    last = page["last"]
    if kind == "cell":
        if last["spikeTimes"] != ref["spikeTimes"]:
            d = max([abs(a - b) for a, b in zip(last["spikeTimes"], ref["spikeTimes"])] or [0])
            probs.append("spike times differ (max |Δt| %.3g ms over the common prefix)" % d)
        if page["drawn"][1] != ref["spikes"]:
            probs.append("chart draws %d spike marks, native count %d" % (page["drawn"][1], ref["spikes"]))
    else:
        if (last["spikesE"], last["spikesI"]) != (ref["spikesE"], ref["spikesI"]):
            probs.append("E/I counts: page %d/%d, native %d/%d" % (last["spikesE"], last["spikesI"], ref["spikesE"], ref["spikesI"]))
        if last["rasterT"] != ref["rasterT"] or last["rasterN"] != ref["rasterN"]:
            probs.append("raster spikes differ")
        if page["drawn"][0] != len(ref["rasterT"]):
            probs.append("chart draws %d raster marks, native %d" % (page["drawn"][0], len(ref["rasterT"])))
    return probs


def check_report(path, neuron, max_mb, min_explorers, quick=False):
    size = os.path.getsize(path)
    ok = True
    if min_explorers == 0:
        with open(path, encoding="utf-8", errors="replace") as f:
            if 'class="neuron-explorer"' not in f.read():
                print("%s: no explorers" % path)
                return True
    print("%s: %.2f MB" % (path, size / 1e6))
    if size > max_mb * 1e6:
        print("  FAIL: larger than %g MB" % max_mb)
        ok = False
    with Browser(offline=True) as b:
        page = b.open("file://" + os.path.abspath(path))
        page.wait("document.readyState === 'complete'", 60, "page load")
        roots = page.eval("Array.prototype.map.call(document.querySelectorAll('.neuron-explorer'), function (e) { return [e.id, e.getAttribute('data-explorer')]; })")
        if len(roots) < min_explorers:
            print("  FAIL: %d explorers, want at least %d" % (len(roots), min_explorers))
            return False
        if roots:
            loaded = page.eval("window.neuronWasm ? window.neuronWasm.then(function () { return 'ok'; }, function (e) { return 'failed: ' + e; }) : 'missing'", timeout=120)
            if loaded != "ok":
                print("  FAIL: WebAssembly module %s" % loaded)
                return False
        for rid, kind in roots:
            first = page.wait("(function(){var s=document.querySelector('#%s .nx-status');return s.getAttribute('data-state')==='done' ? s.getAttribute('data-spikes') : null;})()" % rid,
                              60, "first chart of " + rid)
            print("  %s (%s): first chart drawn, %s spikes (native run in the notebook)" % (rid, kind, first))
            settings = CELL_SETTINGS if kind == "cell" else NET_SETTINGS
            for values in settings[-1:] if quick else settings:
                page.eval(SET_JS % (json.dumps(rid), json.dumps(values)))
                got = page.wait(DONE_JS % (json.dumps(rid), json.dumps(values)), 120, "redraw of %s for %s" % (rid, values))
                if "error" in got:
                    print("  FAIL %s %s: page error: %s" % (rid, values, got["error"]))
                    ok = False
                    continue
                ref = native(neuron, kind, got["params"])
                probs = compare(kind, got, ref)
                print("  %s %s %s: page %d spikes, drawn %s, native %d" % ("FAIL" if probs else "ok", kind, json.dumps(values),
                                                                          got["spikes"], got["drawn"], ref["spikes"]))
                for p in probs:
                    print("    " + p)
                ok = ok and not probs
        errs = page.errors()
        if errs:
            print("  FAIL: console errors: %s" % errs[:5])
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("reports", nargs="+")
    ap.add_argument("--neuron", help="neuron binary (default: built from this repository)")
    ap.add_argument("--max-mb", type=float, default=5)
    ap.add_argument("--min", type=int, default=1, help="explorers each report must have")
    ap.add_argument("--quick", action="store_true", help="one setting per explorer")
    a = ap.parse_args()
    tmp = None
    neuron = a.neuron
    if not neuron:
        tmp = tempfile.mkdtemp(prefix="check-explorers-")
        neuron = os.path.join(tmp, "neuron")
        r = subprocess.run(["go", "build", "-o", neuron, "./cmd/neuron"], cwd=ROOT)
        if r.returncode != 0:
            print("check_explorers: go build ./cmd/neuron failed", file=sys.stderr)
            return 2
    try:
        bad = [p for p in a.reports if not check_report(p, neuron, a.max_mb, a.min, a.quick)]
    except (CDPError, subprocess.CalledProcessError, OSError) as e:
        print("check_explorers: %s" % e, file=sys.stderr)
        return 2
    finally:
        if tmp:
            subprocess.run(["rm", "-rf", tmp])
    if bad:
        print("check_explorers: FAILED: %s" % ", ".join(bad))
        return 1
    print("check_explorers: %d report(s) OK" % len(a.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
