"""The HTML report is one well-formed, self-contained file, and Chromium renders it."""
import html.parser
import os
import re
import shutil
import subprocess
import unittest
import xml.etree.ElementTree as ET

import support

SVG = "{http://www.w3.org/2000/svg}"
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class TagBalance(html.parser.HTMLParser):
    """Checks that every element is closed in order (HTML5 void elements aside)."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


class Html(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()
        tiny = support.make_build(os.path.join(cls.tmp.path, "tiny"))
        src = dict(support.SOURCES)
        src["optional/sched/core.c"] = "int umk_nr_running; void umk_schedule(void) { umk_nr_running++; }\n"
        server = support.make_build(os.path.join(cls.tmp.path, "server"), sources=src, profile="server",
                                    obj=support.OBJ[:3] + ["optional/sched/core.c"] + support.OBJ[4:],
                                    config=dict(support.CONFIG, SCHED="y", SCHED_STUB="n"))
        cls.out = os.path.join(cls.tmp.path, "report.html")
        support.configgen("compare", tiny, server, "--format", "html", "-o", cls.out,
                          "--reference", f"ref <&> \"x\"={tiny}/libumk.a", check=0)
        with open(cls.out, encoding="utf-8") as f:
            cls.text = f.read()
        cls.single = support.configgen("report", "-O", tiny, "--format", "html", check=0).stdout

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_well_formed_html(self):
        for text in (self.text, self.single):
            p = TagBalance()
            p.feed(text)
            p.close()
            self.assertEqual(p.errors, [])
            self.assertEqual(p.stack, [], "unclosed elements")
            self.assertTrue(text.startswith("<!DOCTYPE html>"))

    def test_whole_page_and_charts_parse_as_xml(self):
        root = ET.fromstring(self.text.replace("<!DOCTYPE html>", "", 1))
        svgs = root.findall(f".//{SVG}svg")
        self.assertGreaterEqual(len(svgs), 3, "stacked bars, text/data/bss bars, feature matrix")
        labels = {s.get("aria-label") for s in svgs}
        self.assertIn("size per subsystem per profile", labels)
        self.assertIn("feature matrix", labels)
        bars = next(s for s in svgs if s.get("aria-label") == "size per subsystem per profile")
        titles = [t.text for t in bars.iter(f"{SVG}title")]
        self.assertTrue(any(t.startswith("server: optional/sched (full)") for t in titles), titles)
        self.assertTrue(any(t.startswith("tiny: optional/sched (stub)") for t in titles), titles)
        matrix = next(s for s in svgs if s.get("aria-label") == "feature matrix")
        texts = [t.text for t in matrix.iter(f"{SVG}text")]
        self.assertIn("NR_CPUS", texts)

    def test_self_contained(self):
        for text in (self.text, self.single):
            self.assertNotRegex(text, r"<script|<link|@import|url\(|src=")
            hrefs = re.findall(r'href="([^"]*)"', text)
            self.assertEqual(hrefs, [])
            self.assertNotIn("http://", text.replace('xmlns="http://www.w3.org/1999/xhtml"', "")
                             .replace('xmlns="http://www.w3.org/2000/svg"', ""))

    def test_names_are_escaped(self):
        self.assertIn("ref &lt;&amp;&gt; &quot;x&quot; (reference)", self.text)

    def test_renders_in_chromium(self):
        chromium = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
        if not chromium:
            self.skipTest("chromium is not installed (optional: apt-get install chromium)")
        png = os.path.join(self.tmp.path, "report.png")
        profile = os.path.join(self.tmp.path, "chromium-profile")
        p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                            "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync",
                            f"--user-data-dir={profile}", "--window-size=1200,1600",
                            f"--screenshot={png}", "file://" + self.out],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        self.assertTrue(os.path.exists(png), p.stderr[-2000:])
        with open(png, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n")
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        self.assertEqual((width, height), (1200, 1600))
        self.assertGreater(os.path.getsize(png), 20000, "a blank page compresses to almost nothing")


if __name__ == "__main__":
    unittest.main()
