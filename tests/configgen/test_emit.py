"""emit: umk.h + umk.c compile alone, carry the config, and only what is selected."""
import os
import platform
import shutil
import subprocess
import tempfile
import unittest

from fixture import SRCTREE, TreeCase, run, snapshot

CC = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
X86 = platform.machine() in ("x86_64", "amd64")


@unittest.skipUnless(CC, "no C compiler")
class EmitFakeTree(TreeCase, unittest.TestCase):
    def emit(self, profile, *sets):
        args = ["defconfig", profile, "-O", self.build]
        for s in sets:
            args += ["--set", s]
        for a in (args, ["genconfig", "-O", self.build], ["emit", "-O", self.build]):
            p = self.configgen(*a)
            self.assertEqual(p.returncode, 0, p.stderr)
        out = os.path.join(self.build, "amalgamation")
        return self.read(os.path.join(out, "umk.h")), self.read(os.path.join(out, "umk.c"))

    def alone(self):
        """A directory holding only umk.c and umk.h."""
        d = tempfile.mkdtemp(dir=self.tmp)
        for f in ("umk.c", "umk.h"):
            shutil.copy(os.path.join(self.build, "amalgamation", f), d)
        return d

    def cc(self, d, *args):
        return subprocess.run([CC, "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function"]
                              + list(args), cwd=d, capture_output=True, text=True)

    def build_and_run(self):
        d = self.alone()
        p = self.cc(d, "umk.c", "-o", "umk-test")
        self.assertEqual(p.returncode, 0, p.stderr)
        r = subprocess.run([os.path.join(d, "umk-test")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0)
        return d, r.stdout

    def test_layout(self):
        header, source = self.emit("server")
        self.assertTrue(source.startswith("#define _GNU_SOURCE\n"))
        self.assertIn("#define UMK_INTERNAL static\n#define UMK_INTERNAL_DECL static\n#include \"umk.h\"\n",
                      source)
        self.assertIn("#define CONFIG_SMP 1", header)
        self.assertLess(header.index("#define CONFIG_SMP"), header.index('#line 1 "include/umk/compiler.h"'))
        for name in ("include/umk/compiler.h", "include/umk/config.h", "include/umk/core.h"):
            self.assertEqual(header.count(f'#line 1 "{name}"'), 1, name)
        self.assertEqual(source.count('#line 1 "core/internal.h"'), 1)
        self.assertIn('#line 1 "generated/ikconfig.h"', source)
        core, host = source.index('#line 1 "core/core.c"'), source.index('#line 1 "arch/um/boot.c"')
        self.assertLess(core, host)
        self.assertLess(host, source.index("#include <stdio.h>"))
        self.assertNotIn("#include <umk/", source.replace("/* #include <umk/", ""))

    def test_syntax_only_alone(self):
        self.emit("server")
        d = self.alone()
        p = self.cc(d, "-fsyntax-only", "umk.c")
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(d, "use.c"), "w") as f:
            f.write('#include "umk.h"\nint umk_use(void) { return umk_core_answer(); }\n')
        p = self.cc(d, "-fsyntax-only", "use.c")
        self.assertEqual(p.returncode, 0, p.stderr)

    @unittest.skipUnless(X86, "the fake tree's assembly is x86-64")
    def test_runs_with_config_folded_in(self):
        self.emit("server")
        d, out = self.build_and_run()
        self.assertEqual(out, "answer=42 name=umk switch=43\n")
        # internals are static: only the public API (and main) stay global
        nm = subprocess.run(["nm", "-g", "--defined-only", os.path.join(d, "umk-test")],
                            capture_output=True, text=True).stdout
        self.assertIn("umk_core_answer", nm)
        self.assertNotIn("umk_core_helper", nm)
        self.assertNotIn("umk_core_counter", nm)
        self.assertNotIn("umk_arch_switch_answer", nm)  # assembly, made local too
        # and the binary carries its .config
        p = run(["show-config", os.path.join(d, "umk-test")])
        want = "".join(l + "\n" for l in self.read(os.path.join(self.build, ".config")).splitlines()
                       if l.startswith("CONFIG_"))
        self.assertEqual((p.returncode, p.stdout), (0, want))

    @unittest.skipUnless(X86, "the fake tree's assembly is x86-64")
    def test_unselected_code_absent(self):
        _, source = self.emit("tiny")
        self.assertNotIn("umk_sched_bonus", source)
        self.assertNotIn('#line 1 "optional/sched', source)
        _, out = self.build_and_run()
        self.assertEqual(out, "answer=40 name=umk switch=42\n")

    def test_c_switch_instead_of_assembly(self):
        _, source = self.emit("tiny", "SWITCH_C=y", "IKCONFIG=n")
        self.assertNotIn("__asm__", source)
        self.assertNotIn("ikconfig", source)
        _, out = self.build_and_run()
        self.assertEqual(out, "answer=40 name=umk switch=1\n")
        d = self.alone()
        p = self.cc(d, "umk.c", "-o", "t")
        p = run(["show-config", os.path.join(d, "t")])
        self.assertEqual(p.returncode, 1)
        self.assertIn("no embedded config (built with CONFIG_IKCONFIG=n?)", p.stderr)

    def test_line_directives_point_at_original_files(self):
        with open(os.path.join(self.tree, "core/core.c"), "a") as f:
            f.write("#ifdef CONFIG_SMP\nint umk_broken = ;\n#endif\n")
        self.emit("server")
        lines = self.read(os.path.join(self.tree, "core/core.c")).split("\n")
        line = lines.index("int umk_broken = ;") + 1
        p = self.cc(self.alone(), "-fsyntax-only", "umk.c")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(f"core/core.c:{line}:", p.stderr)

    def test_emit_keeps_the_configured_arch(self):
        # A cross build configures with UMK_SRCARCH; emit runs later without it.
        p = self.configgen("defconfig", "tiny", "-O", self.build)
        p = self.configgen("genconfig", "-O", self.build, env={"UMK_SRCARCH": "aarch64"})
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.configgen("emit", "-O", self.build, env={"UMK_SRCARCH": ""})
        self.assertEqual(p.returncode, 0, p.stderr)
        source = self.read(os.path.join(self.build, "amalgamation", "umk.c"))
        self.assertIn("/* arch/um/switch_aarch64.S, preprocessed", source)
        self.assertNotIn("switch_x86_64", source)

    def test_missing_config_writes_nothing(self):
        p = self.configgen("emit", "-O", self.build)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"configgen emit: error: {self.build}/.config: no such file "
                                   "(run configgen defconfig first)\n")
        self.assertIsNone(snapshot(self.build))


@unittest.skipUnless(CC, "no C compiler")
class EmitRealTree(unittest.TestCase):
    """The real tree's tiny profile emits a umk.c that cc accepts on its own."""

    def test_real_tiny(self):
        with tempfile.TemporaryDirectory() as build:
            for a in (["defconfig", "tiny", "-O", build], ["genconfig", "-O", build]):
                p = run(a, cwd=SRCTREE)
                if p.returncode != 0 and "does not exist" in p.stderr:
                    self.skipTest("the real tree is incomplete: " + p.stderr.strip())
                self.assertEqual(p.returncode, 0, p.stderr)
            out = os.path.join(build, "out")
            p = run(["emit", "-O", build, "-o", out], cwd=SRCTREE)
            self.assertEqual(p.returncode, 0, p.stderr)
            p = subprocess.run([CC, "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wno-unused-function",
                                "-fsyntax-only", "umk.c"], cwd=out, capture_output=True, text=True)
            self.assertEqual(p.returncode, 0, p.stderr[-4000:])


if __name__ == "__main__":
    unittest.main()
