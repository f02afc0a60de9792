"""The dashboard's pages, driven in-process: each renders from the query string alone, links its
JSON twin, shows thin evidence as flagged, turns bad input into an HTML error page with a hint
and a 4xx status, and never lets document text or metadata become markup."""

from __future__ import annotations

import glob
import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from multivector.interfaces.web import WebSettings, create_app
from multivector.interfaces.web.app import public_message
from multivector.interfaces.web.highlight import Span, highlight, segments
from multivector.interfaces.web.pages import base

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src/multivector/interfaces/web"
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
# payloads of the escaping test: each would run if a page let it through as markup
PAYLOAD_TITLE = '<script>window.__xss=1</script>Payload "title" <img src=x onerror=alert(1)>'
PAYLOAD_AUTHOR = '<img src=x onerror="window.__xss=2">javascript:alert(3)'
PAYLOAD_TEXT = (
    "Kazakhstan and Russia signed an agreement on nuclear safety in Astana. "
    '<script>window.__xss=4</script> <a href="javascript:window.__xss=5">link</a> '
    "<svg onload=alert(6)> The delegates praised the nuclear safety plan."
)


@pytest.fixture(scope="module")
def client(web_db: Path) -> TestClient:
    return TestClient(create_app(WebSettings(db=str(web_db), read_only=True)))


@pytest.fixture(scope="module")
def fetch(client: TestClient) -> Any:
    """GET a page once per module (the analysis pages take seconds)."""
    seen: dict[str, Any] = {}

    def get(path: str) -> Any:
        if path not in seen:
            seen[path] = client.get(path)
        return seen[path]

    return get


