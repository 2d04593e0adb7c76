#!/usr/bin/env python3
"""The interactive page in a real browser: `bertlens --export DIR --view page`
writes it for the bundled model; headless Chromium, with every network
request sent nowhere, opens it at addresses such as
#layer=1&head=2&mask=causal&query=3 and prints the DOM the page's script drew.
The weights drawn (the table id="weights" and the lines' data-weight) must be
`bertlens-cli analyze`'s attentions for that layer, head (or mean of heads),
mask and query, within the page's rounding; another head must draw other
weights; pointing, clicking, the buttons and the keys must choose what they
say (a copy of the page with a script that dispatches those events); the
page must say nothing on the console (no script error, no
refused load), a hostile text must not run and a read-only folder must get
a message. Exit 77 (skipped) without
Chromium.

usage: page_check.py BERTLENS BERTLENS_CLI MODEL_DIR WORK_DIR
"""
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys

window, cli, model, work = sys.argv[1:5]
browser = shutil.which("chromium") or shutil.which("chromium-browser")
if not browser:
    print("SKIP: Chromium is not installed (apt-get install chromium)")
    sys.exit(77)

TEXT = "the [MASK] barked at the mailman ."
# What the page's uint16 weights lose (1/131070) plus its six-decimal text.
TOLERANCE = 1.0 / 131070 + 1e-6
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)
    return condition


class Drawn(html.parser.HTMLParser):
    """The weights table, the lines and the page's error box, from a DOM dump."""

    def __init__(self):
        super().__init__()
        self.table, self.rows, self.lines, self.error, self.body = None, [], [], None, {}
        self._in_table = self._in_error = False
        self.error_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        elif tag == "table" and a.get("id") == "weights":
            self.table, self._in_table = a, True
        elif tag == "tr" and self._in_table and "data-key" in a:
            self.rows.append(a)
        elif tag == "line" and "data-weight" in a:
            self.lines.append(a)
        elif tag == "div" and a.get("id") == "page-error":
            self.error, self._in_error = a, True

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "div":
            self._in_error = False

    def handle_data(self, data):
        if self._in_error:
            self.error_text += data


def open_page(path, fragment):
    """The DOM after the page's script ran, and what the browser logged."""
    profile = os.path.join(work, "profile")
    args = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-extensions", "--disable-sync",
            "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
            "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
            "--virtual-time-budget=3000", "--dump-dom", "file://" + path + fragment]
    run = subprocess.run(args, capture_output=True, text=True, timeout=90)
    check(run.returncode == 0, f"chromium exits 0 on {fragment} ({run.returncode}): {run.stderr[-400:]}")
    parsed = Drawn()
    parsed.feed(run.stdout)
    return parsed, run.stdout, run.stderr


def console_messages(log):
    # Chromium logs every console message (script errors, refused loads) as CONSOLE(line).
    return [line for line in log.splitlines() if "CONSOLE" in line or "Uncaught" in line or "Refused to" in line]


def reference(mask):
    run = subprocess.run([cli, "analyze", "--model", model, "--text", TEXT, "--mask-mode", mask],
                         capture_output=True, text=True)
    if not check(run.returncode == 0, f"analyze --mask-mode {mask}: {run.stderr.strip()}"):
        sys.exit(1)
    return json.loads(run.stdout)


def expected_row(ref, layer, head, query):
    heads = ref["attentions"][layer]
    if head == "mean":
        return [sum(h[query][k] for h in heads) / len(heads) for k in range(len(heads[0][query]))]
    return heads[head][query]


def export_page(folder, text, *extra):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    run = subprocess.run([window, "--export", folder, "--text", text, "--view", "page", "--model", model, *extra],
                         capture_output=True, text=True, env=env)
    check(run.returncode == 0, f"bertlens --export --view page exits 0 ({run.returncode}: {run.stderr.strip()})")
    files = run.stdout.split()
    check(len(files) == 1 and files[0].endswith(".html"), f"one .html file written, not {files}")
    return files[0] if files else ""


shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
page = export_page(os.path.join(work, "out"), TEXT, "--layer", "1", "--head", "2")
check(os.path.basename(page) == "page-layer1-head2-bidirectional.html", f"file name {os.path.basename(page)}")
refs = {m: reference(m) for m in ("bidirectional", "causal")}
tokens = refs["bidirectional"]["tokens"]
n = len(tokens)


def drawn_weights(layer, head, mask, query):
    fragment = f"#layer={layer}&head={head}&mask={mask}&query={query}"
    d, dom, log = open_page(page, fragment)
    what = f"{fragment}:"
    check(d.body.get("data-ready") == "1", f"{what} the page's script finished (body data-ready)")
    check(d.error is not None and "hidden" in d.error and not d.error_text.strip(),
          f"{what} no error shown ({d.error_text.strip()!r})")
    check(not console_messages(log), f"{what} nothing on the console: {console_messages(log)[:3]}")
    if not check(d.table is not None, f"{what} a table id=weights"):
        return None
    shown = {k: d.table.get("data-" + k) for k in ("layer", "head", "mask", "query")}
    check(shown == {"layer": str(layer), "head": str(head), "mask": mask, "query": str(query)},
          f"{what} the table is of the address's choice, not {shown}")
    check(len(d.rows) == n, f"{what} one table row per key ({len(d.rows)} of {n})")
    table = {int(r["data-key"]): float(r["data-weight"]) for r in d.rows}
    want = expected_row(refs[mask], layer, head, query)
    for k in range(n):
        if not check(abs(table.get(k, -1) - want[k]) <= TOLERANCE,
                     f"{what} weight {query}->{k} drawn {table.get(k)} but analyze says {want[k]}"):
            break
        if mask == "causal" and k > query:
            row = next(r for r in d.rows if r["data-key"] == str(k))
            check(row.get("data-hidden") == "1", f"{what} key {k} after the query is marked hidden")
    mine = [ln for ln in d.lines if ln.get("data-query") == str(query)]
    seen = query + 1 if mask == "causal" else n
    check(len(mine) == seen and len(d.lines) == seen, f"{what} {seen} lines drawn from the query ({len(d.lines)})")
    for ln in mine:
        k = int(ln["data-key"])
        check(abs(float(ln["data-weight"]) - want[k]) <= TOLERANCE, f"{what} line {query}->{k} weight")
        check(float(ln["stroke-width"]) >= 1.0, f"{what} line {query}->{k} has a width")
    print(f"ok {fragment}: {n} weights, max {max(table.values()):.4f} at key {max(table, key=table.get)}")
    return [table[k] for k in range(n)]


