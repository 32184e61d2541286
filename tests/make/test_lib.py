"""tools/make/lib.sh: the steps every entry point shares work on a fresh clone.

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


if __name__ == "__main__":
    unittest.main()
