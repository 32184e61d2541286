"""savedefconfig, randconfig, genconfig, diff, show-config and --help."""
import json
import os
import unittest

from fixture import TreeCase, snapshot


class Help(TreeCase, unittest.TestCase):
    def test_every_subcommand_has_help(self):
        for cmd in ("defconfig", "genconfig", "menuconfig", "savedefconfig", "randconfig",
                    "diff", "emit", "show-config"):
            p = self.configgen(cmd, "--help")
            self.assertEqual(p.returncode, 0, cmd)
            self.assertTrue(p.stdout.startswith(f"usage: configgen {cmd} "), p.stdout)
        p = self.configgen("--help")
        self.assertIn("show-config", p.stdout)


class Savedefconfig(TreeCase, unittest.TestCase):
    def test_round_trip(self):
        self.configgen("defconfig", "server", "--set", "LOG_BUF_SHIFT=16", "--set", "SWITCH_C=y",
                       "-O", self.build)
        out = os.path.join(self.tmp, "min.config")
        p = self.configgen("savedefconfig", "-O", self.build, "-o", out)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.read(out), "CONFIG_LOG_BUF_SHIFT=16\nCONFIG_SWITCH_C=y\nCONFIG_SMP=y\n")
        again = os.path.join(self.tmp, "again")
        p = self.configgen("defconfig", out, "-O", again)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.read(os.path.join(again, ".config")),
                         self.read(os.path.join(self.build, ".config")))

    def test_default_output_and_profile_form(self):
        self.configgen("defconfig", "tiny", "-O", self.build)
        p = self.configgen("savedefconfig", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.read(os.path.join(self.build, "defconfig")),
                         "# CONFIG_IO is not set\n# CONFIG_SCHED is not set\n")
        p = self.configgen("savedefconfig", "--profile", "server")
        self.assertEqual((p.returncode, p.stdout), (0, "CONFIG_SMP=y\n"))

    def test_missing_config(self):
        p = self.configgen("savedefconfig", "-O", self.build)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"configgen savedefconfig: error: {self.build}/.config: no such file "
                         "(run configgen defconfig first)\n")


class Randconfig(TreeCase, unittest.TestCase):
    def rand(self, seed, build, *extra):
        p = self.configgen("randconfig", "--seed", str(seed), *extra, "-O", build)
        self.assertEqual(p.returncode, 0, p.stderr)
        return self.read(os.path.join(build, ".config"))

    def test_same_seed_same_config(self):
        for seed in (1, 7, 12345):
            a = self.rand(seed, os.path.join(self.tmp, f"a{seed}"))
            b = self.rand(seed, os.path.join(self.tmp, f"b{seed}"))
            self.assertEqual(a, b, f"seed {seed}")

    def test_seeds_differ(self):
        configs = {self.rand(s, os.path.join(self.tmp, f"s{s}")) for s in range(8)}
        self.assertGreater(len(configs), 1)

    def test_pinned_symbols_hold(self):
        for seed in range(6):
            cfg = self.rand(seed, os.path.join(self.tmp, f"p{seed}"), "--set", "SCHED=y", "--set", "SMP=y",
                            "--set", "NR_CPUS=8")
            self.assertIn("CONFIG_SCHED=y\n", cfg)
            self.assertIn("CONFIG_NR_CPUS=8\n", cfg)

    def test_probability_extremes(self):
        cfg = self.rand(3, self.build, "--probability", "0")
        self.assertIn("# CONFIG_SCHED is not set\n", cfg)

    def test_bad_seed(self):
        before = snapshot(self.build)
        p = self.configgen("randconfig", "--seed", "x1", "-O", self.build)
        self.assertEqual((p.returncode, p.stderr), (1, "configgen randconfig: error: --seed: not a number: 'x1'\n"))
        p = self.configgen("randconfig", "--seed", "1", "--probability", "150", "-O", self.build)
        self.assertEqual(p.stderr, "configgen randconfig: error: --probability: expected a percentage 0-100, "
                                   "got '150'\n")
        self.assertEqual(snapshot(self.build), before)

    def test_unmet_pin_is_an_error(self):
        p = self.configgen("randconfig", "--seed", "1", "--set", "SCHED=n", "--set", "SMP=y", "-O", self.build)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "configgen randconfig: error: --set: SMP=y requested, got n: "
                                   "depends on SCHED (=n)\n")
        self.assertFalse(os.path.exists(self.build))


