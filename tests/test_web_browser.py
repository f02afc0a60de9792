"""The dashboard in a real browser: Debian's chromium driven by Playwright against the app on
uvicorn (loopback, a free port), over a copy of the web corpus with one hostile document added.

Run with ``python -m pytest -m browser``; skipped with the reason when chromium or Playwright is
missing (CI installs both). Every test checks that the page logged no error and the browser
reported no Content-Security-Policy violation; the XSS test checks that no payload ran.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking"]
# records what the page itself cannot hide: CSP violations, dialogs, errors
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""
PAYLOAD_TITLE = '<script>window.__xss=1</script>Payload title <img src=x onerror="window.__xss=2">'
PAYLOAD_AUTHOR = '<img src=x onerror=alert(3)> javascript:alert(4)'
PAYLOAD_TEXT = (
    "Kazakhstan and Russia signed an agreement on nuclear safety in Astana. "
    '<script>window.__xss=5</script> <a href="javascript:window.__xss=6">link</a> '
    "<svg onload=alert(7)> <img src=x onerror=window.__xss=8> The delegates praised the "
    "nuclear safety plan."
)

TOKEN = "browser-token"

if not CHROMIUM.exists():
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install "
                "chromium; CI installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def corpus_db(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the web corpus and one document whose text, title and author hold payloads."""
    from multivector.services.corpus import Corpus
    from multivector.services.knowledge import default_knowledge
    from multivector.services.stores import open_store

    folder = tmp_path_factory.mktemp("browser")
    db = folder / "corpus.db"
    shutil.copy(web_db, db)
    rows = folder / "hostile.jsonl"
    rows.write_text(json.dumps({
        "text": PAYLOAD_TEXT, "title": PAYLOAD_TITLE, "author": PAYLOAD_AUTHOR,
        "source": "Hostile feed", "date": "2019-05-14", "country": "KAZ", "language": "en",
        "genre": "news",
    }) + "\n", encoding="utf-8")
    with Corpus(store=open_store(db), knowledge=default_knowledge(),
                edition="kaz/2014-2020") as corpus:
        assert corpus.ingest([rows]).ok
    return db


@pytest.fixture(scope="module")
def server(corpus_db: Path) -> Iterator[str]:
    from multivector.interfaces.web import WebSettings

    yield from _serve(WebSettings(db=str(corpus_db), read_only=True))


@pytest.fixture(scope="module")
def writer_server(corpus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server that takes writes with TOKEN, over its own copy of the corpus."""
    from multivector.interfaces.web import WebSettings

    db = tmp_path_factory.mktemp("browser-writes") / "corpus.db"
    shutil.copy(corpus_db, db)
    yield from _serve(WebSettings(db=str(db), token=TOKEN))


def _serve(settings: Any) -> Iterator[str]:
    import uvicorn

    from multivector.interfaces.web import create_app

    port = _free_port()
    app = create_app(settings)
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the dashboard did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watched:
    """A page with its console errors, page errors and dialogs recorded."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.add_init_script(WATCH)

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path, wait_until="networkidle")
        return self.page

    def clean(self) -> None:
        csp = self.page.evaluate("window.__csp || []")
        assert not csp, f"CSP violations on {self.page.url}: {csp}"
        assert not self.errors, f"console errors on {self.page.url}: {self.errors}"
        assert not self.dialogs, f"dialogs on {self.page.url}: {self.dialogs}"


@pytest.fixture
def web(browser: Any, server: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    watched = Watched(context.new_page(), server)
    yield watched
    context.close()


def charts_drawn(page: Any, selector: str = ".chart-view") -> None:
    page.wait_for_function(
        "sel => [...document.querySelectorAll(sel)].every(e => e.classList.contains('drawn'))",
        arg=selector, timeout=20_000)


# ------------------------------------------------------------------------------ journeys


def test_open_the_dashboard_and_browse_an_edition(web: Watched) -> None:
    page = web.open("/")
    assert page.title().startswith("Dashboard")
    page.get_by_role("link", name="Concept explorer").click()
    page.get_by_role("link", name="kaz/2014-2020").click()
    assert page.url.endswith("/editions/kaz/2014-2020")
    page.select_option("#f-kind", "priority")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"kind=priority"))
    assert page.locator("section.kind").count() == 1
    assert page.locator("#k-priority").is_visible()
    page.locator("details.evidence summary").first.click()
    assert page.locator("details.evidence[open] .badge.level").first.is_visible()
    web.clean()


