#!/usr/bin/python3
"""What run_notebooks.py adds to exported reports: a provenance block and a reader's version.

provenance_cell(path, nb) returns a raw HTML cell stating where and how the report was made:
project version and commit, Go version, the notebook's seeds, date (UTC) and machine. Seeds come
from the notebook metadata "neuron": {"seeds": "..."}; without it the block says the seeds are
fixed in the code cells.

reader_notebook(nb) returns a copy of an executed notebook for readers: a table of contents of
its markdown headings at the top, and every code cell's source folded into a <details> element
(click to expand) in front of its outputs. Export it with HTMLExporter(exclude_input=True).

nbconvert passes raw HTML cells through lxml's cleaner, which drops style attributes and scripts:
the cells here use classes styled by one <style> block instead.

Standard library and nbformat only; run with /usr/bin/python3.
"""
import copy
import datetime
import html
import os
import platform
import re
import subprocess

import nbformat

STYLE = """<style>
.nb-provenance{font:12px/1.5 sans-serif;border:1px solid #ccd;background:#f7f8fb;border-radius:4px;
  padding:6px 10px;margin:6px 0 12px}
.nb-provenance td{padding:0 12px 0 0;vertical-align:top}.nb-provenance td:first-child{color:#555}
.nb-toc{font:14px/1.6 sans-serif;margin:6px 0 12px}.nb-toc ul{margin:0;padding-left:20px;list-style:none}
.nb-toc li.l2{margin-left:16px}.nb-toc li.l3{margin-left:32px}.nb-toc a{color:#1a5fb4;text-decoration:none}
details.nb-code{margin:4px 0;font:12px sans-serif}
details.nb-code summary{cursor:pointer;color:#555}
details.nb-code pre{background:#f5f5f5;border:1px solid #e0e0e0;padding:6px;overflow-x:auto;font-size:12px}
</style>"""


def _run(cmd, cwd):
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=30)
        return out.stdout.strip() if out.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def _repo_root(path):
    return _run(["git", "rev-parse", "--show-toplevel"], os.path.dirname(os.path.abspath(path))) or \
        os.path.dirname(os.path.dirname(os.path.abspath(path)))


def _machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    osname = platform.platform(terse=True)
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    parts = [p for p in (cpu, f"{os.cpu_count()} logical CPUs", osname, platform.machine()) if p]
    return ", ".join(parts)


def provenance(path, nb):
    """The provenance facts of a report, as (label, value) pairs."""
    root = _repo_root(path)
    commit = _run(["git", "rev-parse", "HEAD"], root) or "unknown (not a git checkout)"
    version = _run(["git", "describe", "--tags", "--always", "--dirty"], root) or "unknown"
    dirty = " (working tree has uncommitted changes)" if version.endswith("-dirty") else ""
    gover = _run(["go", "env", "GOVERSION"], root) or "unknown"
    seeds = (nb.get("metadata", {}).get("neuron", {}) or {}).get("seeds") or \
        "fixed in the code cells (every run is seeded; see the cells)"
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        ("notebook", os.path.relpath(os.path.abspath(path), root)),
        ("project version", version + dirty),
        ("commit", commit),
        ("Go", gover),
        ("seeds", seeds),
        ("executed", now),
        ("machine", _machine()),
    ]


def provenance_cell(path, nb):
    rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(v)}</td></tr>" for k, v in provenance(path, nb))
    body = STYLE + f'<div class="nb-provenance"><b>Provenance</b><table>{rows}</table></div>'
    return nbformat.v4.new_raw_cell(body, metadata={"format": "text/html"})


_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")


def _headings(src):
    out, fence = [], False
    for line in src.split("\n"):
        if line.startswith("```"):
            fence = not fence
        if fence or line.startswith("    "):
            continue
        m = _HEADING.match(line)
        if m:
            out.append((len(m.group(1)), m.group(2)))
    return out


def _plain(md):
    """Heading text without markdown emphasis and code marks."""
    return re.sub(r"[*_`]", "", md)


def with_provenance(path, nb):
    """A copy of nb with the provenance block after its first (title) cell."""
    out = copy.deepcopy(nb)
    at = 1 if out.cells and out.cells[0].cell_type == "markdown" else 0
    out.cells.insert(at, provenance_cell(path, nb))
    return out


def reader_notebook(nb):
    """A copy of nb (already holding its provenance cell) with a table of contents and folded code."""
    out = copy.deepcopy(nb)
    cells, toc = [], []
    for cell in out.cells:
        if cell.cell_type == "markdown":
            hs = _headings(cell.source)
            if hs:
                anchor = f"nb-sec-{len(toc) + 1}"
                cells.append(nbformat.v4.new_raw_cell(f'<a id="{anchor}"></a>', metadata={"format": "text/html"}))
                toc.extend((lvl, text, anchor) for lvl, text in hs)
        elif cell.cell_type == "code" and cell.source.strip():
            n = len(cell.source.rstrip("\n").split("\n"))
            cells.append(nbformat.v4.new_raw_cell(
                f'<details class="nb-code"><summary>code ({n} line{"s" if n != 1 else ""}): click to show</summary>'
                f"<pre><code>{html.escape(cell.source)}</code></pre></details>",
                metadata={"format": "text/html"}))
        cells.append(cell)
    items = "".join(
        f'<li class="l{lvl}"><a href="#{a}">{html.escape(_plain(t))}</a></li>'
        for lvl, t, a in toc)
    toc_cell = nbformat.v4.new_raw_cell(
        f'<nav class="nb-toc"><b>Contents</b><ul>{items}</ul>'
        "<i>Code is folded: click “code” above an output to show it.</i></nav>",
        metadata={"format": "text/html"})
    # After the title, its anchor and the provenance block.
    at = 0
    for i, c in enumerate(cells):
        if c.cell_type == "raw" and "nb-provenance" in c.source:
            at = i + 1
            break
    cells.insert(at, toc_cell)
    out.cells = cells
    return out
