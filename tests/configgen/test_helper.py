"""kconfig-dump (the C helper on libkconfig-parser) and the model it feeds."""
import json
import os
import subprocess
import sys
import unittest
from unittest import mock

from fixture import SRCTREE, TreeCase, prebuilt_helper

sys.path.insert(0, os.path.join(SRCTREE, "tools", "configgen"))
from umkconfig import helper  # noqa: E402
from umkconfig.errors import ConfigError  # noqa: E402


class KconfigDump(TreeCase, unittest.TestCase):
    def dump(self, config_text=None):
        args = [prebuilt_helper(), os.path.join(self.tree, "Kconfig")]
        if config_text is not None:
            args.append(self.write("dump.config", config_text))
        p = subprocess.run(args, cwd=self.tmp, env=dict(os.environ, srctree=self.tree),
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        data = json.loads(p.stdout)
        return data, {s["name"]: s for s in data["symbols"]}

    def test_symbols_in_menu_order(self):
        data, syms = self.dump()
        self.assertEqual(data["mainmenu"], "fake umk")
        self.assertEqual(list(syms), ["IO", "HAVE_IO", "LOG_BUF_SHIFT", "NAME", "IKCONFIG", "SWITCH_ASM",
                                      "SWITCH_C", "SCHED", "SMP", "NR_CPUS", "SCHED_STATS"])

    def test_unmet_dependency_with_values(self):
        _, syms = self.dump("# CONFIG_SCHED is not set\nCONFIG_SMP=y\n")
        smp = syms["SMP"]
        self.assertEqual((smp["value"], smp["user_value"]), ("n", "y"))
        self.assertEqual(smp["depends"], {"text": "SCHED", "with_values": "SCHED (=n)", "value": "n"})
        self.assertEqual(smp["prompt"], "Symmetric multiprocessing")
        self.assertEqual(smp["defined_at"], ["optional/sched/Kconfig:9"])

    def test_select_range_choice(self):
        data, syms = self.dump("CONFIG_SMP=y\n")
        self.assertEqual(syms["IO"]["selects"][0]["symbol"], "HAVE_IO")
        self.assertEqual(syms["HAVE_IO"]["selected_by"]["with_values"], "IO (=y)")
        self.assertIsNone(syms["HAVE_IO"]["prompt"])
        self.assertEqual(syms["NR_CPUS"]["range"], ["2", "64"])
        self.assertEqual(syms["NR_CPUS"]["value"], "4")
        self.assertEqual(syms["SWITCH_C"]["choice"], "Context switch")
        self.assertEqual(syms["SWITCH_C"]["depends"]["text"], 'choice "Context switch"')
        choice = data["choices"][0]
        self.assertEqual((choice["prompt"], choice["selected"], choice["members"]),
                         ("Context switch", "SWITCH_ASM", ["SWITCH_ASM", "SWITCH_C"]))

    def test_help_and_menu_path(self):
        _, syms = self.dump()
        self.assertEqual(syms["SMP"]["help"], "SMP.\n")
        self.assertEqual(syms["SWITCH_ASM"]["menu_path"], ["Core kernel", "Context switch"])


class HelperBuild(unittest.TestCase):
    def test_missing_library_names_the_package(self):
        with mock.patch("shutil.which", return_value=None), mock.patch("os.path.exists", return_value=False):
            with self.assertRaises(ConfigError) as cm:
                helper._flags()
        self.assertEqual(cm.exception.messages, [
            "libkconfig-parser not found (no pkg-config file kconfig-parser, no /usr/include/kconfig/lkc.h): "
            "install it with 'apt-get install kconfig-frontends'"])

    def test_override_by_environment(self):
        with mock.patch.dict(os.environ, {"UMK_KCONFIG_DUMP": "/opt/kconfig-dump"}):
            self.assertEqual(helper.locate("/nonexistent"), "/opt/kconfig-dump")


if __name__ == "__main__":
    unittest.main()
