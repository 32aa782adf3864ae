#!/usr/bin/env python3
"""End-to-end checks of `concordat serve` in a real headless Chromium (Debian's, never a download).

Run by tests/integration/e2e.rs, which starts the server and gives the accounts:

  browser.py story --base URL --width 1280 --shots DIR --axe axe.min.js --password PW
      the elections story from sign-in to go-live: the programme manager proposes and takes it
      through business case, consultation and the Board; each council's clerk records their
      council's decision; the programme manager takes it live.
  browser.py scan --base URL --width 390 --shots DIR --axe axe.min.js --password PW --actor audit
      every page reachable from the pipeline (and one of each form).

On every page it checks the rendered text for the command line's dialect (command syntax, event
type ids, raw JSON keys, ISO timestamps) and runs axe-core: no serious or critical violation.
Prints one line per problem and exits 1 if there is any.
"""

import argparse
import os
import re
import sys
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CONCORDAT_CHROMIUM", "/usr/bin/chromium")

# What a person must never read on a page.
EVENT_IDS = [
    "proposal-created", "stage-changed", "business-case-recorded", "consultation-opened",
    "consultation-response-recorded", "consultation-closed", "board-vote-recorded",
    "council-decision-recorded", "call-in-requested", "call-in-resolved", "interest-declared",
    "kpi-defined", "kpi-value-recorded", "saving-recorded", "review-recorded", "milestone-added",
    "milestone-amended", "milestone-completed", "report-issued", "reminder-fired",
    "council-decided", "not-pursued", "not-pursue", "quick-win", "business-case",
    "council-approval", "on-hold", "qualified-majority",
    "not-recommended", "referred-back", "quarterly-report", "six-month-review",
    "twelve-month-review", "annual-review", "milestone-approaching", "milestone-overdue",
    "call-in-closes",
]
JSON_KEYS = [
    "by_council", "new_round", "one_off_cost", "annual_saving", "effective_on", "recorded_at",
    "moves_to", "call_in_closes", "decision_body", "previous_due", "original_due", "no_response",
    "cost_shares", "equal_shares", "expect_version", "held_from", "prev_hash",
]
FORBIDDEN = [
    ("command-line syntax", re.compile(r"concordat ")),
    ("a command-line flag", re.compile(r"--")),
    ("an ISO timestamp", re.compile(r"\d{4}-\d\d-\d\dT")),
    ("an event or stage id", re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, EVENT_IDS)) + r")(?![\w-])")),
    ("a raw JSON key", re.compile(r"\b(" + "|".join(JSON_KEYS) + r")\b")),
]

problems = []


def problem(where, text):
    problems.append(f"{where}: {text}")
    print(f"PROBLEM {where}: {text}", flush=True)


def check_text(page, where):
    """The rendered text holds none of the command line's dialect."""
    text = page.inner_text("body")
    for what, pattern in FORBIDDEN:
        for m in pattern.finditer(text):
            start = max(0, m.start() - 40)
            problem(where, f"shows {what}: {text[start:m.end() + 40]!r}")


def check_axe(page, where, axe_source):
    """axe-core finds no serious or critical violation of WCAG 2.2 A/AA."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    for v in result:
        if v["impact"] in ("serious", "critical"):
            problem(where, f"axe {v['impact']} {v['id']}: {v['help']} at {v['nodes']}")


def check_width(page, where, width):
    """Nothing but a table's own scroll region is wider than the window."""
    wide = page.evaluate(
        """(width) => document.documentElement.scrollWidth > width + 1"""
        , width)
    if wide:
        problem(where, f"the page is wider than {width}px and scrolls sideways")


class Browser:
    def __init__(self, pw, args):
        self.args = args
        self.axe = open(args.axe, encoding="utf-8").read()
        self.browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        self.context = self.browser.new_context(
            viewport={"width": args.width, "height": 900}, locale="en-GB",
            # the pages forbid inline scripts (CSP); axe-core is injected by the test alone
            bypass_csp=True)
        self.page = self.context.new_page()
        self.page.set_default_timeout(30_000)
        self.shot_no = 0
        self.pages_checked = 0

    def url(self, path):
        return self.args.base.rstrip("/") + path

    def check(self, name, shot=True):
        """Every check on the page as it stands, and its screenshot."""
        where = f"{self.args.width}px {name} ({urlparse(self.page.url).path})"
        check_text(self.page, where)
        check_axe(self.page, where, self.axe)
        check_width(self.page, where, self.args.width)
        self.pages_checked += 1
        if shot and self.args.shots:
            self.shot_no += 1
            path = os.path.join(self.args.shots, f"{self.args.width}-{self.shot_no:02d}-{name}.png")
            self.page.screenshot(path=path, full_page=True)

    def goto(self, path, name, shot=True, status=200):
        response = self.page.goto(self.url(path))
        if response is None or response.status != status:
            problem(name, f"GET {path} answered {response.status if response else 'nothing'}")
        self.check(name, shot)

    def submit(self, name, expect_path=None):
        """Sends the page's form and checks where it lands."""
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()
        path = urlparse(self.page.url).path
        if expect_path and path != expect_path:
            summary = self.page.locator(".error-summary")
            why = summary.inner_text() if summary.count() else self.page.inner_text("main")[:300]
            problem(name, f"expected {expect_path}, stayed on {path}: {why!r}")
        self.check(name)

    def sign_in(self, actor):
        self.page.goto(self.url("/sign-in"))
        self.check(f"sign-in-{actor}", shot=actor == "jce")
        self.page.fill("#actor", actor)
        self.page.fill("#password", self.args.password)
        self.page.click("main form button[type=submit]")
        self.page.wait_for_load_state()
        signed = self.page.locator("#signed-in")
        if not signed.count() or signed.inner_text() != actor:
            problem("sign-in", f"{actor} is not signed in at {self.page.url}")

    def sign_out(self):
        self.page.click("header form[action='/sign-out'] button")
        self.page.wait_for_load_state()

    def form(self, slug, name, fill, expect="/proposals/elections"):
        """Opens a form from the proposal's page (by its link, as a person would), fills it in
        and sends it."""
        self.page.goto(self.url("/proposals/elections"))
        link = self.page.locator(f"main a[href='/proposals/elections/do/{slug}']").first
        if not link.count():
            problem(name, f"the proposal's page has no link to the form {slug}")
            self.page.goto(self.url(f"/proposals/elections/do/{slug}"))
        else:
            link.click()
            self.page.wait_for_load_state()
        self.check(f"{name}-form", shot=False)
        fill(self.page)
        self.submit(name, expect)


