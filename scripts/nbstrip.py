#!/usr/bin/python3
"""Strip outputs and execution metadata from notebooks so they are committed clean (pitfall P6).

usage: nbstrip.py [--check] NOTEBOOK...
  --check   change nothing; exit 1 naming every notebook that still holds outputs.
Cell metadata `tags`, `nbtest` and `scrolled` (false: Notebook 6 never folds the output
into a scroll box) are kept; everything nbclient adds is dropped.
"""
import json
import sys

KEEP_CELL_META = ("tags", "nbtest", "scrolled")


def strip(nb):
    changed = False
    for cell in nb.get("cells", []):
        meta = {k: v for k, v in cell.get("metadata", {}).items() if k in KEEP_CELL_META}
        if meta != cell.get("metadata", {}):
            cell["metadata"] = meta
            changed = True
        if cell.get("cell_type") == "code":
            if cell.get("outputs") or cell.get("execution_count") is not None:
                changed = True
            cell["outputs"] = []
            cell["execution_count"] = None
    for key in ("widgets", "execution"):
        if key in nb.get("metadata", {}):
            del nb["metadata"][key]
            changed = True
    return changed


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv[1:] if a != "--check"]
    dirty = []
    for path in paths:
        with open(path, encoding="utf-8", newline="") as f:
            nb = json.load(f)
        if strip(nb):
            dirty.append(path)
            if not check:
                with open(path, "w", encoding="utf-8", newline="") as f:
                    json.dump(nb, f, indent=1, ensure_ascii=False)
                    f.write("\n")
    if check and dirty:
        for p in dirty:
            print(f"nbstrip: {p} has outputs or execution metadata; run `make nb-strip`", file=sys.stderr)
        return 1
    for p in dirty:
        print(f"nbstrip: stripped {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
