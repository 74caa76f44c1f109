#!/usr/bin/python3
"""Check that notebooks stay thin and readable (the project's notebook rules, docs/notebooks.md).

usage: check_notebooks.py [--pending FILE] NOTEBOOK...

Rules, each applied to the code cells of every notebook given:
  cell-length   every code cell has at most 40 lines;
  first-cell    the first code cell is the standard workspace cell (%noautoget + go work);
  setup         a notebook that draws ECharts charts calls nbhelpers.Setup() exactly once, before any chart;
  first-chart   the first chart is drawn within the first 60 code lines, counted over all code
                cells from the top of the notebook, up to and including the line of the call;
  duplicate     no function or type is defined (at the top level of a cell) in two notebooks:
                shared code belongs in the library (nbhelpers, brain/analysis, ...).

A chart call is a line that calls nbhelpers.Display... (or the same through an import alias) (all but DisplayHTML and DisplayTable),
nbhelpers.Show..., or gonbui.DisplayPNG/DisplaySVG (static figures), or that carries the comment
`//nbcheck:chart` (for chart helpers of other packages).

Notebooks named in the pending file (default notebooks/.nbcheck-pending; one file name per line,
then a reason; lines starting with `#` are comments) are still checked and reported, but their problems do not
fail the run. Exits 1 if any other notebook breaks a rule.
"""
import argparse
import json
import os
import re
import sys

MAX_CELL_LINES = 40
MAX_LINES_BEFORE_CHART = 60

CHART_CALL = re.compile(
    r"\bnbhelpers\.(?:Display(?!HTML\b|Table\b)\w*|Show\w*)\s*\("
    r"|\bgonbui\.Display(?:PNG|SVG|Png|Svg)\s*\("
    r"|//\s*nbcheck:chart\b")
# Charts drawn by ECharts need the library on the page (nbhelpers.Setup); static figures do not.
ECHARTS_CALL = re.compile(r"\bnbhelpers\.(?:Display(?!HTML\b|Table\b|PNG\b|SVG\b)\w*|Show\w*)\s*\(")
SETUP_CALL = re.compile(r"\bnbhelpers\.Setup\s*\(\s*\)")
# Top-level declarations: `func name(`, `func (r T) name(`, `type name`; GoNB cells declare at
# column 0 before the `%%` line. Methods count as Type.name.
FUNC_DECL = re.compile(r"^func\s+(?:\(\s*\w+\s+\*?(\w+)[^)]*\)\s*)?(\w+)\s*[\[(]")
TYPE_DECL = re.compile(r"^type\s+(\w+)\s")
FIRST_CELL = ("%noautoget", "go work init")


def code_cells(nb):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            yield "".join(src) if isinstance(src, list) else src


def declarations(src):
    """Names of the functions and types declared at the top level of a cell (before %%)."""
    names = []
    for line in src.split("\n"):
        if line.strip() == "%%":
            break
        m = FUNC_DECL.match(line)
        if m:
            names.append(f"{m.group(1)}.{m.group(2)}" if m.group(1) else m.group(2))
            continue
        m = TYPE_DECL.match(line)
        if m:
            names.append(m.group(1))
    return [n for n in names if n != "main"]


IMPORT_ALIAS = re.compile(r'(\w+)\s+"github\.com/neuron-sim/neuron/nbhelpers"')


def with_alias(line, aliases):
    """The line with nbhelpers' import aliases (nb "…/nbhelpers") written as nbhelpers."""
    for a in aliases:
        line = re.sub(r"\b%s\." % re.escape(a), "nbhelpers.", line)
    return line


