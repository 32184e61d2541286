"""The real profiles: each resolves cleanly and is canonical (as NuttX enforces).

A profile is canonical when savedefconfig of its resolution is the file
itself: nothing redundant, nothing out of Kconfig order. When a Kconfig
default changes, refresh with
    tools/configgen/configgen savedefconfig --profile NAME -o profiles/NAME.config
"""
import difflib
import glob
import os
import tempfile
import unittest

from fixture import SRCTREE, run

PROFILES = sorted(glob.glob(os.path.join(SRCTREE, "profiles", "*.config")))


class Profiles(unittest.TestCase):
    def test_there_are_profiles(self):
        names = [os.path.basename(p)[:-len(".config")] for p in PROFILES]
        for expected in ("tiny", "interpreter", "server", "vm"):
            self.assertIn(expected, names)

    def test_each_profile_resolves(self):
        for path in PROFILES:
            name = os.path.basename(path)[:-len(".config")]
            with self.subTest(profile=name), tempfile.TemporaryDirectory() as build:
                p = run(["defconfig", name, "-O", build], cwd=SRCTREE)
                self.assertEqual(p.returncode, 0, p.stderr)

    def test_each_profile_is_canonical(self):
        for path in PROFILES:
            name = os.path.basename(path)[:-len(".config")]
            with self.subTest(profile=name):
                p = run(["savedefconfig", "--profile", name, "-o", "-"], cwd=SRCTREE)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(path, encoding="utf-8") as f:
                    have = f.read()
                if p.stdout != have:
                    delta = "".join(difflib.unified_diff(
                        have.splitlines(True), p.stdout.splitlines(True),
                        f"profiles/{name}.config", "savedefconfig"))
                    self.fail(f"profiles/{name}.config is not canonical:\n{delta}"
                              f"refresh: tools/configgen/configgen savedefconfig --profile {name} "
                              f"-o profiles/{name}.config")


if __name__ == "__main__":
    unittest.main()
