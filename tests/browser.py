"""Headless Chromium (Debian's `chromium`) driven over the DevTools protocol on a pipe (no network
port, no extra package): load a local page, collect console errors and every request it makes,
measure its load time, take a screenshot. Tests that use it skip where chromium is absent."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--remote-debugging-pipe", "--hide-scrollbars",
         "--mute-audio", "--disable-extensions", "--disable-default-apps"]


def find() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Chromium:
    def __init__(self, binary: str, width: int = 1400, height: int = 1000):
        self.profile = tempfile.mkdtemp(prefix="report-extract-chromium-")
        ours_r, theirs_w = os.pipe()  # chromium writes on its fd 4
        theirs_r, ours_w = os.pipe()  # chromium reads on its fd 3
        # above 4, so that placing them on 3 and 4 in the child cannot overwrite one with the other
        high_r, high_w = fcntl.fcntl(theirs_r, fcntl.F_DUPFD, 10), fcntl.fcntl(theirs_w, fcntl.F_DUPFD, 10)
        for fd in (theirs_r, theirs_w):
            os.close(fd)
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: (os.dup2(high_r, 3), os.dup2(high_w, 4)))
        os.close(high_r)
        os.close(high_w)
        self.reader, self.writer = os.fdopen(ours_r, "rb"), os.fdopen(ours_w, "wb")
        self.next_id, self.events, self.buffer = 0, [], b""
        self.width, self.height = width, height
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable", session=True)
            self.viewport()
        except BaseException:
            self.close()  # no browser or profile left behind
            raise

    def viewport(self, height: int | None = None) -> None:
        """The page's viewport the width asked for: headless Chromium keeps its window at least 500
        px wide, so a 420-px window would lay pages out at 500."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=self.width, height=height or self.height,
                  deviceScaleFactor=1, mobile=False)

    def _read(self) -> dict:
        while b"\0" not in self.buffer:
            chunk = os.read(self.reader.fileno(), 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, session: bool = False, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.writer.write(json.dumps(message).encode() + b"\0")
        self.writer.flush()
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(self._read())
        raise TimeoutError(method)

    def load(self, path: Path | str) -> dict:
        """Open a local file (or a URL: a served page); return {'seconds': load time by the page's own
        clock, 'requests': [urls], 'errors': [console errors and exceptions]}."""
        self.events.clear()
        self.call("Page.navigate", session=True, url=path if isinstance(path, str) else path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        timing = self.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0].toJSON())")
        seconds = json.loads(timing)["loadEventEnd"] / 1000
        time.sleep(0.2)  # late console messages
        self.call("Runtime.evaluate", session=True, expression="0")
        requests = [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]
        errors = [e["params"]["entry"]["text"] for e in self.events
                  if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
        errors += [str(e["params"]["args"]) for e in self.events
                   if e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert")]
        errors += [e["params"]["exceptionDetails"].get("text", "exception") + ": " +
                   str(e["params"]["exceptionDetails"].get("exception", {}).get("description"))
                   for e in self.events if e.get("method") == "Runtime.exceptionThrown"]
        return {"seconds": seconds, "requests": requests, "errors": errors}

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self, target: Path, full: bool = True) -> Path:
        height = self.height
        if full:
            height = min(int(self.evaluate("document.documentElement.scrollHeight")), 12000)
        self.viewport(height)
        data = self.call("Page.captureScreenshot", session=True, format="png")["data"]
        target.write_bytes(base64.b64decode(data))
        self.viewport()
        return target

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (OSError, RuntimeError, ValueError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.reader.close()
        self.writer.close()
        shutil.rmtree(self.profile, ignore_errors=True)