def test_diff_two_editions(web: Watched) -> None:
    page = web.open("/diff")
    page.select_option("#f-a", "kaz/2005")
    page.select_option("#f-b", "kaz/2014-2020")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"a=kaz%2F2005&b=kaz%2F2014-2020"))
    assert "kaz/2005 → kaz/2014-2020" in page.locator("h1").inner_text()
    assert page.locator("table.relations tbody tr").count() > 0
    assert page.locator("article.change .sides").count() > 0
    web.clean()


def test_search_and_open_a_document_with_its_annotations(web: Watched) -> None:
    page = web.open("/")
    page.fill("#home-q", "nuclear")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=nuclear"))
    assert page.locator("li.hit mark.a-hit").count() > 0
    assert "Why it matched" in page.locator("li.hit").first.inner_text()
    page.locator("li.hit h3 a").first.click()
    page.wait_for_url(re.compile(r"/documents/[0-9a-f]{64}#p-\d+"))
    assert page.locator("mark.a-actor").count() > 0
    assert page.locator("section.passage:target").count() == 1
    title = page.locator("mark.a-actor").first.get_attribute("title") or ""
    assert "actor: " in title  # what each mark stands for, and the rule that made it
    page.get_by_label("Actors").uncheck()  # the form sends itself
    page.wait_for_url(re.compile(r"layer="))
    assert page.locator("mark.a-actor").count() == 0
    assert page.locator("mark.a-theme").count() > 0
    web.clean()


def test_charts_render_and_hovering_shows_values_and_a_link(web: Watched) -> None:
    page = web.open("/analysis?country=KAZ&concept=kaz/2014-2020&period=edition")
    charts_drawn(page)
    assert page.locator("#chart-balance svg .mark-symbol path").count() > 0
    assert page.locator("#chart-coverage svg .mark-rect path").count() > 0
    point = page.locator("#chart-balance svg .mark-symbol path").first
    point.hover()
    tip = page.locator("#vg-tooltip-element.visible")
    tip.wait_for(timeout=5_000)
    assert "Balance index" in tip.inner_text() and "95% interval" in tip.inner_text()
    detail = page.locator("#chart-balance-detail a")
    assert detail.get_attribute("href", timeout=5_000).startswith("/documents?")
    web.clean()


def test_compare_page_draws_every_chart(web: Watched) -> None:
    page = web.open("/compare")
    charts_drawn(page)
    assert page.locator(".chart-view svg").count() == 3
    web.clean()


def test_a_shared_url_reproduces_the_view(web: Watched) -> None:
    page = web.open("/search?q=nuclear&country=KAZ&from=2016&theme=security")
    assert page.input_value("#f-q") == "nuclear"
    assert page.input_value("#f-country") == "KAZ"
    assert page.input_value("#f-from") == "2016"
    assert page.input_value("#f-theme") == "security"
    assert page.locator("details.more").get_attribute("open") is not None
    meta = page.locator("li.hit .sub").all_inner_texts()
    assert meta and all("Kazakhstan" in m and m[:4] >= "2016" for m in meta)
    page = web.open("/documents?country=UZB&limit=2")
    page.get_by_role("link", name="Next →").first.click()
    shared = page.url
    rows = page.locator("table.documents tbody tr").all_inner_texts()
    again = web.open(shared.removeprefix(web.base))
    assert again.locator("table.documents tbody tr").all_inner_texts() == rows
    web.clean()


