"""A real browser (headless Chromium) loads the built site with no network.

The test drives the system Chromium (Debian package `chromium`) with Playwright's Python client;
no browser is downloaded. Where no Chromium is installed it skips with a message, unless
REQUIRE_BROWSER=1 (set by .ci/run), where that is a failure.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


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
def page(server):
    if not CHROMIUM:
        message = "no Chromium found (install the Debian package `chromium`)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        outside = []

        def offline(route):  # the site must work with no network: refuse anything not local
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
        yield pg
        browser.close()


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
    assert page.locator("span.math mjx-container, div.math mjx-container").count() > 0
    # the first figure is a real, loaded image
    img = page.locator(".cell_output img").first
    img.scroll_into_view_if_needed()
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 100", img.element_handle())
    # a solution starts collapsed and opens on click
    solution = page.locator("div.solution.dropdown").first
    body = solution.locator("section").first
    assert not body.is_visible()
    solution.locator(".toggle-button, .admonition-title").first.click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.is_visible()
    assert not page.errors, f"JavaScript errors: {page.errors}"