@pytest.fixture(scope="module")
def hostile_db(web_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the web corpus with one more document whose text, title, author and source
    hold script, event-handler and javascript: payloads (read from a JSON Lines file)."""
    from multivector.services.corpus import Corpus
    from multivector.services.knowledge import default_knowledge
    from multivector.services.stores import open_store

    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "corpus.db"
    shutil.copy(web_db, db)
    rows = folder / "hostile.jsonl"
    rows.write_text(json.dumps({
        "text": PAYLOAD_TEXT, "title": PAYLOAD_TITLE, "author": PAYLOAD_AUTHOR,
        "source": "<b onmouseover=alert(7)>feed</b>", "date": "2019-05-14", "country": "KAZ",
        "language": "en", "genre": "news", "symbol": "javascript:alert(8)",
    }) + "\n", encoding="utf-8")
    with Corpus(store=open_store(db), knowledge=default_knowledge(),
                edition="kaz/2014-2020") as corpus:
        report = corpus.ingest([rows])
    assert report.ok and len(report.doc_ids) == 1, report
    return db


@pytest.fixture(scope="module")
def hostile(hostile_db: Path) -> TestClient:
    return TestClient(create_app(WebSettings(db=str(hostile_db), read_only=True)))


def first_document(client: TestClient, **params: str) -> str:
    page = client.get(base.url("/documents", params)).text
    found = re.search(r'href="(/documents/[0-9a-f]{64})"', page)
    assert found, page[:500]
    return found.group(1)


def assert_inert(page: str) -> None:
    """No inline script (only src= or inert JSON blocks), no inline style or event handler,
    no javascript: link."""
    for attrs in SCRIPT_TAG.findall(page):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs
    assert not re.search(r"<[a-z][^>]*\sstyle=", page, re.I)
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", page, re.I)
    assert not re.search(r"""href=["']?\s*javascript:""", page, re.I)


def twins(page: str) -> list[str]:
    aside = page.split('<aside class="twins"', 1)
    assert len(aside) == 2, "the page links no JSON twin"
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', aside[1].split("</aside>")[0])]


# ------------------------------------------------------------------------------ every page


PAGES = ["/", "/editions", "/editions/kaz/2014-2020", "/diff", "/search",
         "/search?q=nuclear", "/documents",
         "/analysis?country=KAZ&concept=kaz/2014-2020&period=edition",
         "/compare", "/votes?country=KAZ&with=RUS,USA", "/docs"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_with_no_inline_script_or_style(fetch: Any, path: str) -> None:
    r = fetch(path)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert '<a class="skip" href="#main">' in r.text and '<main id="main"' in r.text
    assert_inert(r.text)


@pytest.mark.parametrize("path", [p for p in PAGES if p not in ("/", "/docs", "/search")])
def test_every_page_links_its_json_twin_with_the_same_filters(fetch: Any, path: str) -> None:
    links = twins(fetch(path).text)
    assert links and all(link.startswith("/api/v1/") for link in links)
    assert any("format=csv" in link for link in links)
    own = parse_qs(urlsplit(path).query)
    for name, values in own.items():  # each filter of the page reaches the twin
        assert any(values[0] in parse_qs(urlsplit(link).query).get(name, [""])[0]
                   for link in links), (name, links)


def test_twin_links_name_api_paths_and_parameters_the_spec_declares(client: TestClient,
                                                                     fetch: Any) -> None:
    """Every JSON and CSV link of every page is an operation of the OpenAPI description,
    called with parameters it declares (the API refuses others)."""
    spec = client.get("/openapi.json").json()
    if "/api/v1/editions" not in spec["paths"]:
        pytest.skip("the REST API's endpoints are not in this tree yet")
    operations = []
    for template, item in spec["paths"].items():
        pattern = re.sub(r"\\{[^}/]+\\}", "[^/]+", re.escape(template))
        names = {p["name"] for p in item.get("get", {}).get("parameters", [])
                 if p["in"] == "query"}
        operations.append((re.compile(pattern + "$"), names))
    doc = first_document(client)
    for path in [*PAGES, doc, "/votes?country=KAZ&with=USA&evidence=USA:2015"]:
        for link in twins(fetch(path).text) if path not in ("/search", "/docs") else []:
            parts = urlsplit(link)
            declared = [names for pattern, names in operations if pattern.match(parts.path)]
            assert declared, f"{path}: no API path {parts.path}"
            assert set(parse_qs(parts.query)) <= declared[0], (path, link, declared[0])


def test_form_controls_are_labelled(fetch: Any) -> None:
    for path in ("/search?q=nuclear", "/documents", PAGES[7], "/diff", "/compare",
                 "/editions/kaz/2014-2020", "/votes?country=KAZ&with=RUS,USA"):
        page = fetch(path).text
        ids = set(re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', page))
        labelled = set(re.findall(r'<label for="([^"]+)"', page))
        assert ids <= labelled, (path, ids - labelled)


# ------------------------------------------------------------------------------ concepts


def test_edition_page_filters_by_kind_and_level_from_the_query(client: TestClient) -> None:
    page = client.get("/editions/KAZ/2014-2020?kind=priority&level=secondary").text
    kinds = set(re.findall(r'<section class="kind" aria-labelledby="k-([a-z_]+)"', page))
    assert kinds == {"priority"}
    elements = page.split('<section class="kind"')[1].split('aria-labelledby="h-sources"')[0]
    assert 'level-secondary' in elements and 'level-official"' not in elements
    assert '<option value="priority" selected>' in page  # the form shows the state
    assert "Evidence:" in page and "level-secondary" in page


def test_diff_page_sets_editions_side_by_side(client: TestClient) -> None:
    page = client.get("/diff?a=kaz/2014-2020&b=kaz/2020-2030").text
    assert "Relations with partners" in page and "China" in page
    assert 'class="dir dir-up"' in page
    assert page.count('class="sides"') > 10
    added = client.get("/diff?a=kaz/2014-2020&b=kaz/2020-2030&type=added").text
    assert added.count('<article class="change change-added">') == added.count(
        '<article class="change')


# ------------------------------------------------------------------------------ corpus


def test_search_marks_the_words_and_says_why_they_matched(client: TestClient) -> None:
    page = client.get("/search?q=Россия").text
    assert '<mark class="a a-hit"' in page
    assert "also searched as" in page  # the actor's other names
    assert "a name of Russia" in page  # a word matched as an alias


def test_search_pages_with_a_cursor_the_api_would_take(client: TestClient) -> None:
    first = client.get("/search?q=nuclear&limit=5").text
    found = re.search(r'href="(/search\?[^"]*cursor=[^"]+)" rel="next"', first)
    assert found
    second = client.get(html.unescape(found.group(1)))
    assert second.status_code == 200 and '<ol class="hits" start="6">' in second.text
    cursor = parse_qs(urlsplit(html.unescape(found.group(1))).query)["cursor"][0]
    assert any(f"cursor={cursor}" in t for t in twins(second.text))
    assert client.get("/search?q=nuclear&cursor=" + cursor).status_code == 200
    assert client.get("/search?q=water&cursor=" + cursor).status_code == 400  # another query


def test_documents_list_filters_and_pages(client: TestClient) -> None:
    page = client.get("/documents?country=UZB&limit=3").text
    assert page.count("<tr>") == 4  # the header and three rows
    assert "Uzbekistan" in page and "Kyrgyzstan" not in page.split("<tbody>")[1]
    total = re.search(r"Documents 1–3 of (\d+)", page)
    assert total and int(total.group(1)) > 3 and 'rel="next"' in page


def test_document_marks_annotations_inline_by_layer(client: TestClient) -> None:
    doc = first_document(client, country="KAZ")
    page = client.get(doc).text
    assert '<mark class="a a-actor"' in page and "a-theme" in page
    only = client.get(doc + "?layer=theme").text
    assert "a-actor" not in only.split('<div class="text"')[1] and "a-theme" in only
    none = client.get(doc + "?layer=").text
    assert "<mark" not in none.split('<div class="text"')[1]
    assert '<input type="checkbox" name="layer" value="theme" checked>' in only


# ------------------------------------------------------------------------------ analyses


def chart_specs(page: str) -> dict[str, Any]:
    blocks = re.findall(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page,
                        re.S)
    return {name: json.loads(body) for name, body in blocks}


def test_analysis_charts_embed_vega_lite_and_flag_thin_evidence(fetch: Any) -> None:
    page = fetch("/analysis?country=KAZ&concept=kaz/2014-2020&period=year").text
    specs = chart_specs(page)
    assert {"chart-balance-spec", "chart-shares-spec", "chart-events-spec",
            "chart-votes-spec"} <= set(specs)
    balance = specs["chart-balance-spec"]["data"]["values"]
    # one statement a year is under the evidence rule: an interval, never a number
    assert balance and all(r["thin"] and r["value"] is None and r["low"] is not None
                           for r in balance)
    assert "insufficient evidence" in page
    assert all(r["href"].startswith("/documents?") for r in balance)
    votes = specs["chart-votes-spec"]["data"]["values"]
    assert all(r["href"].startswith("/votes?") and "evidence=" in r["href"] for r in votes)
    assert '<script src="/static/vendor/vega/vega-interpreter.js"></script>' in page


def test_edition_periods_give_numbers_with_intervals(fetch: Any) -> None:
    page = fetch(PAGES[7]).text
    rows = chart_specs(page)["chart-balance-spec"]["data"]["values"]
    sure = [r for r in rows if not r["thin"]]
    assert sure and all(r["low"] <= r["value"] <= r["high"] for r in sure)


def test_compare_and_votes_pages(client: TestClient) -> None:
    page = client.get("/compare?country=KAZ,UZB").text
    assert "Kazakhstan, Uzbekistan compared" in page
    declared = page.split('id="h-declared"')[1]
    # only Kazakhstan has an encoded edition: no profile is inferred or borrowed for Uzbekistan
    assert "(Kazakhstan)" in declared and "(Uzbekistan)" not in declared
    votes = client.get("/votes?country=KAZ&with=USA&evidence=USA:2015").text
    assert "Roll calls behind one figure: Kazakhstan and United States, 2015" in votes
    assert votes.count('<td class="nowrap">2015-') > 10  # one row per roll call


# ------------------------------------------------------------------------------ errors


@pytest.mark.parametrize(("path", "status", "words"), [
    ("/editions/kaz/2021", 404, "did you mean"),
    ("/diff?a=kaz/2014-2020&b=/etc/passwd", 404, "no concept edition"),
    ("/search?q=nuclear&country=KAX", 400, "unknown country"),
    ("/search?q=nuclear&theme=securty", 400, "did you mean security"),
    ("/search?q=nuclear&cursor=bogus", 400, "cursor"),
    ("/documents?cursor=wrIuZGU2NjFjNmU1YmRl", 400, "cursor"),  # offset "²", its fingerprint
    ("/documents?from=2020&to=2010", 400, "later than"),
    ("/documents/abcd1234", 404, "no document"),
    ("/documents/zz", 400, "not a document id"),
    ("/analysis?period=sometimes", 400, "not a period"),
    ("/votes?measure=cosine", 400, "measure"),
    # a misspelt filter is refused, as the API refuses it, not ignored (the whole corpus)
    ("/documents?contry=KAZ", 400, "did you mean country"),
    ("/search?q=nuclear&them=security", 400, "did you mean theme"),
    ("/editions/kaz/2014-2020?kinds=goal", 400, "did you mean kind"),
])
def test_bad_input_is_a_friendly_html_error(client: TestClient, path: str, status: int,
                                            words: str) -> None:
    r = client.get(path)
    assert r.status_code == status, r.text[:300]
    assert r.headers["content-type"].startswith("text/html")
    assert words in html.unescape(r.text)
    assert "Traceback" not in r.text and 'class="error-hint"' in r.text


def test_an_error_page_names_no_server_path(tmp_path: Path) -> None:
    db = tmp_path / "private" / "corpus.db"
    said = public_message(f"--db: cannot read {db} in {db.parent}", WebSettings(db=str(db)))
    assert str(tmp_path) not in said and said.startswith("db: cannot read the corpus")


def test_a_request_never_reads_a_server_file(client: TestClient, tmp_path: Path) -> None:
    fake = tmp_path / "edition.yaml"
    fake.write_text("id: x/1\n", encoding="utf-8")
    assert client.get(f"/diff?a={fake}&b=kaz/2020-2030").status_code == 404


# ------------------------------------------------------------------------------ escaping


def test_document_text_and_metadata_stay_text(hostile: TestClient) -> None:
    doc = first_document(hostile, source="<b onmouseover=alert(7)>feed</b>")
    pages = {
        "list": hostile.get("/documents?from=2019-05-14&to=2019-05-14").text,
        "document": hostile.get(doc).text,
        "search": hostile.get("/search?q=delegates praised").text,
        "analysis": hostile.get("/analysis?country=KAZ&concept=kaz/2014-2020").text,
    }
    for name, page in pages.items():
        assert_inert(page)
        assert "<script>window.__xss" not in page, name
        assert "<img src=x" not in page and "<svg onload" not in page, name
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in pages["document"]  # the title
    assert "&lt;script&gt;window.__xss=4&lt;/script&gt;" in pages["document"]  # the text
    assert "javascript:alert(3)" in pages["document"]  # the author, as text
    assert "https://undocs.org/javascript%3Aalert" in pages["document"]  # never a JS link
    # in a chart's data the payload is JSON text, and "</script>" cannot end the block
    assert "\\u003cscript\\u003ewindow.__xss=1" in pages["analysis"]


def test_the_search_snippet_is_escaped_around_its_marks(hostile: TestClient) -> None:
    page = hostile.get("/search?q=delegates").text
    assert '<mark class="a a-hit" title="matched the query">delegates</mark>' in page
    assert "&lt;svg onload=alert(6)&gt;" in page or "svg onload" not in page


@given(st.text(max_size=60), st.lists(st.tuples(st.integers(-5, 70), st.integers(-5, 70),
                                                st.sampled_from(["actor", "theme", "x y"])),
                                      max_size=8))
def test_highlight_keeps_the_text_and_never_nests(text: str, raw: list[tuple[int, int, str]]
                                                  ) -> None:
    spans = [Span(a, b, layer, title=text[:5]) for a, b, layer in raw]
    out = str(highlight(text, spans))
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    assert "<mark" not in re.sub(r"<mark[^>]*>[^<]*</mark>", "", out)  # flat, no nesting
    pieces = segments(len(text), spans)
    assert "".join(text[a:b] for a, b, _ in pieces) == text


def test_highlight_offsets_are_relative_to_the_passage() -> None:
    out = highlight("a <b> c", [Span(102, 105, "actor", "the <b>")], offset=100)
    assert str(out) == 'a <mark class="a a-actor" title="the &lt;b&gt;">&lt;b&gt;</mark> c'


# ------------------------------------------------------------------------------ packaging


def test_document_columns_agree_with_the_store() -> None:
    from multivector.store.base import DOCUMENT_COLUMNS

    assert base.DOCUMENT_COLUMNS == DOCUMENT_COLUMNS


def _package_globs() -> Iterator[str]:
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    yield from data["tool"]["setuptools"]["package-data"]["multivector"]


def test_every_template_and_static_file_ships_in_the_wheel() -> None:
    """setuptools reads package-data as recursive globs under the package."""
    package = ROOT / "src/multivector"
    shipped = {Path(f) for g in _package_globs()
               for f in glob.glob(str(package / g), recursive=True)}
    files = [p for folder in ("templates", "static") for p in (WEB / folder).rglob("*")
             if p.is_file()]
    assert files and set(files) <= shipped, sorted(str(f) for f in set(files) - shipped)


def test_vendored_scripts_keep_their_licences() -> None:
    vendor = WEB / "static/vendor"
    for name in ("vega", "vega-lite", "vega-embed", "vega-interpreter"):
        assert (vendor / "vega" / f"LICENSE-{name}").is_file()
    assert (vendor / "swagger-ui/LICENSE").is_file()
    assert not list(vendor.rglob("*.map"))
