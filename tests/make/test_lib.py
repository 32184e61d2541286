"""tools/make/lib.sh: the steps every entry point shares work on a fresh clone,
and a failure shows what failed.

`make bench` on a fresh clone once failed at once: configure wrote its log
next to a build directory whose parent (build/) did not exist yet. Each
entry point starts with configure, so it is checked here against a build
root that does not exist, the way a fresh clone has none.
"""
import os
import subprocess
import tempfile
import unittest

SRCTREE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIB = os.path.join(SRCTREE, "tools", "make", "lib.sh")


def lib_sh(build_root, script):
    """Run SCRIPT with lib.sh sourced as a tools/make script does, with
    UMK_BUILD=BUILD_ROOT; returns the completed process."""
    # $0 names a script in tools/make, from which lib.sh finds the tree.
    argv0 = os.path.join(SRCTREE, "tools", "make", "test-lib")
    env = dict(os.environ, UMK_BUILD=build_root)
    return subprocess.run(["/bin/sh", "-c", f'. "{LIB}"; {script}', argv0],
                          env=env, capture_output=True, text=True, timeout=300)


class Configure(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="umk-make-test-")
        self.addCleanup(self.tmp.cleanup)
        # Two levels that do not exist: a fresh clone has no build/ at all.
        self.root = os.path.join(self.tmp.name, "clone", "build")

    def test_configure_creates_a_missing_build_root(self):
        p = lib_sh(self.root, 'configure "$BUILD/tiny" -DUMK_PROFILE=tiny -DUMK_TOOL_TESTS=OFF')
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.root, "tiny.configure.log")))
        self.assertTrue(os.path.isfile(os.path.join(self.root, "tiny", ".config")))
        self.assertTrue(os.path.isfile(os.path.join(self.root, "tiny", "CMakeCache.txt")))

    def test_failed_configure_names_the_problem(self):
        p = lib_sh(self.root, 'configure "$BUILD/nosuch" -DUMK_PROFILE=nosuch')
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("unknown profile 'nosuch'", p.stderr)
        self.assertIn(f"error: configuring {self.root}/nosuch failed", p.stderr)
        self.assertTrue(os.path.isfile(os.path.join(self.root, "nosuch.configure.log")))


# A ctest --output-on-failure log: one kernel suite and one unittest failed,
# one test was skipped (not a failure: no output shown).
CTEST_LOG = """\
      Start  3: selftest.slab
 1/4 Test  #3: selftest.slab ....................***Failed  Error regular expression found
# suite: slab (3 cases)
ok 1 slab.slabt_zero
    # slab.c:426: expected st.pages == 0 (2 == 0)
not ok 2 slab.slabt_shrink_all_cpus
ok 3 slab.slabt_concurrent
2 passed, 1 failed

      Start  4: reports.test_x
 2/4 Test  #4: reports.test_x ...................***Failed    1.00 sec
test_a (tests.reports.test_x.A.test_a) ... ok
FAIL: test_b (tests.reports.test_x.A.test_b)
AssertionError: 1 != 2

      Start  5: boot.halt
 3/4 Test  #5: boot.halt ........................   Passed    0.01 sec

      Start  6: valgrind.selftest
 4/4 Test  #6: valgrind.selftest ................***Skipped   0.10 sec
valgrind: not installed

50% tests passed, 2 tests failed out of 4
"""


class ShowFailures(unittest.TestCase):
    def test_failed_tests_output_without_passing_cases(self):
        with tempfile.TemporaryDirectory(prefix="umk-make-test-") as tmp:
            log = os.path.join(tmp, "ctest.log")
            with open(log, "w", encoding="utf-8") as f:
                f.write(CTEST_LOG)
            p = lib_sh(tmp, f'show_failures "{log}"')
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "  output of selftest.slab:\n"
                                   "      # suite: slab (3 cases)\n"
                                   "          # slab.c:426: expected st.pages == 0 (2 == 0)\n"
                                   "      not ok 2 slab.slabt_shrink_all_cpus\n"
                                   "      2 passed, 1 failed\n"
                                   "  output of reports.test_x:\n"
                                   "      FAIL: test_b (tests.reports.test_x.A.test_b)\n"
                                   "      AssertionError: 1 != 2\n")


if __name__ == "__main__":
    unittest.main()
