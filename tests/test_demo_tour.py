"""The tour (make demo): a quick run proves each part's claim, and out/index.html shows the parts in
order, each with its numbers and pictures, none of them a strip; a headless Chromium opens the page and
checks that every picture loads and nothing is wider than the window."""
from __future__ import annotations

import contextlib
import html
import importlib.util
import io
import json
import os
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import load_demo, run_quick

TITLES = ["A tanh neuron on scalars", "A 3-step RNN layer, every op drawn", "BPTT by hand",
          "A character LSTM completes words", "Vanishing gradients"]
MAX_ASPECT = 4.0                 # wider than this (width / height) a drawing is an illegible strip


@pytest.fixture(scope="module")
def tour_run(out):
    """The quick tour's results, its folder and what it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        results = run_quick(load_demo("tour"), out)
    return results, out, printed.getvalue()


def size(path: Path) -> tuple:
    """(width, height) of an SVG (in its own units) or a PNG (in pixels)."""
    if path.suffix == ".svg":
        root = ET.parse(path).getroot()
        return tuple(float(re.match(r"[\d.]+", root.get(k)).group()) for k in ("width", "height"))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_neuron_gradient_equals_the_hand_derivative(tour_run):
    results, _, _ = tour_run
    assert results["neuron"]["dw1"] == pytest.approx(results["neuron"]["dw1_by_hand"], abs=1e-15)
    assert results["rnn"]["gradcheck"] is True


def test_each_part_keeps_its_claim(tour_run):
    results, _, _ = tour_run
    assert results["bptt"]["total_diff"] < 1e-10 and results["bptt"]["term_diff"] < 1e-10
    lm = results["autocomplete"]
    assert lm["perplexity"] < lm["bigram"] < lm["unigram"]
    assert all(word.startswith(prefix) for prefix, found in lm["completions"].items() for word, _ in found)
    nets = results["vanishing"]["nets"]
    small = nets["tanh RNN, lambda_1 = 0.5"]["norms"]
    lstm = nets["LSTM, forget bias +3"]["norms"]
    assert small[-1] < 1e-3 * small[0] and lstm[-1] > 100 * small[-1]
    assert results["kept"]["lstm"] > 10 * results["kept"]["rnn"]         # the 8-step drawings show it too


def test_the_terminal_numbers_its_parts_once_in_order(tour_run):
    _, _, printed = tour_run
    headings = re.findall(r"^== Part (\d) of 5", printed, flags=re.M)
    assert headings == ["1", "2", "3", "4", "5"]
    after_last = printed.split("== Part 5 of 5")[1]
    assert not re.search(r"^\d\. ", after_last, flags=re.M)          # no sub-demo numbering restarts
    for name in ("tour_neuron.svg", "tour_char_lstm", "vanishing_gradients.png", "tour_vanishing_lstm.svg"):
        assert re.search(rf"^wrote .*{re.escape(name)}", printed, flags=re.M), name
    assert re.search(r"^The tour on one page, .*index\.html$", printed, flags=re.M)


def test_index_has_the_parts_in_order_with_numbers_and_pictures(tour_run):
    results, out, _ = tour_run
    page = results["index"].read_text()
    assert re.findall(r"<h2>(?:\d\. )?([^<]+)</h2>", page) == \
        [html.escape(t) for t in TITLES] + ["Read on", "Every demo"]
    assert re.findall(r"<h2>(\d)\. ", page) == ["1", "2", "3", "4", "5"]
    sections = page.split("<section")[1:]
    lm = results["autocomplete"]
    assert f"LSTM {lm['perplexity']:.2f}, bigram {lm['bigram']:.2f}" in sections[3]
    assert "fun| -&gt; " + lm["completions"]["fun"][0][0] in sections[3]
    assert f"{results['bptt']['term_diff']:.1e}" in sections[2]
    for number, text in enumerate(sections, 1):
        pictures = re.findall(r'<img src="([^"]+)"', text)
        assert pictures, f"part {number} has no picture"
        for name in pictures:
            width, height = size(out / name)
            assert width / height <= MAX_ASPECT, f"{name} is a strip: {width:g} x {height:g}"
    if importlib.util.find_spec("matplotlib"):                           # real plots, not text charts
        assert {"bptt_by_hand.png", "tour_char_lstm.png", "vanishing_gradients.png"} <= \
            set(re.findall(r'<img src="([^"]+)"', page))


def test_index_links_to_the_docs_and_every_demo(tour_run):
    results, out, _ = tour_run
    page = results["index"].read_text()
    targets = {os.path.normpath(out / html.unescape(h)) for h in re.findall(r'<a href="([^"#]+)"', page)}
    assert all(os.path.exists(t) for t in targets)
    root = Path(__file__).resolve().parent.parent
    for doc in ("tour", "drawing", "equations", "extending", "pytorch"):
        assert str(root / "docs" / f"{doc}.md") in targets
    demos = {p for p in (root / "demos").glob("*.py") if "def main(" in p.read_text() and p.name[0] != "_"}
    assert {str(p) for p in demos} <= targets and len(demos) >= 10


def chromium() -> str | None:
    return next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)


CHECK = """<script>window.addEventListener('load', () => {
  const images = [...document.images].map(i => ({src: i.getAttribute('src'), natural: i.naturalWidth,
      width: i.getBoundingClientRect().width, height: i.getBoundingClientRect().height}));
  document.documentElement.setAttribute('data-check', JSON.stringify({images,
      scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth}));
});</script>"""


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (Debian: apt-get install chromium; "
                    ".ci/run installs it)")
@pytest.mark.parametrize("width", [1000, 480])
def test_the_page_in_a_real_browser(tour_run, width):
    results, out, _ = tour_run
    probe = out / f"_check_{width}.html"                       # beside index.html, so the pictures resolve
    probe.write_text(results["index"].read_text().replace("</body>", CHECK + "</body>"))
    done = subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--hide-scrollbars",
                           f"--window-size={width},900", "--virtual-time-budget=10000", "--dump-dom",
                           probe.as_uri()], capture_output=True, text=True, timeout=120)
    found = re.search(r'data-check="([^"]*)"', done.stdout)
    assert found, f"no result from Chromium: {done.stderr[-2000:]}"
    check = json.loads(html.unescape(found.group(1)))
    assert len(check["images"]) >= 7
    for image in check["images"]:
        assert image["natural"] > 0, f"{image['src']} did not load"
        assert image["width"] <= check["innerWidth"] and image["width"] / image["height"] <= MAX_ASPECT, image
    assert check["scrollWidth"] <= check["innerWidth"], "something on the page is wider than the window"


def test_the_page_shows_a_text_chart_or_a_skipped_drawing_in_words(tmp_path):
    page = load_demo("_page")
    chart = tmp_path / "curve.txt"
    chart.write_text("3 |  * <\n")
    assert page.figure(tmp_path, chart, "a curve") == \
        "<figure><pre>3 |  * &lt;\n</pre><figcaption>a curve</figcaption></figure>"
    assert "drawing skipped: Graphviz's dot is not installed" in page.figure(tmp_path, None, "x")
    assert '<img src="sub/p.png" alt="a &lt;b&gt;">' in page.figure(tmp_path, tmp_path / "sub" / "p.png", "a <b>")
