#!/usr/bin/python3
"""The search box of a published index.html, in a real browser.

Writes a sample page with the test-only write_sample_index program (the
renderer `lists export` uses), opens it from file:// in Debian's headless
Chromium through chromedriver (python3-selenium), types into #search and
checks which rows are shown:
  - part of one enterprise's Chinese name: exactly that row;
  - part of a credit code, in lower case: exactly that row (the search
    ignores letter case);
  - a mixed-case Latin part of a name, typed in lower case;
  - nonsense: no row, and the "无匹配 / No match" line;
  - an empty box: every row, no "no match" line.
Bounded: page and wait timeouts, and an alarm for the whole run; the browser
is always quit.

Usage: index_search_test.py WRITE_SAMPLE_INDEX WORK_DIR
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WHOLE_RUN_SECONDS = 150
WAIT_SECONDS = 10

CODE_A = "91320100MA1W2X3Y6A"  # 苏州某某化工有限公司
CODE_B = "91320200MA1W2X3Y7B"  # 无锡蓝天印染有限公司
CODE_C = "91320300MA1W2X3Y8C"  # 徐州Acme钢铁集团 <Steel> & Co
CODE_REMOVED = "91320500MA1W2X3Y9D"  # 常州旧化肥厂 (removals table)
ALL_CODES = [CODE_A, CODE_B, CODE_C, CODE_REMOVED]


def on_alarm(signum, frame):
    raise TimeoutError(f"the browser test took over {WHOLE_RUN_SECONDS} s")


def make_driver(profile_dir):
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-quic", "--no-first-run",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile_dir}"):
        options.add_argument(flag)
    # An explicit driver path: Selenium never tries to fetch one.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER),
                              options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(10)
    return driver


def visible_codes(driver):
    rows = driver.find_elements(By.CSS_SELECTOR, "tr[data-search]")
    assert len(rows) == len(ALL_CODES), f"{len(rows)} searchable rows"
    shown = []
    for row in rows:
        if row.is_displayed():
            shown.append(row.find_element(By.CSS_SELECTOR, "td").text.strip())
    return shown


def no_match_shown(driver):
    return driver.find_element(By.ID, "no-match").is_displayed()


def type_query(driver, text):
    box = driver.find_element(By.ID, "search")
    # Select all and delete: fires the input event (clear() does not).
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    if text:
        box.send_keys(text)
    assert box.get_attribute("value") == text, box.get_attribute("value")


def expect(driver, query, codes, no_match):
    type_query(driver, query)
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(
            lambda d: visible_codes(d) == codes and no_match_shown(d) == no_match)
    except Exception:
        raise AssertionError(
            f"query {query!r}: rows {visible_codes(driver)} no-match "
            f"{no_match_shown(driver)}, wanted {codes} no-match {no_match}")
    print(f"ok: {query!r} -> {codes or 'no match'}")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    writer, work = sys.argv[1], sys.argv[2]
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(tool):
            print(f"{tool} is missing: run scripts/setup.sh (packages chromium, "
                  "chromium-driver, python3-selenium)", file=sys.stderr)
            return 1
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(WHOLE_RUN_SECONDS)

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    page = os.path.join(work, "index.html")
    subprocess.run([writer, page], check=True, timeout=30)

    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=work)
    driver = None
    try:
        driver = make_driver(profile)
        driver.get("file://" + os.path.abspath(page))
        assert "黑榜" in driver.title and "Black list" in driver.title, \
            driver.title
        expect(driver, "", ALL_CODES, False)
        expect(driver, "蓝天", [CODE_B], False)
        expect(driver, CODE_C[:12].lower(), [CODE_C], False)
        expect(driver, CODE_A, [CODE_A], False)
        expect(driver, "acme", [CODE_C], False)
        expect(driver, "旧化肥", [CODE_REMOVED], False)
        expect(driver, "no-such-enterprise-xyz", [], True)
        expect(driver, "", ALL_CODES, False)
        # Escaped, so shown as text and not as markup.
        assert "<Steel> & Co" in driver.find_element(By.ID, "entries").text
        print("1 passed, 0 failed")
        return 0
    finally:
        if driver is not None:
            try:
                driver.quit()
            except Exception as error:  # never hide the real failure
                print(f"quitting the browser failed: {error}", file=sys.stderr)
        signal.alarm(0)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
