"""A real browser (headless Chromium) loads the built site with no network.

The test drives the system Chromium (Debian package `chromium`) with
Playwright's Python client; no browser is downloaded. Where no Chromium is
installed it skips with a message, unless REQUIRE_BROWSER=1 (set by
.ci/run), where that is a failure.

Every page of the table of contents is read at two widths: a laptop
(1280 px) and a phone (390 px). At both, no code block, cell output or
display equation may be wider than its box (its end would hide behind a
scroll bar). One browser serves the whole module, one context per width.

What "no overflow" means at 390 px: code and text outputs wrap there
(`_static/course.css`), so they must fit; display equations must fit; the
page itself must not scroll sideways. An HTML table in a cell output (a
pandas DataFrame) cannot reflow into 40 characters, so at 390 px it may
scroll inside its own box, as tables on phones do; at 1280 px it must fit.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading

import pytest
from test_site import built_toc_pages

pytestmark = pytest.mark.browser

CHROMIUM = (
    os.environ.get("CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"laptop": 1280, "phone": 390}

# What may not be wider than its box: (kind, CSS selector).
BLOCKS = [
    ("code", "div.highlight pre"),
    # before the generic output selectors, which match the same element
    ("table", ".cell_output .text_html"),
    ("output", ".cell_output"),
    ("output", ".cell_output .output"),
    ("output", ".cell_output pre"),
    ("math", "mjx-container[display='true']"),
    ("math", "div.math"),
]

# Runs in the page: open every collapsed block (solutions, dropdowns) so
# that its content is laid out, then list each block wider than its box.
FIND_OVERFLOW = """
(blocks) => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(
    e => e.classList.remove('toggle-hidden'));
  const found = [];
  const seen = new Set();
  const cells = [...document.querySelectorAll('div.cell')];
  for (const [kind, selector] of blocks) {
    for (const el of document.querySelectorAll(selector)) {
      if (seen.has(el) || el.offsetParent === null) continue;
      seen.add(el);
      const over = el.scrollWidth - el.clientWidth;
      if (over <= 1) continue;
      // a block that holds a wider block is that block's overflow: skip it
      const inner = [...el.querySelectorAll('pre, .output, mjx-container')];
      if (inner.some(c => c.scrollWidth - c.clientWidth > 1)) continue;
      const inOutput = el.closest('.cell_output') !== null;
      const cell = el.closest('div.cell');
      const section = el.closest('section[id]');
      // an HTML output is a "table" only if it holds one
      let k = kind === 'code' && inOutput ? 'output' : kind;
      if (k === 'table' && el.querySelector('table') === null) k = 'output';
      found.push({
        kind: k,
        over: over,
        box: el.clientWidth,
        cell: cell ? cells.indexOf(cell) + 1 : 0,
        section: section ? section.id : '',
        text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60),
      });
    }
  }
  const page = document.documentElement.scrollWidth - window.innerWidth;
  if (page > 1) {
    found.push({kind: 'page', over: page, box: window.innerWidth, cell: 0,
                section: '', text: 'the page scrolls sideways'});
  }
  return found;
}
"""

READY = """
async () => {
  await document.fonts.ready;
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  return true;
}
"""


@pytest.fixture(scope="module")
def server(site):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        message = "no Chromium found (install the Debian package `chromium`)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def open_page(browser, server, width):
    """A page in a new context `width` px wide that refuses the network."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    outside = []

    def offline(route):  # the site must work offline: refuse what is not local
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.outside, pg.errors, pg.server = outside, errors, server
    return pg


@pytest.fixture(scope="module")
def page(browser, server):
    pg = open_page(browser, server, WIDTHS["laptop"])
    yield pg
    pg.context.close()


@pytest.fixture(scope="module", params=list(WIDTHS))
def sized_page(request, browser, server):
    pg = open_page(browser, server, WIDTHS[request.param])
    pg.width_name = request.param
    yield pg
    pg.context.close()


def load(pg, doc):
    response = pg.goto(f"{pg.server}/{doc}.html", wait_until="load")
    assert response.ok, f"{doc}.html: HTTP {response.status}"
    pg.evaluate(READY)


def test_index_loads(page):
    response = page.goto(page.server + "/index.html")
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert "Scaling Laws" in page.title()
    assert page.locator("nav").first.is_visible()


def test_notebook_page_renders_math_figure_and_solution(page):
    page.goto(page.server + "/notebooks/00_power_laws.html")
    page.wait_for_load_state("networkidle")
    # MathJax (served from the site) has turned the TeX into rendered math
    page.wait_for_selector("mjx-container", timeout=20_000)
    assert page.locator("mjx-container").count() > 5
    assert (
        page.locator("span.math mjx-container, div.math mjx-container").count()
        > 0
    )
    # the first figure is a real, loaded image
    img = page.locator(".cell_output img").first
    img.scroll_into_view_if_needed()
    assert page.evaluate(
        "(el) => el.complete && el.naturalWidth > 100", img.element_handle()
    )
    # a solution starts collapsed and opens on click
    solution = page.locator("div.solution.dropdown").first
    body = solution.locator("section").first
    assert not body.is_visible()
    solution.locator(".toggle-button, .admonition-title").first.click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.is_visible()
    assert not page.errors, f"JavaScript errors: {page.errors}"


def describe(doc, item):
    where = f"cell {item['cell']}" if item["cell"] else item["section"] or "-"
    return (
        f"{doc} [{where}] {item['kind']}: {item['over']} px wider than its "
        f"{item['box']} px box: {item['text']!r}"
    )


def test_nothing_runs_off_the_page(sized_page, root, site):
    """No code, output or display equation is wider than the column."""
    offenders = []
    for doc, _ in built_toc_pages(root, site):
        load(sized_page, doc)
        for item in sized_page.evaluate(FIND_OVERFLOW, BLOCKS):
            if item["kind"] == "table" and sized_page.width_name == "phone":
                continue  # a table scrolls in its own box on a phone
            offenders.append(describe(doc, item))
    width = WIDTHS[sized_page.width_name]
    assert not offenders, (
        f"at {width} px, {len(offenders)} blocks run off the page:\n"
        + "\n".join(offenders)
    )


SELF_CHECK = "section#check-your-understanding"


def test_self_check_questions_open_on_click(page, root, site):
    """Every page with a "Check your understanding" section has at least
    three questions whose answer opens on a click (a sphinx-design
    dropdown: a <details> element, no kernel needed)."""
    pages = []
    for doc, _ in built_toc_pages(root, site):
        load(page, doc)
        if page.locator(SELF_CHECK).count() == 0:
            continue
        pages.append(doc)
        section = page.locator(SELF_CHECK).first
        dropdowns = section.locator("details.sd-dropdown")
        assert dropdowns.count() >= 3, (
            f"{doc}: {dropdowns.count()} self-check questions, fewer than 3"
        )
        question = dropdowns.first
        answer = question.locator(".sd-summary-content").first
        assert not answer.is_visible(), f"{doc}: the answer shows unasked"
        question.locator("summary").first.click()
        answer.wait_for(state="visible", timeout=5_000)
        assert answer.inner_text().strip(), f"{doc}: the answer is empty"
    assert not page.errors, f"JavaScript errors: {page.errors}"
    if not pages:
        pytest.skip("no page has a 'Check your understanding' section yet")
