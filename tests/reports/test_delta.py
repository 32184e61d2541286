"""A change that adds a symbol shows up in the bloat-o-meter delta with its size."""
import json
import os
import re
import unittest

import support
from umkconfig import compare

BASE = """
    int umk_counter;
    int umk_tick(int n) { umk_counter += n; return umk_counter; }
    """
EXTRA = """
    static long umk_history[40];
    long umk_record(int i, long v) { umk_history[i % 40] = v * 3 + i; return umk_history[(i + 1) % 40]; }
    """


class DeltaOfObjects(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()
        cls.old = support.compile_c(BASE, os.path.join(cls.tmp.path, "old", "core", "timer.c.o"))
        cls.new = support.compile_c(BASE + EXTRA, os.path.join(cls.tmp.path, "new", "core", "timer.c.o"))
        cls.nm = support.nm_sizes(cls.new)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def compare_json(self, *extra):
        p = support.configgen("compare", f"old={self.old}", f"new={self.new}", "--format", "json",
                              *extra, check=0)
        return json.loads(p.stdout)

    def test_added_symbols_with_their_sizes(self):
        d = self.compare_json()["deltas"][0]
        rows = {r["name"]: r for r in d["rows"]}
        for name in ("umk_record", "umk_history"):
            self.assertIn(name, rows)
            self.assertIsNone(rows[name]["old"])
            self.assertEqual(rows[name]["new"], self.nm[name])
            self.assertEqual(rows[name]["delta"], self.nm[name])
        self.assertEqual(d["add"], len([r for r in d["rows"] if r["old"] is None]))
        self.assertGreaterEqual(d["add"], 2)
        self.assertEqual(d["remove"], 0)
        self.assertEqual(d["total"], d["after"] - d["before"])
        self.assertEqual(d["before"], sum(support.size_totals(self.old).values()))
        self.assertEqual(d["after"], sum(support.size_totals(self.new).values()))

    def test_summary_line_is_bloat_o_meter(self):
        p = support.configgen("compare", f"old={self.old}", f"new={self.new}", check=0)
        m = re.search(r"^add/remove: (\d+)/(\d+) grow/shrink: (\d+)/(\d+) "
                      r"up/down: \+(\d+)/(-?\d+) \(([+-]\d+)\)$", p.stdout, re.M)
        self.assertIsNotNone(m, p.stdout)
        up, down, total = int(m.group(5)), int(m.group(6)), int(m.group(7))
        self.assertEqual(up + down, total)
        self.assertRegex(p.stdout, r"(?m)^umk_record\s+-\s+%d\s+\+%d$" % (self.nm["umk_record"],
                                                                          self.nm["umk_record"]))

    def test_removal_is_negative(self):
        p = support.configgen("compare", f"new={self.new}", f"old={self.old}", "--format", "json",
                              check=0)
        d = json.loads(p.stdout)["deltas"][0]
        rows = {r["name"]: r for r in d["rows"]}
        self.assertEqual(rows["umk_record"]["delta"], -self.nm["umk_record"])
        self.assertIsNone(rows["umk_record"]["new"])
        self.assertGreaterEqual(d["remove"], 2)

    def test_threshold_hides_rows_not_totals(self):
        full = self.compare_json()["deltas"][0]
        cut = self.compare_json("--threshold", str(self.nm["umk_history"] + 1))["deltas"][0]
        names = {r["name"] for r in cut["rows"]}
        self.assertNotIn("umk_record", names if self.nm["umk_record"] <= self.nm["umk_history"] else set())
        self.assertNotIn("umk_history", names)
        self.assertEqual(cut["total"], full["total"])
        self.assertEqual(cut["hidden_below_threshold"], len(full["rows"]) - len(cut["rows"]))

    def test_baseline_by_name(self):
        d = self.compare_json("--baseline", "new")
        self.assertEqual(d["baseline"], "new")
        self.assertEqual(d["deltas"][0]["profile"], "old")
        p = support.configgen("compare", f"old={self.old}", f"new={self.new}", "--baseline", "nope")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--baseline nope: not one of the builds (old, new)", p.stderr)


class DeltaFunction(unittest.TestCase):
    def test_counts(self):
        d = compare.delta({"a": 10, "b": 5, "c": 7}, {"a": 12, "b": 5, "d": 3, "c": 1})
        self.assertEqual((d["add"], d["remove"], d["grow"], d["shrink"]), (1, 0, 1, 1))
        self.assertEqual((d["up"], d["down"], d["total"]), (5, -6, -1))
        self.assertEqual([r["name"] for r in d["rows"]], ["d", "a", "c"])
        self.assertEqual(compare.summary_line(d),
                         "add/remove: 1/0 grow/shrink: 1/1 up/down: +5/-6 (-1)")

    def test_keys_drop_gcc_numbering(self):
        from umkconfig.report_model import Row
        self.assertEqual(Row("core", "core/a.c", "slots.5", "bss", 8, True).key(), "slots")
        self.assertEqual(Row("core", "core/a.c", "foo.constprop.0", "text", 8, True).key(),
                         "foo.constprop")
        self.assertEqual(Row("core", "core/a.c", "[.eh_frame]", "text", 8, False).key(),
                         "core/a.c:[.eh_frame]")

    def test_limit_keeps_both_ends(self):
        old = {f"s{i}": 100 for i in range(10)}
        new = {f"s{i}": 100 + i - 5 for i in range(10)}
        d = compare.delta(old, new, limit=4)
        self.assertEqual([r["delta"] for r in d["rows"]], [4, 3, -4, -5])
        self.assertEqual(d["hidden_by_limit"], 5)


class DeltaOfBuilds(unittest.TestCase):
    """Two synthetic builds differing by one scheduler implementation and one function."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()
        cls.tiny = support.make_build(os.path.join(cls.tmp.path, "tiny"))
        src = dict(support.SOURCES)
        src["core/task.c"] += "\nint umk_task_extra(int x) { return x * 7 + umk_task_count; }\n"
        cls.big = support.make_build(os.path.join(cls.tmp.path, "big"), sources=src, profile="server",
                                     config=dict(support.CONFIG, NR_CPUS="4"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_compare_builds(self):
        p = support.configgen("compare", self.tiny, self.big, "--format", "json",
                              "--budgets", "/nonexistent.json", check=0)
        d = json.loads(p.stdout)
        self.assertEqual(d["profiles"], ["tiny", "server"])
        row = next(r for r in d["deltas"][0]["rows"] if r["name"] == "umk_task_extra")
        nm = support.nm_sizes(os.path.join(self.big, "libumk.a"))
        self.assertEqual(row["delta"], nm["umk_task_extra"])
        feats = {f["symbol"]: f["values"] for f in d["features"]}
        self.assertEqual(feats["NR_CPUS"], {"tiny": "1", "server": "4"})
        self.assertEqual(feats["VM"] if "VM" in feats else None, None)  # off everywhere: not a feature

    def test_core_only_leaves_out_selftests(self):
        p = support.configgen("compare", self.tiny, self.big, "--format", "json", "--core-only",
                              check=0)
        d = json.loads(p.stdout)
        self.assertTrue(d["core_only"])
        delta = d["deltas"][0]
        self.assertNotIn("tests/kernel/ktest.c:[.eh_frame]", {r["name"] for r in delta["rows"]})
        tests = sum(s["text"] + s["data"] + s["bss"] for s in d["builds"][0]["subsystems"]
                    if s["name"] == "selftests")
        self.assertEqual(delta["before"], sum(support.size_totals(os.path.join(self.tiny, "libumk.a")).values())
                         - tests)

    def test_text_sections(self):
        p = support.configgen("compare", self.tiny, self.big, check=0)
        for heading in ("totals", "per subsystem", "features", "server against tiny (bloat-o-meter)"):
            self.assertIn(heading, p.stdout)
        self.assertIn("optional/sched", p.stdout)
        self.assertIn("(stub)", p.stdout)

    def test_reference_row(self):
        p = support.configgen("compare", self.tiny, f"--reference=self={self.tiny}/libumk.a",
                              "--format", "json", check=0)
        d = json.loads(p.stdout)
        ref = d["references"][0]
        self.assertEqual(ref["name"], "self")
        self.assertEqual({k: ref[k] for k in ("text", "data", "bss")},
                         support.size_totals(os.path.join(self.tiny, "libumk.a")))
        p = support.configgen("compare", self.tiny, "--reference", "x=/nonexistent/linux.uml")
        self.assertEqual(p.returncode, 1)
        self.assertIn("--reference x=/nonexistent/linux.uml: /nonexistent/linux.uml: no such file",
                      p.stderr)

    @unittest.skipUnless(os.path.exists("/usr/bin/linux.uml"),
                         "Debian's user-mode-linux is not installed (optional reference)")
    def test_linux_uml_reference(self):
        p = support.configgen("compare", self.tiny, "--reference", "linux.uml=/usr/bin/linux.uml",
                              "--format", "json", check=0)
        ref = json.loads(p.stdout)["references"][0]
        self.assertGreater(ref["text"], 1_000_000)


if __name__ == "__main__":
    unittest.main()