def test_keyboard_reaches_the_main_controls(web: Watched) -> None:
    page = web.open("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    reached = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || "
                                     "document.activeElement.textContent.trim()"))
    assert "home-q" in reached  # the skip link jumped past the menu to the content
    page = web.open("/editions/kaz/2014-2020")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "f-kind":
            break
    else:
        pytest.fail("Tab never reached the kind filter")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    web.clean()


@pytest.mark.parametrize("path", ["/", "/editions", "/editions/kaz/2020-2030", "/diff",
                                  "/search?q=Aral", "/documents", "/votes", "/docs",
                                  "/annotate?coder=someone", "/annotate/disagreements"])
def test_no_console_error_or_csp_violation(web: Watched, path: str) -> None:
    page = web.open(path)
    if path == "/docs":
        page.locator(".swagger-ui .info").wait_for(timeout=15_000)
    if path == "/votes":
        charts_drawn(page)
    web.clean()


# ------------------------------------------------------------------------------ XSS


def test_no_payload_runs_on_any_page_that_shows_it(web: Watched) -> None:
    def unharmed(page: Any) -> None:
        assert page.evaluate("window.__xss") is None, page.url
        assert page.locator('a[href^="javascript:"]').count() == 0, page.url
        web.clean()

    for path in ("/documents?from=2019-05-14&to=2019-05-14", "/search?q=delegates praised",
                 "/search?q=nuclear safety&semantic=1&country=KAZ&from=2019"):
        page = web.open(path)
        assert "<script>window.__xss=1</script>Payload title" in page.inner_text("main")
        unharmed(page)
    page.get_by_role("link", name=re.compile("Payload title")).first.click()
    page.wait_for_load_state("networkidle")
    body = page.inner_text("main")
    assert "<script>window.__xss=5</script>" in body and "<svg onload=alert(7)>" in body
    assert "javascript:alert(4)" in body  # the author, as text
    assert page.locator("main img, main svg").count() == 0
    unharmed(page)
    # a chart tooltip: hover the events of 2019 until the hostile one shows its title
    page = web.open("/analysis?country=KAZ&concept=kaz/2014-2020&from=2019&to=2019")
    charts_drawn(page)
    points = page.locator("#chart-events svg .mark-symbol path")
    shown = ""
    for i in range(points.count()):
        points.nth(i).hover(force=True)
        tip = page.locator("#vg-tooltip-element.visible")
        if tip.count() and "Payload title" in tip.inner_text():
            shown = tip.inner_text()
            break
    assert "<script>window.__xss=1</script>" in shown
    assert page.locator("#vg-tooltip-element img").count() == 0
    unharmed(page)


# ------------------------------------------------------------------------------ writes


def test_label_a_passage_on_the_annotate_page(browser: Any, writer_server: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    web = Watched(context.new_page(), writer_server)
    page = web.open("/annotate")
    page.fill("#f-coder", "browser")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/annotate\?coder=browser"))
    doc_id = page.locator('input[name="doc_id"]').input_value()
    passage = page.locator('input[name="passage"]').input_value()
    boxes = page.locator('input[name="values"]')
    for i in range(boxes.count()):  # the suggestions come ticked: leave only one value
        if boxes.nth(i).is_checked():
            boxes.nth(i).uncheck()
    page.check('input[name="values"][value="regional.central_asia"]')
    chosen = page.locator('input[name="values"]:checked').evaluate_all(
        "boxes => boxes.map(b => b.value)")
    assert chosen == ["regional.central_asia"]
    page.fill("#f-token", TOKEN)
    page.press("#f-token", "Enter")  # the keyboard saves: Enter sends the form with Save
    page.wait_for_url(re.compile(r"saved="))
    assert "Saved your labels" in page.inner_text("main")
    assert page.input_value("#f-token") == TOKEN  # kept for the tab: asked for once
    assert page.locator('input[name="doc_id"]').input_value() != doc_id or \
        page.locator('input[name="passage"]').input_value() != passage  # the next passage
    stored = page.request.get(f"{writer_server}/api/v1/labels/passage/{doc_id}/{passage}")
    assert stored.json()["labels"] == {"browser": chosen}
    web.clean()
    context.close()
