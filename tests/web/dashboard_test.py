#!/usr/bin/env python3
"""The dashboard in a real browser, against a real `tocsin serve` (ctest wrapper of dashboard_test.mjs).

usage: dashboard_test.py TOCSIN_BINARY SOURCE_DIR

Codes the bundled examples, plus the story test set (so that stories told by several documents in several
languages exist) and one hostile report (markup in its text, title and url), into a temporary SQLite store; starts `tocsin serve --port 0` on it with the dashboard of
the build tree (BINARY_DIR/web, BINARY_DIR = the binary's directory); runs the Playwright test in Chromium;
stops the server. The screenshots go to BINARY_DIR/dashboard.png and dashboard-story.png.

Exit 0 passed, 1 failed, 77 skipped (no node, no /usr/bin/chromium or no deps/node_modules/playwright-core).
"""
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading

CHROMIUM = "/usr/bin/chromium"
# A report carrying markup and a javascript: url in its text, title and url: the dashboard must show it as text.
HOSTILE = {
    "id": "hostile-markup", "published": "2024-06-03", "source": "<b>bold</b> wire",
    "title": "<img src=x onerror=\"window.__xss=1\"> Almaty arrests", "url": "javascript:window.__xss=2",
    "text": "Police arrested 40 protesters <img src=x onerror=\"window.__xss=1\"> in Almaty on Monday.",
}
CODE_TIMEOUT = 300     # seconds to code the inputs
START_TIMEOUT = 30     # for the server's "listening on" line
BROWSER_TIMEOUT = 240  # for the whole browser test (which stops itself after 150 s)


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def skip(message):
    print("SKIP: " + message)
    sys.exit(77)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    tocsin = os.path.abspath(sys.argv[1])
    source = os.path.abspath(sys.argv[2])
    binary_dir = os.path.dirname(tocsin)
    web = os.path.join(binary_dir, "web")
    script = os.path.join(source, "tests", "web", "dashboard_test.mjs")

    node = shutil.which("node")
    if not node:
        skip("node is not installed (the browser test runs on Node.js)")
    if not os.access(CHROMIUM, os.X_OK):
        skip(CHROMIUM + " is missing (apt-get install chromium)")
    if not os.path.isdir(os.path.join(source, "deps", "node_modules", "playwright-core")):
        skip("deps/node_modules/playwright-core is missing (run scripts/setup, or npm ci in deps/)")
    if not os.path.isfile(os.path.join(web, "index.html")):
        fail(f"{web}/index.html is missing: the build copies web/ there (is the web target built?)")

    inputs = [os.path.join(source, "examples", "input.jsonl"), os.path.join(source, "tests", "stories", "reports.jsonl")]
    with tempfile.TemporaryDirectory(prefix="tocsin-dashboard-") as tmp:
        hostile = os.path.join(tmp, "hostile.jsonl")
        with open(hostile, "w", encoding="utf-8") as f:
            f.write(json.dumps(HOSTILE) + "\n")
        inputs.append(hostile)
        db = os.path.join(tmp, "events.db")
        try:
            run = subprocess.run([tocsin, "code", *inputs, "--db", db, "--stories"], capture_output=True, text=True,
                                 timeout=CODE_TIMEOUT)
        except subprocess.TimeoutExpired:
            fail(f"tocsin code took more than {CODE_TIMEOUT} s")
        if run.returncode > 1 or not os.path.exists(db):
            fail(f"tocsin code --db exited {run.returncode}:\n{run.stderr}")

        log_path = os.path.join(tmp, "serve.log")
        with open(log_path, "w+", encoding="utf-8") as log:
            server = subprocess.Popen([tocsin, "serve", "--db", db, "--port", "0", "--web", web],
                                      stdout=subprocess.PIPE, stderr=log, text=True)
            try:
                # Read stdout on a thread: the first line carries the URL, and the pipe must keep draining.
                lines = queue.Queue()

                def pump():
                    for line in server.stdout:
                        lines.put(line)
                    lines.put(None)

                threading.Thread(target=pump, daemon=True).start()
                try:
                    first = lines.get(timeout=START_TIMEOUT)
                except queue.Empty:
                    first = None
                prefix = "listening on "
                if not first or not first.startswith(prefix):
                    log.seek(0)
                    fail(f"tocsin serve did not say '{prefix}http://...' within {START_TIMEOUT} s "
                         f"(first line: {first!r}, exit: {server.poll()}):\n{log.read()}")
                url = first[len(prefix):].strip()

                screenshot = os.path.join(binary_dir, "dashboard.png")
                try:
                    test = subprocess.run([node, script, url, screenshot], timeout=BROWSER_TIMEOUT,
                                          capture_output=True, text=True)
                except subprocess.TimeoutExpired:
                    fail(f"the browser test took more than {BROWSER_TIMEOUT} s")
                sys.stdout.write(test.stdout)
                sys.stderr.write(test.stderr)
                if test.returncode != 0:
                    log.seek(0)
                    server_log = log.read()
                    if server_log:
                        sys.stderr.write("--- tocsin serve stderr ---\n" + server_log[-4000:])
                    fail(f"the browser test exited {test.returncode}")
            finally:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    print("dashboard test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
