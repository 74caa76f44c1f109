#!/usr/bin/python3
"""Live check that an interrupted run's progress display says it stopped.

Starts a GoNB kernel (jupyter_client), runs a cell with an nbhelpers.Progress over a long loop,
interrupts the kernel 3 s after the first progress display, and checks that the last display
reads "stopped at …: interrupted" and that the cell ended with exit status 130. Exit status 0
when it does, 1 otherwise. About a minute (one cold compile). Run: python3 scripts/check_progress_interrupt.py
"""
import re, sys
import time, queue, os
from jupyter_client.manager import start_new_kernel
nbdir = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks")
os.chdir(nbdir)
km, kc = start_new_kernel(kernel_name="gonb", cwd=nbdir, startup_timeout=180)
def run(code, timeout=600, interrupt_after=None):
    msg_id = kc.execute(code)
    t0 = time.time(); outs = []; interrupted = False; first_disp = None
    while True:
        if interrupt_after and not interrupted and first_disp and time.time() - first_disp > interrupt_after:
            km.interrupt_kernel(); interrupted = True; print("interrupt sent")
        try:
            m = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            if time.time() - t0 > timeout: break
            continue
        if m["parent_header"].get("msg_id") != msg_id: continue
        t = m["msg_type"]
        if t in ("display_data", "update_display_data") and first_disp is None:
            first_disp = time.time()
        if t in ("display_data", "update_display_data", "stream", "error"):
            outs.append((t, m["content"]))
        if t == "status" and m["content"]["execution_state"] == "idle": break
    return outs
run('%noautoget\n!*rm -f go.work && go work init && go work use . "$(dirname "$(go -C "$GONB_DIR" env GOMOD)")"')
code = '''import (
	"time"

	nb "github.com/neuron-sim/neuron/nbhelpers"
)

%%
p := nb.NewProgress("long run")
for step := 0; step <= 100000; step++ {
	p.Update(float64(step)*0.1, 10000)
	time.Sleep(100 * time.Microsecond)
}
p.Done()
'''
outs = run(code, interrupt_after=3)
last = None
for t, c in outs:
    if t in ("display_data", "update_display_data"):
        last = c["data"].get("text/html", "")
    elif t == "stream":
        print("STREAM", c["text"][:200].replace("\n", " | "))
    elif t == "error":
        print("ERROR", c.get("ename"), c.get("evalue")[:200])
text = re.sub("<[^>]+>", " ", last or "")
print("last progress display:", " ".join(text.split())[:300])
errors = [c.get("evalue", "") for t, c in outs if t == "error"]
kc.stop_channels(); km.shutdown_kernel(now=True)
ok = "stopped at" in text and "interrupted" in text and any("130" in e for e in errors)
print("check_progress_interrupt:", "OK" if ok else "FAILED (want a red 'stopped at … interrupted' display and exit status 130)")
sys.exit(0 if ok else 1)
