#!/usr/bin/python3
"""The published pages in a real browser: search, words, phone width, links.

Writes a sample published tree with the test-only write_sample_tree program
(the code `lists export` uses: two black-list folders, an honour list,
ROOT/index.html and ROOT/public-key.pem), opens the pages from file:// in
Debian's headless Chromium through chromedriver (python3-selenium), and:
  - on black/2/index.html types into #search and checks which rows show:
    part of a Chinese name, part of a credit code in lower case, a
    mixed-case Latin part typed in lower case, nonsense ("无匹配 / No
    match"), an empty box (every row);
  - checks that each page speaks Chinese in words (the issuer, what the list
    means, reasons in words, Beijing time) and names no code of the API;
  - at a 390 px wide phone screen, checks that nothing is wider than the
    screen (no sideways scrolling), and saves a screenshot of each page to
    WORK_DIR/screens/ (fonts-noto-cjk makes the Chinese readable there);
  - checks that every link of every page leads to a file of the tree
    (tel:, mailto: and https: links are not followed);
  - writes a second tree with one black list of 100,000 entries and checks
    that its index.html is small (bytes: the rows are in the data files it
    loads with <script src>), that `envcredit-admin lists verify` passes on
    the folder, and what the search finds in it: a code deep in the list, a
    name part shared by 9 entries, nothing, and the first 200 rows with a
    line saying how many there are for an empty box.
Bounded: page and wait timeouts, and an alarm for the whole run; the browser
is always quit.

Usage: index_search_test.py WRITE_SAMPLE_TREE WORK_DIR ENVCREDIT_ADMIN
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WHOLE_RUN_SECONDS = 360
WAIT_SECONDS = 10
# The rows of the large page arrive from about 25 MB of data files.
LOAD_SECONDS = 120

LARGE_ENTRIES = 100000
# index.html of the large list: the page alone, without its data files.
LARGE_PAGE_MAX_BYTES = 64 * 1024

CODE_A = "91320100MA1W2X3Y6A"  # 苏州某某化工有限公司
CODE_B = "91320200MA1W2X3Y7B"  # 无锡蓝天印染有限公司
CODE_C = "91320300MA1W2X3Y8C"  # 徐州Acme钢铁集团 <Steel> & Co …
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


def wait_loaded(driver):
    """Waits until the page has read its data files and shown its rows."""
    WebDriverWait(driver, LOAD_SECONDS).until(
        lambda d: d.execute_script(
            "return document.documentElement.getAttribute('data-rows')")
        == "loaded")


def visible_codes(driver, table=None):
    selector = (f"#{table} " if table else "") + "tr[data-search]"
    rows = driver.find_elements(By.CSS_SELECTOR, selector)
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


PHONE_WIDTH = 390

# Words each page must show (a citizen reads them), and codes it must not.
WORDS = {
    "black/2/index.html": [
        "示例市生态环境局", "环境信用黑榜", "本名单说明", "严重失信（黑色）",
        "超标排放；罚款、移送涉嫌环境犯罪", "（北京时间）", "信用修复", "异议",
        "0512-12369000", "最早可申请修复日期", "公示期满移出",
        "上一期", "发布机关公钥"],
    "honor/1/index.html": [
        "示例市生态环境局", "环境信用红榜", "环保诚信（绿色）", "南通绿水纺织有限公司"],
    "index.html": [
        "环境信用红黑榜", "第 2 期", "第 1 期", "发布机关公钥", "示例市生态环境局"],
}
CODES = ["EXCEEDING_DISCHARGE_STANDARDS", "TRANSFER_FOR_CRIMINAL_INVESTIGATION",
         "REMOVAL_EXPIRED", "SPEC", "doc/"]


def body_text(driver):
    return driver.find_element(By.TAG_NAME, "body").text


def check_words(driver, page):
    text = body_text(driver)
    for word in WORDS[page]:
        assert word in text, f"{page}: {word!r} is not shown"
    for code in CODES:
        assert code not in text, f"{page}: shows the code {code!r}"
    print(f"ok: {page} shows its words")


def phone_width(driver):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": PHONE_WIDTH, "height": 844, "deviceScaleFactor": 1,
        "mobile": True})


def phone_off(driver):
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def check_no_overflow(driver, page, screens):
    # The page must not scroll sideways, and no element may stick out.
    widths = driver.execute_script("""
        var doc = document.documentElement;
        var wide = [];
        document.querySelectorAll('body *').forEach(function (el) {
          var r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > doc.clientWidth + 1) {
            wide.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' +
                      Math.round(r.right));
          }
        });
        return [doc.scrollWidth, doc.clientWidth, window.innerWidth,
                wide.slice(0, 5)];
    """)
    scroll, client, inner, wide = widths
    assert inner == PHONE_WIDTH, f"{page}: viewport {inner} px, not {PHONE_WIDTH}"
    assert scroll <= client and not wide, \
        f"{page}: {scroll} px wide on a {client} px screen; sticking out: {wide}"
    name = page.replace("/", "-").replace(".html", "") + "-390.png"
    driver.save_screenshot(os.path.join(screens, name))
    print(f"ok: {page} fits {PHONE_WIDTH} px (screens/{name})")


def check_links(driver, page, root):
    hrefs = driver.execute_script(
        "return Array.prototype.map.call(document.querySelectorAll('a[href]'),"
        " function (a) { return a.getAttribute('href'); });")
    assert hrefs, f"{page}: no links"
    base = os.path.join(root, page)
    followed = 0
    for href in hrefs:
        scheme = urllib.parse.urlparse(href).scheme
        if scheme in ("tel", "mailto", "https"):
            continue
        assert scheme == "", f"{page}: link {href!r} leaves the tree"
        target = os.path.normpath(os.path.join(os.path.dirname(base), href))
        assert target.startswith(os.path.abspath(root) + os.sep), \
            f"{page}: link {href!r} points outside the tree"
        assert os.path.isfile(target), f"{page}: link {href!r} leads nowhere"
        followed += 1
    print(f"ok: {page}: {followed} links lead to files")


def expect_large(driver, query, codes, no_match=False, more=None):
    """The entries shown for `query` (codes, or a count), and whether the
    "first 200 of N" line shows N = `more`."""
    type_query(driver, query)
    def shown(d):
        got = visible_codes(d, "entries")
        if (len(got) if isinstance(codes, int) else got) != codes:
            return False
        if no_match_shown(d) != no_match:
            return False
        note = d.find_element(By.ID, "entries-more")
        if more is None:
            return not note.is_displayed()
        return note.is_displayed() and f"of {more};" in note.text
    try:
        WebDriverWait(driver, WAIT_SECONDS).until(shown)
    except Exception:
        got = visible_codes(driver, "entries")
        raise AssertionError(
            f"large list, query {query!r}: {len(got)} rows {got[:5]}, wanted "
            f"{codes}, more {more}")
    print(f"ok: large list, {query!r} -> "
          f"{codes if isinstance(codes, int) else len(codes)} rows")


def large_code(serial):
    return f"9132010000{serial:08d}"


def check_large_list(driver, admin, large_root):
    folder = os.path.join(large_root, "black", "1")
    page = os.path.join(folder, "index.html")
    size = os.path.getsize(page)
    data = [f for f in os.listdir(folder) if f.startswith("entries-")]
    assert size <= LARGE_PAGE_MAX_BYTES, \
        f"index.html of {LARGE_ENTRIES} entries is {size} bytes"
    assert len(data) == LARGE_ENTRIES // 2000, f"data files: {sorted(data)}"
    print(f"ok: index.html of {LARGE_ENTRIES} entries is {size} bytes, "
          f"{len(data)} entry data files")
    verified = subprocess.run(
        [admin, "lists", "verify", folder, "--public-key",
         os.path.join(large_root, "public-key.pem")],
        capture_output=True, text=True, timeout=60)
    assert verified.returncode == 0, verified.stderr
    print("ok: lists verify passes on the large folder")

    driver.get("file://" + page)
    wait_loaded(driver)
    assert f"({LARGE_ENTRIES})" in body_text(driver)
    expect_large(driver, "", 200, more=LARGE_ENTRIES)
    expect_large(driver, large_code(73456).lower(), [large_code(73456)])
    expect_large(driver, "蓝鲸",
                 [large_code(10007 * k) for k in range(1, 10)])
    expect_large(driver, "示例", 200, more=LARGE_ENTRIES - 9)
    expect_large(driver, "no-such-enterprise-xyz", [], no_match=True)
    # The removals are searched too.
    type_query(driver, "旧厂2")
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: visible_codes(d, "removals") == ["913205990000000002"])
    print("ok: large list, removals searched")


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    writer, work, admin = sys.argv[1], sys.argv[2], sys.argv[3]
    for tool in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(tool):
            print(f"{tool} is missing: run scripts/setup.sh (packages chromium, "
                  "chromium-driver, python3-selenium)", file=sys.stderr)
            return 1
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(WHOLE_RUN_SECONDS)

    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    root = os.path.abspath(os.path.join(work, "public"))
    screens = os.path.join(work, "screens")
    os.makedirs(screens)
    large_root = os.path.abspath(os.path.join(work, "large"))
    subprocess.run([writer, root, large_root, str(LARGE_ENTRIES)], check=True,
                   timeout=120)
    page = os.path.join(root, "black", "2", "index.html")

    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=work)
    driver = None
    try:
        driver = make_driver(profile)
        driver.get("file://" + os.path.abspath(page))
        wait_loaded(driver)
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

        for name in ("black/2/index.html", "honor/1/index.html", "index.html"):
            driver.get("file://" + os.path.join(root, name))
            if name != "index.html":
                wait_loaded(driver)
            check_words(driver, name)
            check_links(driver, name, root)
        phone_width(driver)
        for name in ("black/2/index.html", "black/1/index.html",
                     "honor/1/index.html", "index.html"):
            driver.get("file://" + os.path.join(root, name))
            if name != "index.html":
                wait_loaded(driver)
            check_no_overflow(driver, name, screens)
        phone_off(driver)
        check_large_list(driver, admin, large_root)
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
