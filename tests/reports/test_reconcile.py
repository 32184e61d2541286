"""Every byte `size` counts is in exactly one row, at every level of detail."""
import json
import os
import shutil
import subprocess
import unittest

import support
from umkconfig import report, report_model

KINDS = ("text", "data", "bss")


def row_sums(rows):
    return {k: sum(r[k] for r in rows) for k in KINDS}


class ReconcileMixin:
    """Checks shared by synthetic and real builds; self.build is a build directory."""

    def doc(self, by="symbol"):
        p = support.configgen("report", "-O", self.build, "--by", by, "--format", "json",
                              "--budgets", "/nonexistent/budgets.json", check=0)
        return json.loads(p.stdout)

    def test_rows_sum_to_totals_and_size(self):
        d = self.doc()
        want = support.size_totals(os.path.join(self.build, "libumk.a"))
        self.assertEqual(d["total"], want, "section totals differ from `size -t libumk.a`")
        self.assertEqual({k: d["size_check"][k] for k in KINDS}, want)
        self.assertTrue(d["size_check"]["ok"])
        for level in ("subsystems", "files", "symbols"):
            self.assertEqual(row_sums(d[level]), want, f"{level} rows do not add up to `size`")

    def test_unnamed_bytes_are_rows(self):
        d = self.doc()
        unnamed = [s for s in d["symbols"] if not s["named"]]
        self.assertEqual(sum(s["text"] + s["data"] + s["bss"] for s in unnamed),
                         d["unnamed"]["total"])
        self.assertEqual(sum(d["unnamed"]["by_kind"].values()), d["unnamed"]["total"])
        self.assertEqual(sum(f["unnamed"] for f in d["files"]), d["unnamed"]["total"])

    def test_each_archive_member_matches_size(self):
        """Per object, the file rows equal what `size` says of that archive member."""
        archive = os.path.join(self.build, "libumk.a")
        out = subprocess.run(["size", archive], capture_output=True, text=True, check=True).stdout
        members = [line.split() for line in out.splitlines()[1:] if line.strip()]
        d = self.doc("file")
        self.assertEqual(len(members), len(d["files"]))
        for m, f in zip(members, d["files"]):
            self.assertEqual([int(m[0]), int(m[1]), int(m[2])], [f["text"], f["data"], f["bss"]],
                             f"{f['name']} vs {m[5:]}")
            self.assertEqual(m[5], os.path.basename(f["name"]) + ".o", "member mapped to the wrong source")


