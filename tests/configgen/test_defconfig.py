"""defconfig: every requested value takes, or an exact error and no change."""
import os
import unittest

from fixture import TreeCase, snapshot

E = "configgen defconfig: error: "


class DefconfigErrors(TreeCase, unittest.TestCase):
    """Each error path: exit 1, the exact message, BUILD_DIR byte-for-byte untouched."""

    def setUp(self):
        super().setUp()
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.before = snapshot(self.build)

    def profile(self, text, name="x"):
        return self.write(f"tree/profiles/{name}.config", text)

    def assertFails(self, args, *messages):
        p = self.configgen(*args, "-O", self.build)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr, "".join(E + m + "\n" for m in messages))
        self.assertEqual(p.stdout, "")
        self.assertEqual(snapshot(self.build), self.before, "BUILD_DIR changed on error")

    def test_unmet_dependency(self):
        self.profile("# CONFIG_SCHED is not set\nCONFIG_SMP=y\n")
        self.assertFails(["defconfig", "x"],
                         "profiles/x.config:2: SMP=y requested, got n: depends on SCHED (=n)")

    def test_unmet_dependency_of_int(self):
        self.assertFails(["defconfig", "tiny", "--set", "NR_CPUS=8"],
                         "--set: NR_CPUS=8 requested, got no value: depends on SMP (=n)")

    def test_unknown_symbol(self):
        self.profile("CONFIG_SMP=y\nCONFIG_FOO=y\n")
        self.assertFails(["defconfig", "x"], "profiles/x.config:2: unknown symbol FOO")

    def test_unknown_symbol_close_to_a_known_one(self):
        self.assertFails(["defconfig", "tiny", "--set", "SMPP=y"],
                         "--set: unknown symbol SMPP (did you mean SMP?)")

    def test_malformed_lines_all_reported(self):
        self.profile("CONFIG_SMP y\n\n# a comment\nSMP=y\n")
        self.assertFails(["defconfig", "x"],
                         "profiles/x.config:1: malformed line: 'CONFIG_SMP y' "
                         "(expected CONFIG_NAME=value or '# CONFIG_NAME is not set')",
                         "profiles/x.config:4: malformed line: 'SMP=y' "
                         "(expected CONFIG_NAME=value or '# CONFIG_NAME is not set')")

    def test_unterminated_string(self):
        self.profile('CONFIG_NAME="umk\n')
        self.assertFails(["defconfig", "x"], 'profiles/x.config:1: unterminated string value: "umk')

    def test_missing_profile_lists_available(self):
        self.assertFails(["defconfig", "nope"], "unknown profile 'nope' (available: server, tiny)")

    def test_missing_file(self):
        self.assertFails(["defconfig", "tiny", "--fragment", "frag/none.config"],
                         "frag/none.config: no such file")

    def test_unreadable_file_directory(self):
        os.makedirs(os.path.join(self.tree, "frag.config"))
        self.assertFails(["defconfig", "tiny", "--fragment", "frag.config"],
                         "frag.config: cannot read: is a directory")

    def test_unreadable_file_not_text(self):
        with open(os.path.join(self.tree, "bin.config"), "wb") as f:
            f.write(b"CONFIG_SMP=y\n\xff\xfe\n")
        self.assertFails(["defconfig", "bin.config"],
                         "bin.config: cannot read: not UTF-8 text (byte 13: invalid start byte)")

    def test_out_of_range_int(self):
        self.profile("CONFIG_SMP=y\nCONFIG_NR_CPUS=999\n")
        self.assertFails(["defconfig", "x"], "profiles/x.config:2: NR_CPUS=999 out of range [2..64]")

    def test_out_of_range_even_when_dependency_unmet(self):
        self.assertFails(["defconfig", "tiny", "--set", "NR_CPUS=1"], "--set: NR_CPUS=1 out of range [2..64]")

    def test_promptless_symbol(self):
        self.assertFails(["defconfig", "tiny", "--set", "HAVE_IO=y"],
                         "--set: HAVE_IO=y requested, got n: HAVE_IO has no prompt, "
                         "so it cannot be set directly; selected by IO (=n)")

    def test_not_a_bool(self):
        self.assertFails(["defconfig", "server", "--set", "SMP=yes"],
                         "--set: SMP=yes: not a valid bool value (use y or n)")

    def test_module_value(self):
        self.assertFails(["defconfig", "server", "--set", "SMP=m"], "--set: SMP=m: umk has no modules; use y or n")

    def test_not_an_int(self):
        self.assertFails(["defconfig", "server", "--set", "LOG_BUF_SHIFT=big"],
                         "--set: LOG_BUF_SHIFT=big: not a valid int")

    def test_choice_needs_a_member(self):
        self.assertFails(["defconfig", "server", "--set", "SWITCH_ASM=n"],
                         '--set: SWITCH_ASM=n requested, got y: choice "Context switch" needs one member set; '
                         "set another (SWITCH_C) to y instead")

    def test_selected_symbol_cannot_be_turned_off(self):
        self.assertFails(["defconfig", "server", "--set", "HAVE_IO=n"],
                         "--set: HAVE_IO=n requested, got y: HAVE_IO has no prompt, "
                         "so it cannot be set directly; selected by IO (=y)")

    def test_malformed_set(self):
        self.assertFails(["defconfig", "server", "--set", "FOO"], "--set: expected SYM=VALUE, got 'FOO'")

    def test_every_error_is_reported(self):
        self.profile("# CONFIG_SCHED is not set\nCONFIG_SMP=y\nCONFIG_NR_CPUS=100\nCONFIG_BAR=y\n")
        self.assertFails(["defconfig", "x", "--set", "IO=n", "--set", "HAVE_IO=y"],
                         "profiles/x.config:2: SMP=y requested, got n: depends on SCHED (=n)",
                         "profiles/x.config:3: NR_CPUS=100 out of range [2..64]",
                         "profiles/x.config:4: unknown symbol BAR",
                         "--set: HAVE_IO=y requested, got n: HAVE_IO has no prompt, "
                         "so it cannot be set directly; selected by IO (=n)")

    def test_kconfig_without_final_newline(self):
        path = os.path.join(self.tree, "optional/sched/Kconfig")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.rstrip("\n"))
        end = text.rstrip("\n").count("\n") + 1
        self.assertFails(["defconfig", "server"],
                         "kconfig-conf --defconfig failed on Kconfig:",
                         f"optional/sched/Kconfig:{end}: 'endmenu' in different file than 'menu'",
                         "optional/sched/Kconfig:1: location of the 'menu'",
                         "optional/sched/Kconfig: no newline at end of file "
                         "(kconfig-frontends 4.11 cannot parse that): add one")

    def test_error_in_fresh_dir_creates_nothing(self):
        fresh = os.path.join(self.tmp, "fresh")
        p = self.configgen("defconfig", "tiny", "--set", "SMP=y", "-O", fresh, use_prebuilt=False)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, E + "--set: SMP=y requested, got n: depends on SCHED (=n)\n")
        self.assertFalse(os.path.exists(fresh))