class Genconfig(TreeCase, unittest.TestCase):
    def test_outputs(self):
        self.configgen("defconfig", "server", "--set", "NAME=x\"y", "-O", self.build)
        p = self.configgen("genconfig", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        autoconf = self.read(os.path.join(self.build, "include/generated/autoconf.h"))
        self.assertIn("#define CONFIG_SMP 1\n", autoconf)
        self.assertIn("#define CONFIG_NR_CPUS 4\n", autoconf)
        self.assertIn('#define CONFIG_NAME "x\\"y"\n', autoconf)
        self.assertNotIn("CONFIG_SWITCH_C", autoconf)
        cmake = self.read(os.path.join(self.build, "config.cmake"))
        self.assertIn('set(CONFIG_SMP "y")\n', cmake)
        sources = self.read(os.path.join(self.build, "sources.cmake"))
        self.assertIn("set(UMK_OBJ_SOURCES\n  core/core.c\n  core/ikconfig.c\n  optional/sched/sched.c\n)", sources)
        self.assertIn("set(UMK_HOST_SOURCES\n  arch/um/boot.c\n  arch/um/switch_", sources)
        ik = self.read(os.path.join(self.build, "include/generated/ikconfig.h"))
        self.assertIn('"CONFIG_NAME=\\"x\\\\\\"y\\"\\n"', ik)
        data = json.loads(self.read(os.path.join(self.build, "config.json")))
        syms = {s["name"]: s for s in data["symbols"]}
        self.assertEqual(list(syms)[:3], ["IO", "HAVE_IO", "LOG_BUF_SHIFT"])
        self.assertEqual(syms["NR_CPUS"]["value"], "4")
        self.assertEqual(syms["NR_CPUS"]["type"], "integer")
        self.assertEqual(syms["NR_CPUS"]["prompt"], "Maximum number of CPUs")
        self.assertEqual(syms["NR_CPUS"]["menu_path"], ["Scheduler"])
        self.assertEqual(syms["NR_CPUS"]["range"], ["2", "64"])
        self.assertEqual(syms["SWITCH_C"]["menu_path"], ["Core kernel", "Context switch"])
        self.assertIsNone(syms["HAVE_IO"]["prompt"])

    def test_unchanged_outputs_keep_mtime(self):
        self.configgen("defconfig", "server", "-O", self.build)
        self.configgen("genconfig", "-O", self.build)
        before = snapshot(self.build)
        p = self.configgen("genconfig", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(snapshot(self.build), before)


class Diff(TreeCase, unittest.TestCase):
    def test_profiles_grouped_by_menu(self):
        p = self.configgen("diff", "tiny", "server")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, """\
A: tiny (profiles/tiny.config, resolved)
B: server (profiles/server.config, resolved)

  symbol       A  B
Core kernel
  IO           n  y
  HAVE_IO      n  y
Scheduler
  SCHED        n  y
  SMP          n  y
  NR_CPUS      -  4
  SCHED_STATS  n  y
6 symbols differ
""")

    def test_files_and_dirs(self):
        self.configgen("defconfig", "server", "-O", self.build)
        text = self.read(os.path.join(self.build, ".config"))
        other = self.write("other.config", text.replace("CONFIG_NR_CPUS=4", "CONFIG_NR_CPUS=8")
                           .replace("CONFIG_SCHED_STATS=y", "# CONFIG_SCHED_STATS is not set") + "CONFIG_GONE=y\n")
        p = self.configgen("diff", self.build, other)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, f"""\
A: {self.build}/.config
B: {other}

  symbol       A  B
Scheduler
  NR_CPUS      4  8
  SCHED_STATS  y  n
(not in Kconfig)
  GONE         -  y
3 symbols differ
""")

    def test_identical(self):
        p = self.configgen("diff", "tiny", "tiny")
        self.assertTrue(p.stdout.endswith("no differences\n"))

    def test_missing_input(self):
        p = self.configgen("diff", "tiny", "nope")
        self.assertEqual((p.returncode, p.stderr),
                         (1, "configgen diff: error: unknown profile 'nope' (available: server, tiny)\n"))


class ShowConfig(TreeCase, unittest.TestCase):
    def test_with_marker(self):
        blob = os.path.join(self.tmp, "libfake.a")
        with open(blob, "wb") as f:
            f.write(b"!<arch>\n\x00\x01junk UMK_IKCONFIG_BEGIN\nCONFIG_A=y\nCONFIG_B=\"x\"\n"
                    b"UMK_IKCONFIG_END\n\x00more")
        p = self.configgen("show-config", blob)
        self.assertEqual((p.returncode, p.stdout), (0, 'CONFIG_A=y\nCONFIG_B="x"\n'))

    def test_without_marker(self):
        blob = os.path.join(self.tmp, "umk-boot")
        with open(blob, "wb") as f:
            f.write(b"\x7fELF no config here UMK_IKCONFIG_BEGIN but no end")
        p = self.configgen("show-config", blob)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"configgen show-config: error: {blob}: no embedded config "
                                   "(built with CONFIG_IKCONFIG=n?)\n")

    def test_missing_file(self):
        p = self.configgen("show-config", "no-such-binary")
        self.assertEqual(p.stderr, "configgen show-config: error: no-such-binary: no such file\n")


if __name__ == "__main__":
    unittest.main()
