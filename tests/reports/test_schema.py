"""The JSON outputs validate against the documented, versioned schema."""
import copy
import json
import os
import re
import unittest

import support
from umkconfig import report_schema

DOCS = os.path.join(support.SRCTREE, "docs", "reports.md")


class Schema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()
        cls.tiny = support.make_build(os.path.join(cls.tmp.path, "tiny"))
        cls.vm = support.make_build(os.path.join(cls.tmp.path, "vm"), profile="vm",
                                    config=dict(support.CONFIG, VM="y"))
        budgets = os.path.join(cls.tmp.path, "budgets.json")
        with open(budgets, "w", encoding="utf-8") as f:
            json.dump({"schema": "umk-budgets/1", "budgets": {"tiny": {"text": 1}}}, f)
        cls.budgets = budgets

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_json(self, *args):
        return json.loads(support.configgen(*args, "--format", "json", check=0).stdout)

    def assertValid(self, doc):
        errors = report_schema.validate_doc(doc)
        self.assertEqual(errors, [])
        self.assertEqual(report_schema.validate(doc), [], "top-level oneOf")

    def test_report_validates(self):
        for by in ("subsystem", "symbol"):
            doc = self.run_json("report", "-O", self.tiny, "--by", by, "--budgets", self.budgets)
            self.assertValid(doc)
            self.assertEqual(doc["schema"], "umk-report/1")
            self.assertEqual(doc["budget"]["status"], "over")  # and still valid
        for key in ("schema", "profile", "total", "subsystems", "features"):
            self.assertIn(key, doc)
        self.assertEqual(doc["features"]["NR_CPUS"], "1")

    def test_compare_validates(self):
        doc = self.run_json("compare", self.tiny, self.vm, "--reference", f"ref={self.vm}/libumk.a")
        self.assertValid(doc)
        for b in doc["builds"]:
            self.assertValid(b)

    def test_violations_are_found(self):
        doc = self.run_json("report", "-O", self.tiny)
        bad = copy.deepcopy(doc)
        del bad["total"]
        self.assertIn("$: missing key 'total'", report_schema.validate_doc(bad))
        bad = copy.deepcopy(doc)
        bad["subsystems"][0]["text"] = -1
        self.assertEqual(report_schema.validate_doc(bad), ["$.subsystems[0].text: -1 < minimum 0"])
        bad = copy.deepcopy(doc)
        bad["features"]["lower case!"] = "y"
        self.assertTrue(report_schema.validate_doc(bad))
        bad = copy.deepcopy(doc)
        bad["schema"] = "umk-report/2"
        self.assertTrue(report_schema.validate_doc(bad))
        self.assertTrue(report_schema.validate(bad))
        bad = copy.deepcopy(doc)
        bad["total"]["text"] = "12"
        self.assertEqual(report_schema.validate_doc(bad), ["$.total.text: expected integer, got str"])

    def test_validator_refuses_unknown_keywords(self):
        with self.assertRaises(ValueError):
            report_schema.validate(1, {"type": "integer", "multipleOf": 2})

    def test_docs_carry_the_schema(self):
        with open(DOCS, encoding="utf-8") as f:
            text = f.read()
        m = re.search(r"<!-- schema begin -->\s*```json\n(.*?)```\s*<!-- schema end -->", text, re.S)
        self.assertIsNotNone(m, "docs/reports.md lacks the schema block")
        self.assertEqual(json.loads(m.group(1)), report_schema.SCHEMA,
                         "docs/reports.md and report-schema.json differ: copy the file into the docs")

    def test_schema_option(self):
        p = support.configgen("report", "--schema", check=0)
        self.assertEqual(json.loads(p.stdout), report_schema.SCHEMA)

    def test_against_jsonschema_when_installed(self):
        try:
            import jsonschema
        except ImportError:
            self.skipTest("python3-jsonschema not installed (the stdlib validator above is the test)")
        jsonschema.Draft202012Validator.check_schema(report_schema.SCHEMA)
        jsonschema.validate(self.run_json("compare", self.tiny, self.vm), report_schema.SCHEMA)
        jsonschema.validate(self.run_json("report", "-O", self.tiny, "--by", "symbol"),
                            report_schema.SCHEMA)
        bad = self.run_json("report", "-O", self.tiny)
        del bad["subsystems"]
        with self.assertRaises(jsonschema.ValidationError):
            jsonschema.validate(bad, report_schema.SCHEMA)


if __name__ == "__main__":
    unittest.main()
