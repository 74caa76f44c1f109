#!/usr/bin/python3
"""Execute notebooks headless with the GoNB kernel; optionally export standalone HTML reports.

usage: run_notebooks.py [--timeout S] [--html-dir DIR] NOTEBOOK...

With --html-dir, each passing notebook gives two reports: NN_x.html (code and outputs) and
NN_x.reader.html (a table of contents, code folded behind "code" toggles), both opening with a
provenance block (version, commit, Go, seeds, date, machine; scripts/report_extras.py).

A notebook fails when any cell raises (compile error, panic, failed `!` command), when an output
is an error or stderr shows `panic:`, when it exceeds the per-cell timeout, or when a cell's
metadata `nbtest` check fails:
    "nbtest": {"stdout_regex": "...", "html_regex": "...", "mime": ["text/html"], "min_outputs": 2}
(html_regex is searched in the cell's text/html outputs, e.g. the PASS lines of nbhelpers.Check).
Cells tagged `raises-exception` may fail without failing the notebook (nbclient's convention).
The kernel runs with the notebook's folder as working directory ($GONB_DIR), which the
notebooks' first cell uses to find the repository's go.mod.
Ends with a line `notebooks: N passed, M failed` and exits 1 if any failed.
"""
import argparse
import os
import re
import sys
import tempfile
import time

import nbformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def cell_text(cell, limit=400):
    src = cell.get("source", "")
    return src if len(src) <= limit else src[:limit] + " …"


def output_text(out):
    if out.get("output_type") == "stream":
        return out.get("text", "")
    if out.get("output_type") == "error":
        return "\n".join(out.get("traceback", [])) or f"{out.get('ename')}: {out.get('evalue')}"
    return ""


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check_cell(idx, cell):
    """Problems in one executed code cell, as strings."""
    problems = []
    outs = cell.get("outputs", [])
    tags = cell.get("metadata", {}).get("tags", [])
    for out in outs:
        if out.get("output_type") == "error" and "raises-exception" not in tags:
            problems.append(f"cell {idx}: error output: {out.get('ename')}: {out.get('evalue')}")

    # stderr arrives in pieces ("panic: " and its message may be separate outputs).
    stderr = _ANSI.sub("", "".join(o.get("text", "") for o in outs
                                   if o.get("output_type") == "stream" and o.get("name") == "stderr"))
    if "panic:" in stderr:
        # The message follows "panic:"; the goroutine dump after it is long and less useful.
        at = stderr.index("panic:")
        problems.insert(0, f"cell {idx}: panic on stderr:\n{stderr[at:at + 2500]}")
    spec = cell.get("metadata", {}).get("nbtest")
    if spec:
        stdout = "".join(o.get("text", "") for o in outs
                         if o.get("output_type") == "stream" and o.get("name") == "stdout")
        if "stdout_regex" in spec and not re.search(spec["stdout_regex"], stdout, re.M):
            problems.append(f"cell {idx}: stdout does not match {spec['stdout_regex']!r}; stdout was:\n{stdout[-1500:]}")
        html = "".join(o.get("data", {}).get("text/html", "") if isinstance(o.get("data", {}).get("text/html", ""), str)
                       else "".join(o["data"]["text/html"]) for o in outs)
        if "html_regex" in spec and not re.search(spec["html_regex"], html, re.M):
            problems.append(f"cell {idx}: HTML output does not match {spec['html_regex']!r}")
        mimes = set()
        for o in outs:
            mimes.update(o.get("data", {}).keys())
        for m in spec.get("mime", []):
            if m not in mimes:
                problems.append(f"cell {idx}: no {m} output (got {sorted(mimes)})")
        if len(outs) < spec.get("min_outputs", 0):
            problems.append(f"cell {idx}: {len(outs)} outputs, want at least {spec['min_outputs']}")
    return problems


# Debian's nbconvert points RequireJS and MathJax at file:///usr/share/javascript/…, which exists
# only on a machine with those packages (pitfall P4). Reports must be the same everywhere, so the
# loaders are dropped: the charts need neither (nbhelpers loads ECharts itself), and notebooks
# write equations as plain text.
_LOCAL_SCRIPT = re.compile(r'<script src="file:///usr/share/javascript/[^"]*">\s*</script>')


def standalone(html):
    """The report without script tags that load files from the exporting machine."""
    return _LOCAL_SCRIPT.sub("", html)


def run(path, timeout, html_dir):
    nb = nbformat.read(path, as_version=4)
    nb_dir = os.path.dirname(os.path.abspath(path))
    client = NotebookClient(nb, kernel_name="gonb", timeout=timeout, startup_timeout=180,
                            allow_errors=False, record_timing=False,
                            resources={"metadata": {"path": nb_dir}})
    problems = []
    t0 = time.time()
    # The kernel logs (klog) to stderr; keep them out of the way and show their tail on failure.
    klog = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    try:
        client.execute(stderr=klog)
    except CellTimeoutError as err:
        problems.append(f"cell timed out after {timeout} s: {err}")
    except DeadKernelError as err:
        problems.append(f"kernel died: {err}")
    except CellExecutionError as err:
        problems.append(f"cell failed: {err}")
    except Exception as err:  # kernel start-up failures and the like
        problems.append(f"could not execute: {type(err).__name__}: {err}")
    elapsed = time.time() - t0
    code_idx = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        code_idx += 1
        found = check_cell(code_idx, cell)
        if found:
            problems.extend(found)
            problems.append(f"  in code cell {code_idx}:\n{cell_text(cell)}")
    if problems:
        klog.seek(0)
        tail = klog.read()[-3000:]
        if tail.strip():
            problems.append("kernel log (tail):\n" + tail)
    klog.close()
    report = None
    if html_dir and not problems:
        from nbconvert import HTMLExporter
        import report_extras
        os.makedirs(html_dir, exist_ok=True)
        full = report_extras.with_provenance(path, nb)
        base = os.path.splitext(os.path.basename(path))[0]
        # The full report (code shown), and the reader's version (contents, code folded).
        for name, node, exporter in (
                (base + ".html", full, HTMLExporter()),
                (base + ".reader.html", report_extras.reader_notebook(full), HTMLExporter(exclude_input=True))):
            body, _ = exporter.from_notebook_node(node)
            out = os.path.join(html_dir, name)
            with open(out, "w", encoding="utf-8", newline="") as f:
                f.write(standalone(body))
            report = report or out
    return problems, elapsed, report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--timeout", type=int, default=900, help="per-cell timeout in seconds")
    ap.add_argument("--html-dir", help="write one HTML report per passing notebook here")
    ap.add_argument("--jobs", type=int, default=1,
                    help="notebooks executed at once, each with its own kernel (default 1)")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args()
    passed = failed = 0
    if args.jobs > 1:
        # Separate processes: each notebook gets its own kernel and event loop.
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run, p, args.timeout, args.html_dir) for p in args.notebooks]
            results = [f.result() for f in futures]
    else:
        results = None
    for k, path in enumerate(args.notebooks):
        print(f"== {path}", flush=True)
        problems, elapsed, report = results[k] if results else run(path, args.timeout, args.html_dir)
        if problems:
            failed += 1
            print(f"FAIL {path} ({elapsed:.1f} s)")
            for p in problems:
                print("  " + p.replace("\n", "\n    "))
        else:
            passed += 1
            print(f"ok   {path} ({elapsed:.1f} s)" + (f" -> {report} ({os.path.getsize(report)/1e6:.2f} MB)" if report else ""))
        sys.stdout.flush()
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
