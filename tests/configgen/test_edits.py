"""Menuconfig edits survive a new defconfig (Zephyr-style), --set still wins."""
import os
import unittest

from fixture import TreeCase, edit_config, snapshot


class MenuconfigEdits(TreeCase, unittest.TestCase):
    def setUp(self):
        super().setUp()
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.cfg = os.path.join(self.build, ".config")
        self.base = os.path.join(self.build, ".config.base")

    def edit(self, **changes):
        edit_config(self.tree, self.cfg, changes)

    def test_base_is_what_inputs_resolved_to(self):
        self.assertEqual(self.read(self.base), self.read(self.cfg))

    def test_edit_survives_new_inputs(self):
        self.edit(LOG_BUF_SHIFT="16", SCHED_STATS="n")
        p = self.configgen("defconfig", "server", "--set", "NAME=edited", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        cfg = self.read(self.cfg)
        self.assertIn("CONFIG_LOG_BUF_SHIFT=16\n", cfg)
        self.assertIn("# CONFIG_SCHED_STATS is not set\n", cfg)
        self.assertIn('CONFIG_NAME="edited"\n', cfg)
        self.assertIn("CONFIG_LOG_BUF_SHIFT=14\n", self.read(self.base))
        self.assertEqual(p.stderr, "configgen defconfig: note: kept 2 menuconfig edit(s) on top of the "
                         "inputs: LOG_BUF_SHIFT=16 SCHED_STATS=n (configgen defconfig --discard-edits drops them)\n")

    def test_choice_edit_survives(self):
        self.edit(SWITCH_ASM="n", SWITCH_C="y")
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("CONFIG_SWITCH_C=y\n", self.read(self.cfg))
        self.assertIn("edit(s) on top of the inputs: SWITCH_ASM=n SWITCH_C=y (", p.stderr)

    def test_consequences_are_not_edits(self):
        # Turning SCHED off makes SMP and NR_CPUS vanish: only SCHED is an edit.
        self.edit(SCHED="n")
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("edit(s) on top of the inputs: SCHED=n (", p.stderr)
        # ...and the profile's SMP=y is overridden by the user's edit, silently.
        self.assertNotIn("error", p.stderr)
        self.assertIn("# CONFIG_SCHED is not set\n", self.read(self.cfg))

    def test_explicit_set_beats_edit(self):
        self.edit(LOG_BUF_SHIFT="16")
        p = self.configgen("defconfig", "server", "--set", "LOG_BUF_SHIFT=18", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("CONFIG_LOG_BUF_SHIFT=18\n", self.read(self.cfg))
        self.assertRegex(p.stderr, r"^configgen defconfig: warning: .*/\.config:\d+ \(menuconfig edit\) "
                         r"LOG_BUF_SHIFT=16 overridden by --set LOG_BUF_SHIFT=18\n$")

    def test_edit_that_no_longer_takes_is_a_warning(self):
        self.edit(NR_CPUS="8")
        line = self.read(self.cfg).split("\n").index("CONFIG_NR_CPUS=8") + 1
        p = self.configgen("defconfig", "tiny", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, f"configgen defconfig: warning: {self.cfg}:{line} (menuconfig edit) dropped: "
                         "NR_CPUS=8 requested, got no value: depends on SMP (=n)\n")
        self.assertNotIn("CONFIG_NR_CPUS", self.read(self.cfg))

    def test_discard_edits(self):
        self.edit(LOG_BUF_SHIFT="16")
        p = self.configgen("defconfig", "server", "--discard-edits", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.read(self.cfg), self.read(self.base))

    def test_rerun_without_changes_touches_nothing(self):
        self.edit(LOG_BUF_SHIFT="16")
        self.configgen("defconfig", "server", "-O", self.build)
        before = snapshot(self.build)
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(snapshot(self.build), before)

    def test_error_with_edits_changes_nothing(self):
        self.edit(LOG_BUF_SHIFT="16")
        before = snapshot(self.build)
        p = self.configgen("defconfig", "server", "--set", "FOO=y", "-O", self.build)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "configgen defconfig: error: --set: unknown symbol FOO\n")
        self.assertEqual(snapshot(self.build), before)


if __name__ == "__main__":
    unittest.main()