def story(b):
    """The elections story, sign-in to go-live, as three people."""
    b.sign_in("jce")
    b.check("pipeline-empty")
    b.page.click("#new-proposal")
    b.page.wait_for_load_state()
    b.check("new-proposal-form")
    b.page.fill("#f-title", "Shared elections service")
    b.page.fill("#f-service", "elections")
    b.page.select_option("#f-lead", "bromsgrove")
    b.page.fill("#f-on", "2009-06-01")
    b.submit("proposed", "/proposals/elections")

    def advance(to, on):
        def fill(p):
            p.select_option("#f-to", to)
            p.fill("#f-on", on)
        return fill

    b.form("advance", "to-business-case", advance("business-case", "2009-06-02"))

    def business_case(p):
        p.fill("#f-one_off_cost", "12000")
        p.fill("#f-annual_saving", "40000")
        p.fill("#f-risks", "Staff transfer between the councils")
        p.fill("#f-on", "2009-06-03")
    b.form("business-case", "business-case", business_case)
    b.form("advance", "to-consultation", advance("consultation", "2009-06-04"))

    def open_consultation(p):
        p.fill("#f-with", "staff, unison")
        p.fill("#f-on", "2009-06-04")
    b.form("open-consultation", "consultation-opened", open_consultation)

    def response(p):
        p.fill("#f-party", "unison")
        p.fill("#f-summary", "Content, provided posts are protected")
        p.fill("#f-on", "2009-06-05")
    b.form("consultation-response", "consultation-response", response)
    b.form("close-consultation", "consultation-closed", lambda p: p.fill("#f-on", "2009-06-08"))
    b.form("advance", "to-council-approval", advance("council-approval", "2009-06-09"))

    # Going live now is refused: the summary at the top says why, each reason in words.
    b.form("advance", "refused-go-live", advance("monitoring", "2009-06-09"),
           expect="/proposals/elections/do/advance")
    if not b.page.locator(".error-summary li").count():
        problem("refused-go-live", "no error summary at the top of the refused form")
    def board_vote(p):
        p.fill("#f-meeting", "2009-06-10")
        for member in p.locator("input[type=radio][value=support]").all():
            member.check()
    b.form("board-vote", "board-vote", board_vote)
    b.sign_out()

    for clerk, council, on in [("bdc-clerk", "bromsgrove", "2009-06-15"),
                               ("rbc-clerk", "redditch", "2009-06-16")]:
        b.sign_in(clerk)

        def decide(p, council=council, on=on):
            p.select_option("#f-council", council)
            p.select_option("#f-decision", "approve")
            p.fill("#f-minute", f"{council.title()} Council, {on}")
            p.fill("#f-on", on)
        b.form("council-decision", f"{council}-approves", decide)
        b.sign_out()

    b.sign_in("jce")
    b.form("advance", "live", advance("monitoring", ""))
    stage = b.page.locator("#stage").inner_text()
    if "Monitoring" not in stage:
        problem("live", f"the proposal is at {stage!r}, not monitoring")
    if "Went live" not in b.page.inner_text("main"):
        problem("live", "the proposal's page does not say when it went live")
    b.goto("/", "pipeline-live")
    b.goto("/savings", "savings")


def scan(b):
    """Every page reachable from the pipeline, once each (and one of each form)."""
    b.sign_in(b.args.actor)
    seen, queue, forms = set(), ["/"], set()
    while queue and len(seen) < b.args.limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "pipeline"
        b.goto(path, name, shot=path.count("/") <= 2 and "?" not in path)
        for href in b.page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlparse(href)
            if target.netloc or not target.path.startswith("/"):
                continue
            if target.path.startswith(("/api", "/reports/", "/calendar.ics", "/sign")):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if "/do/" in target.path:
                slug = target.path.rsplit("/", 1)[1]
                if slug in forms:
                    continue
                forms.add(slug)
            if link not in seen:
                queue.append(link)
    b.goto("/no-such-page", "not-found", status=404)
    if b.pages_checked < 5:
        problem("scan", f"only {b.pages_checked} pages were reached")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["story", "scan"])
    ap.add_argument("--base", required=True)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--shots")
    ap.add_argument("--axe", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--actor", default="audit")
    ap.add_argument("--limit", type=int, default=120)
    args = ap.parse_args()
    if args.shots:
        os.makedirs(args.shots, exist_ok=True)
    with sync_playwright() as pw:
        b = Browser(pw, args)
        try:
            story(b) if args.mode == "story" else scan(b)
        finally:
            b.browser.close()
    print(f"checked {b.pages_checked} pages at {args.width}px, {len(problems)} problems", flush=True)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
