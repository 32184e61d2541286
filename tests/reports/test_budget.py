"""Size budgets: a profile that outgrows profiles/budgets.json fails the check."""
import json
import os
import unittest

import support

HEADER = {"schema": "umk-budgets/1", "applies_to": {"build_type": ["RelWithDebInfo"]}}


class Budget(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()
        cls.build = support.make_build(os.path.join(cls.tmp.path, "tiny"))
        cls.total = support.size_totals(os.path.join(cls.build, "libumk.a"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def budgets(self, data, name="budgets.json"):
        path = os.path.join(self.tmp.path, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(data if isinstance(data, str) else json.dumps(data))
        return path

    def check(self, budgets, build=None, *extra):
        return support.configgen("report", "-O", build or self.build, "--check-budget",
                                 "--budgets", budgets, *extra)

    def test_within_budget(self):
        b = self.budgets(dict(HEADER, budgets={"tiny": {"text": self.total["text"],
                                                       "total": sum(self.total.values())}}))
        p = self.check(b)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("within budget", p.stdout)

    def test_one_byte_over_fails(self):
        b = self.budgets(dict(HEADER, budgets={"tiny": {"text": self.total["text"] - 1,
                                                       "bss": self.total["bss"]}}))
        p = self.check(b)
        self.assertEqual(p.returncode, 1)
        self.assertIn("configgen report: error: tiny is over its budget: text by 1 bytes", p.stderr)
        t, b = self.total["text"], self.total["bss"]
        self.assertIn(f"OVER BUDGET: text {t} of {t - 1} (100%) OVER by 1, bss {b} of {b} (100%).",
                      p.stdout)

    def test_core_limits_leave_out_selftests(self):
        p = support.configgen("report", "-O", self.build, "--format", "json", check=0)
        tests_text = next(s["text"] for s in json.loads(p.stdout)["subsystems"] if s["name"] == "selftests")
        self.assertGreater(tests_text, 0)
        core_text = self.total["text"] - tests_text
        ok = self.budgets(dict(HEADER, budgets={"tiny": {"core_text": core_text}}))
        self.assertEqual(self.check(ok).returncode, 0)
        over = self.budgets(dict(HEADER, budgets={"tiny": {"core_text": core_text - 3}}))
        p = self.check(over)
        self.assertEqual(p.returncode, 1)
        self.assertIn("core_text by 3 bytes", p.stderr)

    def test_skips_with_reason(self):
        b = self.budgets(dict(HEADER, budgets={"vm": {"text": 1}, "tiny": {"text": 1}}))
        cases = [
            ({"UMK_SANITIZE": "address,undefined"}, "sanitizer build (UMK_SANITIZE=address,undefined)"),
            ({"UMK_CONFIG": "/tmp/x.config"}, "not built from a profile"),
            ({"UMK_FRAGMENTS": "a.config"}, "fragments change the profile"),
            ({"CONFIG_NR_CPUS": "8"}, "overrides change the profile (CONFIG_NR_CPUS)"),
            ({"CMAKE_BUILD_TYPE": "Debug"}, "build type Debug not in RelWithDebInfo"),
            ({"UMK_PROFILE": "server"}, "no budget for profile server"),
        ]
        for cache, reason in cases:
            with self.subTest(cache=cache):
                build = support.make_build(os.path.join(self.tmp.path, "skip"), cache=cache)
                p = self.check(b, build)
                self.assertEqual(p.returncode, 77, p.stderr)
                self.assertIn(reason, p.stderr)

    def test_no_budget_file_skips(self):
        p = self.check(os.path.join(self.tmp.path, "absent.json"))
        self.assertEqual(p.returncode, 77)
        self.assertIn("no budget file", p.stderr)

    def test_malformed_budget_file(self):
        for data, msg in [("{", "unreadable budget file"),
                          ({"budgets": {}}, 'expected "schema": "umk-budgets/1"'),
                          (dict(HEADER, budgets={"tiny": {"txt": 5}}), "tiny.txt: expected one of text"),
                          (dict(HEADER, budgets={"tiny": {"text": -5}}), "tiny.text: expected one of")]:
            with self.subTest(data=data):
                p = self.check(self.budgets(data, "bad.json"))
                self.assertEqual(p.returncode, 1)
                self.assertIn(msg, p.stderr)

    def test_budget_in_json_and_compare(self):
        b = self.budgets(dict(HEADER, budgets={"tiny": {"text": 1}}))
        p = support.configgen("report", "-O", self.build, "--format", "json", "--budgets", b, check=0)
        bud = json.loads(p.stdout)["budget"]
        self.assertEqual(bud["status"], "over")
        self.assertEqual(bud["over"], {"text": self.total["text"] - 1})
        p = support.configgen("compare", self.build, "--budgets", b, check=0)
        self.assertRegex(p.stdout, r"(?m)^tiny .* OVER\s+yes$")

    def test_repository_budgets_are_valid(self):
        from umkconfig import report_budget
        path = os.path.join(support.SRCTREE, "profiles", "budgets.json")
        if not os.path.exists(path):
            self.skipTest("no profiles/budgets.json")
        data = report_budget.load(path)
        profiles = {n[:-7] for n in os.listdir(os.path.dirname(path)) if n.endswith(".config")}
        self.assertTrue(set(data["budgets"]) <= profiles,
                        f"budgets for unknown profiles: {set(data['budgets']) - profiles}")


if __name__ == "__main__":
    unittest.main()