a = drawn_weights(1, 2, "causal", 3)
b = drawn_weights(3, 0, "bidirectional", 2)
c = drawn_weights(1, 3, "causal", 3)
drawn_weights(2, "mean", "bidirectional", 5)
if a and c:
    check(max(abs(x - y) for x, y in zip(a, c)) > 0.01, "head 2 and head 3 of layer 1 draw different weights")
if b:
    # The bundled model's card: layer 3 head 0 takes [MASK] straight to the verb.
    check(tokens[3] == "barked" and b[3] > 0.5, f"[MASK] reads 'barked' in layer 3 head 0 ({b[3]:.3f})")

# With no address the page opens where the export said (--layer 1 --head 2, bidirectional).
d, dom, log = open_page(page, "")
check(d.table is not None and d.table.get("data-layer") == "1" and d.table.get("data-head") == "2" and
      d.table.get("data-mask") == "bidirectional", "with no address the page opens at --layer 1 --head 2")
check(len(d.lines) > n, f"with no token chosen every query's strong lines are drawn ({len(d.lines)})")

# The controls as a reader uses them: a copy of the page with a script of this
# check's after the page's own points at token 4 (mouseenter), clicks token 6,
# clicks head button 1, presses the up arrow (next layer) and M (mask).
ACTIONS = """<script>
const hits = document.querySelectorAll('#lines .hit');  // per token: its query box, then its key box
hits[2 * 4].dispatchEvent(new MouseEvent('mouseenter'));
document.body.dataset.hovered = document.getElementById('weights').dataset.query;
hits[2 * 6].dispatchEvent(new MouseEvent('click'));
document.querySelectorAll('#head-buttons button')[1].click();
document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowUp'}));
document.dispatchEvent(new KeyboardEvent('keydown', {key: 'm'}));
</script>
"""
acted = os.path.join(work, "acted.html")
with open(page, encoding="utf-8") as f:
    original = f.read()
with open(acted, "w", encoding="utf-8") as f:
    f.write(original.replace("</body>", ACTIONS + "</body>"))
d, dom, log = open_page(acted, "")
check(d.body.get("data-hovered") == "4", f"pointing at token 4 lists its weights ({d.body.get('data-hovered')})")
if check(d.table is not None, "the acted page has its table"):
    state = {k: d.table.get("data-" + k) for k in ("layer", "head", "mask", "query")}
    check(state == {"layer": "2", "head": "1", "mask": "causal", "query": "6"},
          f"click, head button, up arrow and M chose layer 2, head 1, causal, token 6 (not {state})")
    want = expected_row(refs["causal"], 2, 1, 6)
    got = {int(r["data-key"]): float(r["data-weight"]) for r in d.rows}
    check(all(abs(got.get(k, -1) - want[k]) <= TOLERANCE for k in range(n)),
          "after those actions the table holds analyze's layer 2 head 1 causal weights of token 6")
check(not console_messages(log), f"nothing on the console after the actions: {console_messages(log)[:3]}")

# A folder that cannot take the page: a message that says what to do, no file.
# (root may write anywhere: /proc takes no new file from anyone.)
locked = "/proc" if os.geteuid() == 0 else os.path.join(work, "locked")
if locked != "/proc":
    os.makedirs(locked)
    os.chmod(locked, 0o555)
run = subprocess.run([window, "--export", locked, "--text", TEXT, "--view", "page", "--model", model],
                     capture_output=True, text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
check(run.returncode == 1 and "choose a folder you can write to" in run.stderr and not run.stdout.strip(),
      f"a read-only folder: exit 1 and what to do ({run.returncode}: {run.stderr.strip()[-300:]})")
check(not [f for f in os.listdir(locked) if "page-" in f], "nothing left in the read-only folder")

# A hostile text: the script it holds must not run, the page must still draw.
hostile = export_page(os.path.join(work, "hostile"), "</script><script>document.title='pwned'</script> the [MASK] .")
d, dom, log = open_page(hostile, "#query=1")
check(d.body.get("data-ready") == "1", "a page of a hostile text still draws")
title = re.search(r"<title>(.*?)</title>", dom, re.S)
check(title and title.group(1).startswith("Attention in bertlens-mini: &lt;/script&gt;"),
      f"the hostile text's script did not run (the title is the page's own: {title and title.group(1)!r})")
check("&lt;/script&gt;&lt;script&gt;" in dom, "the hostile text is shown as text")
check(not console_messages(log), f"nothing on the console for the hostile page: {console_messages(log)[:3]}")

if failures:
    print(f"{len(failures)} failures")
    sys.exit(1)
print("page_check: all checks passed")
