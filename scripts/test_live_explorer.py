#!/usr/bin/python3
"""Live-notebook test of the widget explorer: a real Jupyter Notebook page in headless Chromium.

Usage:
    scripts/test_live_explorer.py [--notebook notebooks/13_explorers.ipynb] [--timeout 600]

What a report check cannot see, GoNB widgets driving the kernel, shows only in a live page.
This test:

  1. copies the notebook into a fresh folder inside the repository (so its first cell finds the
     repository's go.mod) and starts Jupyter Notebook there on a free port with a random token
     (--allow-root when run as root);
  2. opens the notebook in headless Chromium (DevTools protocol over a pipe, scripts/cdp_pipe.py;
     DNS blackholed, only 127.0.0.1 reachable) and runs the cells up to the single-cell explorer;
  3. waits for the live explorer: GoNB's select, sliders and stop button inside it and its
     first chart;
  4. moves the somatic-current slider, as a user would (value + "change" event), and waits for
     the kernel to re-run the simulation and redraw the chart in place (the chart's render
     count goes up and the page shows the new parameters); the spike count the page shows must
     equal `neuron cell --json` for the same parameters;
  5. presses stop and checks that the cell finishes and leaves the offline explorer at the new
     setting.

The notebook copy, the Jupyter server and Chromium are removed at the end. Exit status 0 on
success, 1 on a failed check, 2 on tool errors. Standard library only; run with /usr/bin/python3.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp_pipe import Browser, CDPError  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def explorer_cell_index(nb_path):
    """Index of the first cell that calls explorer.Cell."""
    nb = json.load(open(nb_path))
    for i, c in enumerate(nb["cells"]):
        if c["cell_type"] == "code" and "explorer.Cell(" in "".join(c["source"]):
            return i
    raise SystemExit("no explorer.Cell cell in %s" % nb_path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notebook", default=os.path.join(ROOT, "notebooks", "13_explorers.ipynb"))
    ap.add_argument("--timeout", type=float, default=600, help="seconds for the cells to run")
    ap.add_argument("--screenshot", help="write a PNG of the page after the redraw")
    a = ap.parse_args()

    idx = explorer_cell_index(a.notebook)
    work = tempfile.mkdtemp(prefix=".livetest-", dir=os.path.dirname(os.path.abspath(a.notebook)))
    name = os.path.basename(a.notebook)
    shutil.copy(a.notebook, os.path.join(work, name))
    neuron = os.path.join(work, "neuron")
    subprocess.run(["go", "build", "-o", neuron, "./cmd/neuron"], cwd=ROOT, check=True)

    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.pop("NEURON_EXPLORER_OFFLINE", None)  # this test wants the live widgets
    cmd = ["jupyter-notebook", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
           "--NotebookApp.token=" + token, "--NotebookApp.open_browser=False",
           "--notebook-dir=" + work]
    if os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(os.path.join(work, "jupyter.log"), "w")
    server = subprocess.Popen(cmd, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    failures = []
    t0 = time.time()
    try:
        base = "http://127.0.0.1:%d" % port
        for _ in range(120):
            try:
                urllib.request.urlopen("%s/api/status?token=%s" % (base, token), timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise CDPError("Jupyter did not start; see %s" % log.name)
        with Browser(offline=True) as b:
            page = b.open("%s/notebooks/%s?token=%s" % (base, name, token))
            page.wait("typeof Jupyter !== 'undefined' && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
                      120, "the notebook and its kernel")
            print("live: notebook open, kernel connected (%.0f s)" % (time.time() - t0))
            page.eval("Jupyter.notebook.execute_cell_range(0, %d); true" % (idx + 1))
            root = page.wait("""(function () {
  var r = document.querySelector('.neuron-explorer[id^="nx-cell-live-"]');
  if (!r) { return null; }
  var c = r.querySelector('.nx-controls');
  var st = r.querySelector('.nx-status');
  return (c.querySelectorAll('select').length === 1 && c.querySelectorAll('input[type=range]').length === 3 &&
          c.querySelectorAll('button').length === 1 && st.getAttribute('data-state') === 'done') ? r.id : null;
})()""", a.timeout, "the live explorer with GoNB widgets")
            before = page.eval("(function(){var r=document.getElementById(%s);return {renders:r.getAttribute('data-renders'),params:r.querySelector('.nx-status').getAttribute('data-params'),spikes:r.querySelector('.nx-status').getAttribute('data-spikes')};})()" % json.dumps(root))
            print("live: widgets up, first chart drawn: %s spikes, params %s (%.0f s)" % (before["spikes"], before["params"], time.time() - t0))
            # Slider 0 is the somatic current: -500 + 10·k pA. Move it to 2500 pA.
            target_pa = 2500
            page.eval("""(function(){var s=document.querySelectorAll('#%s .nx-controls input[type=range]')[0];
s.value=String(%d); s.dispatchEvent(new Event('change')); return true;})()""" % (root, (target_pa + 500) // 10))
            after = page.wait("""(function(){var r=document.getElementById(%s), st=r.querySelector('.nx-status');
var p=JSON.parse(st.getAttribute('data-params')||'{}');
if (Number(r.getAttribute('data-renders'))<=%d || p.current!==%d || st.getAttribute('data-state')!=='done') return null;
var ch=echarts.getInstanceByDom(r.querySelector('[data-nbchart]')).getOption().series;
return {renders:Number(r.getAttribute('data-renders')),params:p,spikes:Number(st.getAttribute('data-spikes')),marks:ch[1].data.length,summary:st.textContent};})()"""
                              % (json.dumps(root), int(before["renders"] or 0), target_pa), 120, "the redraw after the slider change")
            print("live: slider → %d pA: chart redrawn (render %d): %s" % (target_pa, after["renders"], after["summary"]))
            p = after["params"]
            ref = json.loads(subprocess.run([neuron, "cell", "--json", "--type", p["type"], "--current", repr(p["current"]),
                                             "--distal", repr(p["distal"]), "--adaptation", repr(p["adaptation"]),
                                             "--duration", repr(p["duration"]), "--onset", repr(p["onset"])],
                                            check=True, capture_output=True, text=True).stdout)
            if after["spikes"] != ref["spikes"] or after["marks"] != ref["spikes"]:
                failures.append("page shows %d spikes (%d marks), neuron cell --json %d" % (after["spikes"], after["marks"], ref["spikes"]))
            else:
                print("live: %d spikes, as neuron cell --json gives" % ref["spikes"])
            if int(before["spikes"]) == after["spikes"]:
                failures.append("the spike count did not change from %s pA to %d pA" % (json.loads(before["params"])["current"], target_pa))
            if a.screenshot:
                page.screenshot(a.screenshot)
            page.eval("document.querySelector('#%s .nx-controls button').click(); true" % root)
            done = page.wait("""(function(){var els=document.querySelectorAll('.neuron-explorer[id^="nx-cell-"]:not([id^="nx-cell-live-"])');
for (var i=0;i<els.length;i++){var st=els[i].querySelector('.nx-status');var p=JSON.parse(st.getAttribute('data-params')||'{}');
if (st.getAttribute('data-state')==='done' && p.current===%d) return els[i].id;} return null;})() && !Jupyter.notebook.kernel_busy""" % target_pa,
                             120, "the offline explorer after stop")
            print("live: stop → cell finished, offline explorer at %d pA shown (%.0f s)" % (target_pa, time.time() - t0))
            errs = [e for e in page.errors() if "explorer" in e.lower() or "neuron" in e.lower() or "echarts" in e.lower()]
            if errs:
                failures.append("console errors: %s" % errs[:5])
    except (CDPError, subprocess.CalledProcessError) as e:
        print("test_live_explorer: %s" % e, file=sys.stderr)
        print(open(log.name).read()[-3000:], file=sys.stderr)
        return 2
    finally:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(server.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("test_live_explorer: OK (%.0f s)" % (time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