class DefconfigResolves(TreeCase, unittest.TestCase):
    def config(self):
        return self.read(os.path.join(self.build, ".config"))

    def test_profile_fragments_sets_in_order(self):
        f1 = self.write("f1.config", "CONFIG_LOG_BUF_SHIFT=12\nCONFIG_NAME=\"one\"\n")
        f2 = self.write("f2.config", "CONFIG_LOG_BUF_SHIFT=16\n")
        p = self.configgen("defconfig", "server", "--fragment", f1, "--fragment", f2,
                           "--set", "LOG_BUF_SHIFT=20", "--set", "CONFIG_NR_CPUS=8", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        cfg = self.config()
        for line in ("CONFIG_LOG_BUF_SHIFT=20", 'CONFIG_NAME="one"', "CONFIG_SMP=y", "CONFIG_NR_CPUS=8"):
            self.assertIn(line + "\n", cfg)

    def test_later_choice_member_wins(self):
        p = self.configgen("defconfig", "server", "--set", "SWITCH_ASM=y", "--set", "SWITCH_C=y", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("CONFIG_SWITCH_C=y\n", self.config())
        self.assertIn("# CONFIG_SWITCH_ASM is not set\n", self.config())

    def test_full_config_as_input(self):
        self.configgen("defconfig", "server", "-O", self.build)
        other = os.path.join(self.tmp, "other")
        p = self.configgen("defconfig", os.path.join(self.build, ".config"), "-O", other)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.read(os.path.join(other, ".config")), self.config())

    def test_unchanged_config_keeps_mtime(self):
        self.configgen("defconfig", "server", "-O", self.build)
        cfg = os.path.join(self.build, ".config")
        os.utime(cfg, ns=(1_000_000_000, 1_000_000_000))
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(os.stat(cfg).st_mtime_ns, 1_000_000_000)

    def test_relative_build_dir(self):
        p = self.configgen("defconfig", "tiny", "-O", "rel-build", cwd=self.tmp, use_prebuilt=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.configgen("genconfig", "-O", "rel-build", cwd=self.tmp, use_prebuilt=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "rel-build", "config.json")))

    def test_helper_cached_in_build_dir(self):
        p = self.configgen("defconfig", "tiny", "-O", self.build, use_prebuilt=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        cached = os.listdir(os.path.join(self.build, ".configgen"))
        self.assertEqual(len(cached), 1)
        self.assertTrue(cached[0].startswith("kconfig-dump-"))


if __name__ == "__main__":
    unittest.main()
