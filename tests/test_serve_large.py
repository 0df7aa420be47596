"""The review pages at about 20,000 profiles (the generated world community,
merged once), each page answered and photographed in Chromium for the CI
artifacts. Built on the PostgreSQL server pass only (CPPA_IDENTITY_TEST_DSN):
the merge alone takes a minute and a half, once per CI run is its budget."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from benchmarks import community
from loaders import db as dbmod
from loaders.ops.runs import run

from .test_serve import Served, start, system_chromium

PEOPLE = 8_800  # about 20,000 profiles

pytestmark = pytest.mark.skipif(
    not os.environ.get("CPPA_IDENTITY_TEST_DSN"),
    reason="the 20,000-profile pages are built on the PostgreSQL server pass only",
)


@pytest.fixture(scope="module")
def large(module_database: dbmod.Database) -> Iterator[tuple[Served, str, int]]:
    people = community.generate(PEOPLE)
    community.load(people, source="test")
    dbmod.close_pool()
    summary = run(module_database, full=True)
    assert summary.outcome == "success", summary
    with psycopg.connect(module_database.conninfo) as conn:
        profiles = conn.execute("select count(*) from cppa_raw.profiles").fetchone()[0]
    server = start(module_database)
    yield server, module_database.conninfo, int(profiles)
    server.stop()


def test_every_page_at_20000_profiles(large: tuple[Served, str, int], tmp_path: Path) -> None:
    """Each page answers in seconds with 20,000 profiles behind it, shows what it
    is for (candidates, hits, a drawn or tabled identity, audit rows, runs), and
    is photographed as `large-<page>.png`."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    served, conninfo, profiles = large
    assert 19_000 <= profiles <= 21_000
    with psycopg.connect(conninfo) as conn:
        biggest = conn.execute(
            "select id from cppa_identity.identity order by profile_count desc, id limit 1"
        ).fetchone()[0]
        drawn = conn.execute(
            "select id from cppa_identity.identity where profile_count between 4 and 60"
            " order by profile_count desc, id limit 1"
        ).fetchone()[0]
    pages = {
        "queue": ("/", "article.pair"),
        "queue-page-5": ("/?page=5", "article.pair"),
        "search": ("/search?q=wang", ".hits a"),
        "identity": (f"/identity/{drawn}", "svg.graph line"),
        "identity-biggest": (f"/identity/{biggest}", "table.evidence td"),
        "audit": ("/audit?evidence=probable_match", "button.split-out"),
        "accept": ("/accept", "h1"),
        "decisions": ("/decisions", "h1"),
        "runs": ("/runs", "table.runs"),
    }
    chromium, driver_path = system_chromium()
    shots = Path(os.environ.get("CPPA_IDENTITY_TEST_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1280,1000")
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    took: dict[str, float] = {}
    try:
        browser.get(f"{served.url}/?token={served.token}")
        for name, (path, css) in pages.items():
            started = time.perf_counter()
            browser.get(served.url + path)
            took[name] = time.perf_counter() - started
            assert browser.find_elements(By.CSS_SELECTOR, css), (name, path)
            assert not re.search(r"Traceback|psycopg\.", browser.page_source), name
            tall = browser.execute_script("return document.documentElement.scrollHeight")
            browser.set_window_size(1280, min(max(int(tall), 1000), 4000))  # the whole page
            browser.save_screenshot(str(shots / f"large-{name}.png"))
            browser.set_window_size(1280, 1000)
        severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not severe, severe
    finally:
        browser.quit()
    assert max(took.values()) < 10, took
