#!/usr/bin/python3
"""Check that every ECharts chart in HTML reports draws, with no network.

Usage:
    scripts/check_report_charts.py [--min N] [--overlaps] [--budget MS] [--chromium PATH] report.html ...

For each report, a probe script is injected before the LAST </body> (the embedded
echarts.min.js itself contains the string "</body>", so the first match would corrupt it; see
docs/notebooks.md, "Editing report HTML"). The copy is loaded by headless Chromium with DNS blackholed
(--host-resolver-rules="MAP * ~NOTFOUND") and --dump-dom. The probe waits (in Chromium's
virtual time) until every [data-nbchart] element has an ECharts instance
(echarts.getInstanceByDom) and a canvas whose pixels are not all the same, then writes the
result into the DOM, which this script reads back.

The probe also measures each drawn chart's layout (ECharts component views): boxes of the title
and subtitle text, legend, axis labels and names, visual map, toolbox and zoom slider, and the
plot areas, must not overlap. Overlaps are listed as OVERLAP lines; with --overlaps they fail
the report.

Every report must also be at most --max-mb MB (default 5).

Exit status: 0 when every report has at least N charts (default 1), all of them drew (and, with
--overlaps, none has overlapping parts); 1 otherwise, naming the charts; 2 on usage or tool
errors.

Standard library only; run with /usr/bin/python3.
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

PROBE_BEGIN = "NBCHART-PROBE-BEGIN"
PROBE_END = "NBCHART-PROBE-END"

# The probe polls every 100 ms of virtual time for up to maxWait ms, then reports. A chart
# counts as drawn when echarts knows an instance for its element and one of its canvases has
# at least two distinct pixel values (a blank chart is uniform).
PROBE_JS = r"""
<script type="text/javascript">
(function () {
  var started = Date.now(), maxWait = %(max_wait)d;
  function canvasDrawn(el) {
    var cs = el.querySelectorAll("canvas");
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i];
      if (!c.width || !c.height) { continue; }
      var d;
      try { d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; }
      catch (e) { continue; }
      for (var k = 4; k < d.length; k += 4) {
        if (d[k] !== d[0] || d[k + 1] !== d[1] || d[k + 2] !== d[2] || d[k + 3] !== d[3]) { return true; }
      }
    }
    return false;
  }
  // layoutProblems lists overlaps between the parts of a drawn chart: text of the title
  // block, legend, axes and visual map, the toolbox, the zoom slider and the plot grids. Two
  // parts overlap when their boxes share more than 1 px in both directions. Within one axis,
  // its name must clear its tick labels; within the title block, title and subtitle must
  // clear each other. Uses ECharts 5 instance internals (getModel, getViewOfComponentModel).
  function layoutProblems(inst) {
    var parts = [], problems = [];
    function box(el) {
      var r = el.getBoundingRect().clone();
      r.applyTransform(el.getComputedTransform());
      return r;
    }
    function texts(group) {
      var out = [];
      group.traverse(function (el) {
        if (el.type === "text" && !el.ignore && !el.invisible && el.style && el.style.text) {
          var r = box(el);
          if (r.width > 0 && r.height > 0) {
            out.push({x: r.x, y: r.y, w: r.width, h: r.height, what: String(el.style.text).replace(/\s+/g, " ").slice(0, 40)});
          }
        }
      });
      return out;
    }
    function whole(group, what) {
      var r = group.getBoundingRect();
      if (!r || !(r.width > 0 && r.height > 0)) { return []; }
      r = r.clone();
      r.applyTransform(group.getComputedTransform());
      return [{x: r.x, y: r.y, w: r.width, h: r.height, what: what}];
    }
    var model = inst.getModel();
    function each(mainType, f) {
      model.eachComponent(mainType, function (m, i) {
        var view = inst.getViewOfComponentModel(m);
        if (view && view.group && !view.group.ignore) { f(m, view, i); }
      });
    }
    each("title", function (m, v, i) { parts.push({name: "title", boxes: texts(v.group), self: true}); });
    each("legend", function (m, v, i) { parts.push({name: "legend", boxes: texts(v.group)}); });
    each("visualMap", function (m, v, i) { parts.push({name: "visualMap", boxes: whole(v.group, "visualMap")}); });
    each("toolbox", function (m, v, i) { parts.push({name: "toolbox", boxes: whole(v.group, "toolbox")}); });
    each("dataZoom", function (m, v, i) {
      if (m.subType === "slider") { parts.push({name: "slider", boxes: whole(v.group, "slider")}); }
    });
    ["xAxis", "yAxis"].forEach(function (t) {
      each(t, function (m, v, i) {
        var name = m.get("name"), bs = texts(v.group), nameBoxes = [], labels = [];
        bs.forEach(function (b) { (name && b.what === String(name).replace(/\s+/g, " ").slice(0, 40) ? nameBoxes : labels).push(b); });
        nameBoxes.forEach(function (n) {
          labels.forEach(function (l) {
            if (hit(n, l)) { problems.push(t + " " + i + " name '" + n.what + "' overlaps its label '" + l.what + "'"); }
          });
        });
        parts.push({name: t + " " + i, boxes: bs});
      });
    });
    model.eachComponent("grid", function (m, i) {
      var cs = m.coordinateSystem, r = cs && cs.getRect && cs.getRect();
      if (r) { parts.push({name: "grid " + i, boxes: [{x: r.x, y: r.y, w: r.width, h: r.height, what: "plot area"}]}); }
    });
    function hit(a, b) {
      return Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x) > 1 &&
        Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y) > 1;
    }
    for (var p = 0; p < parts.length; p++) {
      var A = parts[p];
      if (A.self) {
        for (var i = 0; i < A.boxes.length; i++) {
          for (var j = i + 1; j < A.boxes.length; j++) {
            if (hit(A.boxes[i], A.boxes[j])) {
              problems.push(A.name + " '" + A.boxes[i].what + "' overlaps '" + A.boxes[j].what + "'");
            }
          }
        }
      }
      for (var q = p + 1; q < parts.length; q++) {
        var B = parts[q];
        for (var i = 0; i < A.boxes.length; i++) {
          for (var j = 0; j < B.boxes.length; j++) {
            if (hit(A.boxes[i], B.boxes[j])) {
              problems.push(A.name + " '" + A.boxes[i].what + "' overlaps " + B.name + " '" + B.boxes[j].what + "'");
            }
          }
        }
      }
    }
    return problems;
  }
  function overlapsOf(inst) {
    if (!inst) { return []; }
    try { return layoutProblems(inst); }
    catch (e) { return ["layout check failed: " + e]; }
  }
  function status() {
    var els = document.querySelectorAll("[data-nbchart]"), out = [];
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var inst = (typeof window.echarts !== "undefined") ? window.echarts.getInstanceByDom(el) : undefined;
      out.push({
        name: el.getAttribute("data-nbchart") || "",
        id: el.id || "",
        instance: !!inst,
        canvas: !!inst && canvasDrawn(el),
        text: (el.textContent || "").slice(0, 200),
        overlaps: overlapsOf(inst)
      });
    }
    return out;
  }
  function finish(charts) {
    var pre = document.createElement("pre");
    pre.id = "nbchart-probe-result";
    // The markers are split so that this script's own source never matches them.
    pre.textContent = "%(begin_a)s" + "%(begin_b)s" + JSON.stringify({
      echarts: (typeof window.echarts !== "undefined") ? (window.echarts.version || "?") : null,
      charts: charts
    }) + "%(end_a)s" + "%(end_b)s";
    document.body.appendChild(pre);
  }
  function poll() {
    var charts = status(), done = charts.length > 0;
    for (var i = 0; i < charts.length; i++) {
      if (!charts[i].canvas) { done = false; }
    }
    if (done || Date.now() - started > maxWait) { finish(charts); return; }
    setTimeout(poll, 100);
  }
  if (document.readyState === "complete") { setTimeout(poll, 0); }
  else { window.addEventListener("load", function () { setTimeout(poll, 0); }); }
})();
</script>
"""

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(explicit):
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def inject_probe(text, max_wait_ms):
    """Insert the probe before the last </body> (case-insensitive), or append it."""
    probe = PROBE_JS % {
        "max_wait": max_wait_ms,
        "begin_a": PROBE_BEGIN[:8], "begin_b": PROBE_BEGIN[8:],
        "end_a": PROBE_END[:8], "end_b": PROBE_END[8:],
    }
    i = text.lower().rfind("</body>")
    if i < 0:
        return text + probe
    return text[:i] + probe + text[i:]


def run_chromium(chromium, url, budget_ms, timeout_s):
    profile = tempfile.mkdtemp(prefix="nbchart-chromium-")
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--user-data-dir=" + profile,
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1280,2000",
        "--virtual-time-budget=%d" % budget_ms,
        "--dump-dom",
        url,
    ]
    # Own process group, so that a timeout ends Chromium's helper processes too.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def probe_result(dom):
    m = re.search(re.escape(PROBE_BEGIN) + r"(.*?)" + re.escape(PROBE_END), dom, re.S)
    if not m:
        return None
    return json.loads(html.unescape(m.group(1)))


def check_file(path, args, chromium):
    """Return (ok, message lines)."""
    try:
        with open(path, "r", encoding="utf-8", newline="") as f:
            text = f.read()
    except OSError as e:
        return False, ["%s: cannot read: %s" % (path, e)]
    probed = inject_probe(text, args.budget - 1000)
    # Write the probed copy next to the report so relative links resolve the same way.
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".nbchart-probe-", suffix=".html", dir=directory)
    except OSError:  # read-only report folder: relative links will not resolve, charts still do
        fd, tmp = tempfile.mkstemp(prefix="nbchart-probe-", suffix=".html")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(probed)
        code, dom, err = run_chromium(chromium, "file://" + tmp, args.budget, args.timeout)
    except subprocess.TimeoutExpired:
        return False, ["%s: chromium timed out after %d s" % (path, args.timeout)]
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass
    res = probe_result(dom)
    if res is None:
        tail = "\n".join(err.strip().splitlines()[-5:])
        return False, ["%s: the probe did not report (chromium exit %d)\n%s" % (path, code, tail)]
    charts = res["charts"]
    drawn = [c for c in charts if c["canvas"]]
    undrawn = [c for c in charts if not c["canvas"]]
    lines = ["%s: %d/%d charts drawn (echarts %s)" % (path, len(drawn), len(charts), res["echarts"])]
    ok = True
    for c in undrawn:
        ok = False
        why = "no echarts instance" if not c["instance"] else "blank canvas"
        extra = (": " + c["text"].strip()) if c["text"].strip() else ""
        lines.append("  UNDRAWN %s (id %s): %s%s" % (c["name"], c["id"], why, extra))
    for c in drawn:
        for o in c.get("overlaps") or []:
            if args.overlaps:
                ok = False
            lines.append("  OVERLAP %s (id %s): %s" % (c["name"], c["id"], o))
    if len(charts) < args.min:
        ok = False
        lines.append("  expected at least %d charts, found %d" % (args.min, len(charts)))
    return ok, lines


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--min", type=int, default=1, help="minimum number of charts per report (default 1)")
    p.add_argument("--budget", type=int, default=20000, help="Chromium virtual time budget in ms (default 20000)")
    p.add_argument("--timeout", type=int, default=180, help="wall-clock limit per report in s (default 180)")
    p.add_argument("--overlaps", action="store_true",
                   help="fail when parts of a chart overlap (title block, legend, axis labels and names, "
                        "toolbox, zoom slider, plot areas); without it overlaps are only reported")
    p.add_argument("--max-mb", type=float, default=5.0,
                   help="fail a report larger than this many MB (10^6 bytes; default 5)")
    p.add_argument("--chromium", default=None, help="Chromium binary (default: first of %s on PATH)" % ", ".join(CHROMIUM_CANDIDATES))
    p.add_argument("reports", nargs="+", help="HTML reports to check")
    args = p.parse_args(argv)
    if args.budget < 2000:
        p.error("--budget must be at least 2000 ms")
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print("check_report_charts: no chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    failed = []
    for path in args.reports:
        size = os.path.getsize(path) / 1e6
        if size > args.max_mb:
            print("%s: %.2f MB, larger than the %.1f MB limit for a report" % (path, size, args.max_mb), flush=True)
            failed.append(path)
            continue
        ok, lines = check_file(path, args, chromium)
        lines[0:0] = ["%s: %.2f MB (limit %.1f MB)" % (path, size, args.max_mb)]
        print("\n".join(lines), flush=True)
        if not ok:
            failed.append(path)
    if failed:
        print("check_report_charts: FAILED: %s" % ", ".join(failed), file=sys.stderr)
        return 1
    print("check_report_charts: %d report(s) OK" % len(args.reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
