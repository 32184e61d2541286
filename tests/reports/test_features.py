"""Features: each enabled symbol with its prompt, grouped by menu, in Kconfig order."""
import json
import os
import unittest

import support


class Features(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def report(self, build, fmt="json"):
        p = support.configgen("report", "-O", build, "--format", fmt, check=0)
        return json.loads(p.stdout) if fmt == "json" else p.stdout

    def test_enabled_symbols_with_prompts_by_menu(self):
        build = support.make_build(os.path.join(self.tmp.path, "with-model"))
        d = self.report(build)
        self.assertEqual(d["features"], {"SCHED_STUB": "y", "SELFTEST": "y", "NR_CPUS": "1",
                                         "HAVE_CONTEXT_SWITCH": "y"})
        by_symbol = {f["symbol"]: f for f in d["feature_list"]}
        self.assertEqual(by_symbol["NR_CPUS"]["prompt"], "Maximum number of CPUs")
        self.assertEqual(by_symbol["NR_CPUS"]["menu"], "Scheduler")
        self.assertIsNone(by_symbol["SCHED_STUB"]["prompt"])
        # Kconfig order (config.json order), not .config order
        self.assertEqual([f["symbol"] for f in d["feature_list"]],
                         ["SCHED_STUB", "NR_CPUS", "SELFTEST", "HAVE_CONTEXT_SWITCH"])
        text = self.report(build, "text")
        self.assertIn("features (4 enabled)", text)
        self.assertRegex(text, r"(?m)^  Scheduler\n    SCHED_STUB=y\s+\(no prompt: selected capability\)\n"
                               r"    NR_CPUS=1\s+Maximum number of CPUs$")
        md = self.report(build, "md")
        self.assertIn("| NR_CPUS=1 | Maximum number of CPUs |", md)

    def test_without_config_json(self):
        build = support.make_build(os.path.join(self.tmp.path, "no-model"), model=None)
        d = self.report(build)
        self.assertEqual(set(d["features"]), {"SCHED_STUB", "SELFTEST", "NR_CPUS", "HAVE_CONTEXT_SWITCH"})
        self.assertTrue(all(f["menu"].startswith("(menu unknown") for f in d["feature_list"]))

    def test_matrix_marks_what_is_off(self):
        a = support.make_build(os.path.join(self.tmp.path, "a"))
        b = support.make_build(os.path.join(self.tmp.path, "b"), profile="vm",
                               config=dict(support.CONFIG, VM="y", SELFTEST="n"))
        p = support.configgen("compare", a, b, check=0)
        self.assertRegex(p.stdout, r"(?m)^SELFTEST\s+In-kernel self tests\s+y\s+-$")
        self.assertRegex(p.stdout, r"(?m)^VM\s+Virtual memory\s+-\s+y$")
        self.assertRegex(p.stdout, r"(?m)^\[Memory\]$")


if __name__ == "__main__":
    unittest.main()