class SyntheticBuild(ReconcileMixin, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = support.TempDir()
        cls.build = support.make_build(os.path.join(cls.tmp.path, "tiny"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_same_base_name_maps_by_order(self):
        d = self.doc("file")
        names = [f["name"] for f in d["files"]]
        self.assertEqual(names, support.OBJ + support.HOST)
        subs = {f["name"]: f["subsystem"] for f in d["files"]}
        self.assertEqual(subs["core/irq.c"], "core/irq")
        self.assertEqual(subs["arch/um/irq.c"], "arch/um")

    def test_symbols_have_nm_sizes(self):
        d = self.doc()
        nm = support.nm_sizes(os.path.join(self.build, "libumk.a"))
        named = {s["name"]: s["text"] + s["data"] + s["bss"] for s in d["symbols"] if s["named"]}
        for name in ("umk_task_get", "task_table", "buddy_free_lists", "umk_ktest_banner"):
            self.assertEqual(named[name], nm[name], name)

    def test_stub_variant_shown(self):
        d = self.doc("subsystem")
        sched = next(s for s in d["subsystems"] if s["name"] == "optional/sched")
        self.assertEqual(sched["variant"], "stub")

    def test_text_output_has_unattributed_rows(self):
        p = support.configgen("report", "-O", self.build, "--by", "symbol", check=0)
        self.assertRegex(p.stdout, r"\[(rest of )?\.(eh_frame|rodata)")  # gcc: .eh_frame; clang: .rodata
        self.assertIn("reconciled to the byte", p.stdout)

    def test_amalgamation_object_mapped_to_subsystems(self):
        """A one-TU build of all sources: its symbols are attributed by name; totals still add up."""
        tmp = support.TempDir()
        try:
            body = "\n".join(support.dedent(support.SOURCES[s]) for s in support.OBJ + support.HOST)
            obj = os.path.join(self.build, "CMakeFiles", "umk-amalg.dir", "amalgamation", "umk.c.o")
            support.compile_c(body, obj)
            d = self.doc("subsystem")
            a = d["amalgamation"]
            self.assertIsNotNone(a)
            self.assertEqual(a["total"], support.size_totals(obj))
            self.assertEqual(row_sums(a["subsystems"]), a["total"])
            names = {s["name"] for s in a["subsystems"]}
            self.assertIn("core/memory", names)
            self.assertIn(report_model.AMALG_UNMAPPED, names)  # .eh_frame, strings
            core = report_model.measure_archive(os.path.join(self.build, "libumk.a"),
                                                report_model.build_sources(self.build))
            amalg = report_model.measure_amalgamation(obj, core)
            by_section = {r.section: r for r in amalg.rows if not r.named}
            for sec, r in by_section.items():  # a function's own sections go with it
                if sec.startswith(".rodata.umk_task_state"):
                    self.assertEqual(r.file, "core/task.c", sec)
            if ".eh_frame" in by_section:  # gcc; clang -ffreestanding has none
                self.assertEqual(by_section[".eh_frame"].subsystem, report_model.AMALG_UNMAPPED)
        finally:
            os.remove(obj)
            tmp.cleanup()

    def test_missing_build_is_an_error(self):
        p = support.configgen("report", "-O", os.path.join(self.tmp.path, "nope"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("libumk.a: no such file", p.stderr)


EXOTIC = """
    __thread int umk_tls_counter = 5;
    __thread char umk_tls_buf[64];
    int umk_common_thing;
    static void umk_ctor(void) __attribute__((constructor));
    static void umk_ctor(void) { umk_tls_counter++; }
    const char *const umk_names[] = {"a", "b", "c"};
    int umk_use(int x) { return umk_tls_buf[x] + umk_common_thing + umk_names[x][0]; }
    """


class ExoticSections(unittest.TestCase):
    """TLS, constructors, relocated read-only data, CET notes, common symbols: still to the byte."""

    def test_both_compilers(self):
        tmp = support.TempDir()
        try:
            for cc in ("gcc", "clang"):
                if not shutil.which(cc):
                    continue
                with self.subTest(cc=cc):
                    obj = os.path.join(tmp.path, f"exotic-{cc}.o")
                    src = os.path.join(tmp.path, "exotic.c")
                    with open(src, "w", encoding="utf-8") as f:
                        f.write(support.dedent(EXOTIC))
                    subprocess.run([cc, "-O2", "-fPIC", "-fcommon", "-fcf-protection",
                                    "-ffunction-sections", "-fdata-sections", "-c", src, "-o", obj],
                                   check=True)
                    p = support.configgen("report", "--object", obj, "--by", "symbol",
                                          "--format", "json", check=0)
                    d = json.loads(p.stdout)
                    want = support.size_totals(obj)
                    self.assertEqual(d["total"], want)
                    self.assertEqual(row_sums(d["symbols"]), want)
                    names = {s["name"]: s for s in d["symbols"]}
                    self.assertEqual(names["umk_tls_buf"]["bss"], 64)
                    self.assertEqual(names["umk_tls_counter"]["data"], 4)
                    self.assertNotIn("umk_common_thing", names)  # COMMON: not in a section, nor in size
        finally:
            tmp.cleanup()


@unittest.skipUnless(os.environ.get("UMK_REPORT_BUILD"),
                     "no real build given (ctest sets UMK_REPORT_BUILD to its build directory)")
class RealBuild(ReconcileMixin, unittest.TestCase):
    build = os.environ.get("UMK_REPORT_BUILD", "")

    def test_every_source_is_a_member(self):
        d = self.doc("file")
        self.assertEqual([f["name"] for f in d["files"]],
                         report_model.build_sources(self.build))

    def test_features_match_config(self):
        d = self.doc("subsystem")
        from umkconfig import dotconfig
        cfg = dotconfig.values(os.path.join(self.build, ".config"))
        self.assertEqual(d["features"], {k: v for k, v in cfg.items() if v not in ("n", "")})
        self.assertIsNotNone(report)


if __name__ == "__main__":
    unittest.main()
