"""Drive headless Chromium through the DevTools protocol over a pipe (standard library only).

Chromium started with --remote-debugging-pipe reads CDP commands from its file descriptor 3
and writes replies and events to descriptor 4, one JSON message per NUL-terminated record.
No port, no WebSocket client: Debian's /usr/bin/python3 is enough.

    with Browser() as b:
        page = b.open("file:///tmp/report.html")
        print(page.eval("document.title"))

Used by scripts/check_explorers.py (offline reports) and scripts/test_live_explorer.py (a
live Notebook page). Run with /usr/bin/python3.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-default-apps", "--mute-audio", "--window-size=1200,2000",
]


class CDPError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with a fresh profile. offline=True blackholes DNS (file:// and
    127.0.0.1 still load)."""

    def __init__(self, chromium=None, offline=True, extra_flags=()):
        self.chromium = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
        if not self.chromium:
            raise CDPError("chromium not found (apt-get install chromium)")
        self.offline = offline
        self.extra = list(extra_flags)
        self.next_id = 0
        self.buf = b""
        self.events = []

    def __enter__(self):
        self.profile = tempfile.mkdtemp(prefix="cdp-profile-")
        to_chrome_r, self.to_chrome_w = os.pipe()
        self.from_chrome_r, from_chrome_w = os.pipe()
        flags = FLAGS + ["--user-data-dir=" + self.profile, "--remote-debugging-pipe"] + self.extra
        if self.offline:
            flags.append("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1")

        def child_fds():
            # Move both ends out of the way first: either may already be 3 or 4.
            r, w = os.dup(to_chrome_r) + 100, os.dup(from_chrome_w) + 100
            os.dup2(to_chrome_r, r)
            os.dup2(from_chrome_w, w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen([self.chromium] + flags + ["about:blank"], preexec_fn=child_fds,
                                     close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        return self

    def __exit__(self, *exc):
        try:
            self.call("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.to_chrome_w, self.from_chrome_r):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read(self, deadline):
        import select
        while b"\0" not in self.buf:
            left = deadline - time.time()
            if left <= 0:
                raise CDPError("timed out waiting for Chromium")
            r, _, _ = select.select([self.from_chrome_r], [], [], min(left, 1.0))
            if r:
                chunk = os.read(self.from_chrome_r, 1 << 20)
                if not chunk:
                    raise CDPError("Chromium closed the pipe (exit code %s)" % self.proc.poll())
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome_w, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            m = self._read(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def open(self, url):
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        self.call("Runtime.enable", session=session)
        self.call("Page.enable", session=session)
        page.install_error_log()
        self.call("Page.navigate", {"url": url}, session=session)
        return page


class Page:
    def __init__(self, browser, session):
        self.b, self.session = browser, session

    def install_error_log(self):
        # Collect console.error calls and uncaught errors in window.__cdpErrors, on every
        # document this page loads.
        src = """window.__cdpErrors = [];
(function () {
  var orig = console.error;
  console.error = function () { window.__cdpErrors.push(Array.prototype.join.call(arguments, " ")); return orig.apply(console, arguments); };
  window.addEventListener("error", function (e) { window.__cdpErrors.push("uncaught: " + e.message); });
  window.addEventListener("unhandledrejection", function (e) { window.__cdpErrors.push("unhandled rejection: " + e.reason); });
})();"""
        self.b.call("Page.addScriptToEvaluateOnNewDocument", {"source": src}, session=self.session)

    def eval(self, expr, timeout=60, await_promise=True):
        r = self.b.call("Runtime.evaluate", {"expression": expr, "returnByValue": True,
                                             "awaitPromise": await_promise}, session=self.session,
                        timeout=timeout)
        if "exceptionDetails" in r:
            raise CDPError("JS error: %s" % json.dumps(r["exceptionDetails"])[:800])
        return r.get("result", {}).get("value")

    def wait(self, expr, timeout=60, what=None, interval=0.2):
        """Poll expr until it is truthy; return its value."""
        deadline = time.time() + timeout
        while True:
            v = self.eval(expr)
            if v:
                return v
            if time.time() > deadline:
                raise CDPError("timed out after %gs waiting for %s" % (timeout, what or expr))
            time.sleep(interval)

    def errors(self):
        return self.eval("window.__cdpErrors || []") or []

    def screenshot(self, path):
        import base64
        data = self.b.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                           session=self.session)["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
