#!/usr/bin/python3
"""Tests of check_notebooks.py on small synthetic notebooks (run: python3 -m unittest scripts/test_check_notebooks.py)."""
import io
import json
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_notebooks  # noqa: E402

FIRST = '%noautoget\n!*rm -f go.work && go work init && go work use . "$(dirname "$(go -C "$GONB_DIR" env GOMOD)")"'
SETUP = 'import "github.com/neuron-sim/neuron/nbhelpers"\n\n%%\nnbhelpers.Setup()'


def nb(*cells):
    return {"cells": [{"cell_type": "code", "source": c, "metadata": {}, "outputs": []} for c in cells],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


class CheckNotebooks(unittest.TestCase):
    def run_check(self, books, pending=""):
        with tempfile.TemporaryDirectory() as d:
            paths = []
            for name, content in books.items():
                p = os.path.join(d, name)
                with open(p, "w") as f:
                    json.dump(content, f)
                paths.append(p)
            pend = os.path.join(d, "pending")
            with open(pend, "w") as f:
                f.write(pending)
            out = io.StringIO()
            with redirect_stdout(out):
                rc = check_notebooks.main(["--pending", pend] + paths)
            return rc, out.getvalue()

    def test_thin_notebook_passes(self):
        rc, out = self.run_check({"a.ipynb": nb(FIRST, SETUP, "%%\nnbhelpers.NoError(nbhelpers.DisplayRaster(\"r\", pops, o))")})
        self.assertEqual(rc, 0, out)
        self.assertIn("first chart at line 8", out)

    def test_import_alias(self):
        rc, out = self.run_check({"a.ipynb": nb(FIRST, SETUP, 'import nb "github.com/neuron-sim/neuron/nbhelpers"\n\n%%\nnb.NoError(nb.DisplayPSTH("r", p, o))')})
        self.assertEqual(rc, 0, out)
        self.assertIn("first chart at line 10", out)

    def test_long_cell_fails(self):
        rc, out = self.run_check({"a.ipynb": nb(FIRST, "%%\n" + "x := 1\n" * 40)})
        self.assertEqual(rc, 1)
        self.assertIn("cell-length: code cell 2 has 41 lines", out)

    def test_late_chart_fails(self):
        filler = "%%\n" + "x++\n" * 30
        rc, out = self.run_check({"a.ipynb": nb(FIRST, SETUP, filler, filler, "%%\nnbhelpers.Display(c)")})
        self.assertEqual(rc, 1)
        self.assertIn("first-chart: the first chart is drawn at code line 70", out)

    def test_html_and_table_are_not_charts(self):
        rc, out = self.run_check({"a.ipynb": nb(FIRST, "%%\nnbhelpers.DisplayHTML(s)\nnbhelpers.DisplayTable(t)")})
        self.assertEqual(rc, 0, out)
        self.assertIn("first chart at line -", out)

    def test_setup_required_for_echarts_not_for_svg(self):
        rc, out = self.run_check({"a.ipynb": nb(FIRST, "%%\nnbhelpers.DisplayPSTH(\"r\", pops, o)")})
        self.assertEqual(rc, 1)
        self.assertIn("setup: nbhelpers.Setup() is called 0 times", out)
        rc, out = self.run_check({"a.ipynb": nb(FIRST, "%%\ngonbui.DisplaySVG(s)")})
        self.assertEqual(rc, 0, out)

    def test_duplicate_helper_fails_in_both(self):
        helper = "func lifRate(i float64) float64 { return i }\n\nfunc (z zoo) params() int { return 1 }\n\n%%\n"
        rc, out = self.run_check({"a.ipynb": nb(FIRST, helper), "b.ipynb": nb(FIRST, helper)})
        self.assertEqual(rc, 1)
        self.assertIn("duplicate: lifRate is also defined in b.ipynb", out)
        self.assertIn("duplicate: lifRate is also defined in a.ipynb", out)
        self.assertIn("duplicate: zoo.params", out)

    def test_wrong_first_cell_fails(self):
        rc, out = self.run_check({"a.ipynb": nb("%%\nfmt.Println(1)")})
        self.assertEqual(rc, 1)
        self.assertIn("first-cell", out)

    def test_pending_is_reported_not_enforced(self):
        rc, out = self.run_check({"a.ipynb": nb(FIRST, "%%\n" + "x\n" * 50)}, pending="# c\na.ipynb  rewrite in issue #19\n")
        self.assertEqual(rc, 0, out)
        self.assertIn("pending", out)
        self.assertIn("rewrite in issue #19", out)


if __name__ == "__main__":
    unittest.main()