def check(path, nb):
    """Problems of one notebook (strings), and its declarations and statistics."""
    problems = []
    cells = list(code_cells(nb))
    aliases = {a for c in cells for a in IMPORT_ALIAS.findall(c) if a not in ("nbhelpers", "_", ".")}
    if not cells:
        return ["no code cells"], [], {}
    first = cells[0]
    if not all(tok in first for tok in FIRST_CELL):
        problems.append("first-cell: the first code cell is not the standard workspace cell "
                        "(%noautoget, then !*rm -f go.work && go work init && go work use ...)")
    lines_seen = 0
    first_chart = None
    setup_line = None
    setups = 0
    decls = []
    echarts = False
    for idx, src in enumerate(cells, start=1):
        lines = src.rstrip("\n").split("\n") if src.strip() else []
        if len(lines) > MAX_CELL_LINES:
            problems.append(f"cell-length: code cell {idx} has {len(lines)} lines (max {MAX_CELL_LINES})")
        for k, line in enumerate(lines, start=1):
            at = lines_seen + k
            line = with_alias(line, aliases)
            if ECHARTS_CALL.search(line) and not line.lstrip().startswith("//"):
                echarts = True
            if SETUP_CALL.search(line) and not line.lstrip().startswith("//"):
                setups += 1
                setup_line = setup_line or at
            if first_chart is None and CHART_CALL.search(line) and not line.lstrip().startswith("//") \
                    or first_chart is None and "nbcheck:chart" in line:
                first_chart = (at, idx)
        lines_seen += len(lines)
        decls.extend((name, idx) for name in declarations(src))
    if first_chart:
        at, idx = first_chart
        if at > MAX_LINES_BEFORE_CHART:
            problems.append(f"first-chart: the first chart is drawn at code line {at} (cell {idx}), "
                            f"want within the first {MAX_LINES_BEFORE_CHART}")
    if echarts:
        if setups != 1:
            problems.append(f"setup: nbhelpers.Setup() is called {setups} times, want exactly once")
        elif first_chart and setup_line > first_chart[0]:
            problems.append(f"setup: nbhelpers.Setup() (line {setup_line}) comes after the first chart "
                            f"(line {first_chart[0]})")
    stats = {"cells": len(cells), "lines": lines_seen,
             "max_cell": max(len(c.rstrip("\n").split("\n")) for c in cells),
             "first_chart": first_chart[0] if first_chart else None}
    return problems, decls, stats


def read_pending(path):
    pending = {}
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, _, reason = line.partition(" ")
                    pending[name] = reason.strip()
    return pending


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pending", default="notebooks/.nbcheck-pending",
                    help="file naming notebooks whose problems are reported but not enforced")
    ap.add_argument("notebooks", nargs="+")
    args = ap.parse_args(argv)
    pending = read_pending(args.pending)
    problems = {}
    owners = {}  # declaration name -> [(notebook, cell)]
    for path in args.notebooks:
        with open(path, encoding="utf-8") as f:
            nb = json.load(f)
        found, decls, stats = check(path, nb)
        problems[path] = found
        for name, idx in decls:
            owners.setdefault(name, []).append((path, idx))
        chart = stats.get("first_chart")
        print(f"{os.path.basename(path)}: {stats.get('cells', 0)} code cells, {stats.get('lines', 0)} code lines, "
              f"longest cell {stats.get('max_cell', 0)} lines, first chart at line "
              f"{chart if chart else '-'}")
    for name, where in sorted(owners.items()):
        books = sorted({p for p, _ in where})
        if len(books) > 1:
            for p in books:
                others = ", ".join(os.path.basename(b) for b in books if b != p)
                problems[p].append(f"duplicate: {name} is also defined in {others}; move it into the library")
    failed = 0
    for path in args.notebooks:
        base = os.path.basename(path)
        if not problems[path]:
            continue
        if base in pending:
            print(f"pending {path} (not enforced: {pending[base] or 'listed in ' + args.pending}):")
        else:
            print(f"FAIL {path}:")
            failed += 1
        for p in problems[path]:
            print("  " + p)
    enforced = [p for p in args.notebooks if os.path.basename(p) not in pending]
    print(f"check_notebooks: {len(enforced) - failed} of {len(enforced)} enforced notebooks pass"
          + (f"; {len(args.notebooks) - len(enforced)} pending" if len(enforced) < len(args.notebooks) else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
