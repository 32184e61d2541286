"""menuconfig driven for real: kconfig-mconf under tmux, keys sent, .config checked."""
import os
import shlex
import shutil
import stat
import subprocess
import time
import unittest

from fixture import CONFIGGEN, PYTHON, TreeCase, prebuilt_helper


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed (apt-get install tmux)")
@unittest.skipUnless(shutil.which("kconfig-mconf"), "kconfig-mconf is not installed (apt-get install kconfig-frontends)")
class Menuconfig(TreeCase, unittest.TestCase):
    def setUp(self):
        super().setUp()
        # A private tmux server on a socket in the test's own directory:
        # nothing of the user's is touched and nothing is left behind.
        self.socket = os.path.join(self.tmp, "tmux.sock")
        self.done = os.path.join(self.tmp, "mconf.done")

    def tearDown(self):
        self.tmux("kill-server", check=False)  # before the socket's directory goes
        super().tearDown()

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-S", self.socket] + list(args), capture_output=True, text=True,
                              check=check)

    def screen(self):
        return self.tmux("capture-pane", "-p", "-t", "mconf").stdout

    def wait_for(self, text, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        self.fail(f"menuconfig never showed {text!r}; screen was:\n{self.screen()}")

    def keys(self, *keys):
        self.tmux("send-keys", "-t", "mconf", *keys)

    def start_menuconfig(self):
        env = {"UMK_SRCTREE": self.tree, "UMK_KCONFIG_DUMP": prebuilt_helper(), "TERM": "xterm",
               "ESCDELAY": "25"}
        cmd = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        cmd = (f"env {cmd} {PYTHON} {CONFIGGEN} menuconfig -O {shlex.quote(self.build)}; "
               f"echo $? > {shlex.quote(self.done)}")
        p = self.tmux("new-session", "-d", "-s", "mconf", "-x", "100", "-y", "35", cmd, check=False)
        if p.returncode != 0:
            hint = "" if stat.S_ISCHR(os.stat("/dev/null").st_mode) else \
                " (/dev/null is not a character device, so tmux cannot daemonize; restore it with " \
                "'rm /dev/null && mknod -m 666 /dev/null c 1 3')"
            self.fail(f"tmux could not start: {p.stderr.strip()}{hint}")

    def save_and_exit(self):
        for _ in range(6):
            if "Do you wish to save your new configuration?" in self.screen():
                break
            self.keys("Escape", "Escape")
            time.sleep(0.5)
        self.wait_for("Do you wish to save your new configuration?")
        self.keys("Enter")  # < Yes >
        deadline = time.monotonic() + 15
        while not os.path.exists(self.done) and time.monotonic() < deadline:
            time.sleep(0.1)
        with open(self.done) as f:
            self.assertEqual(f.read().strip(), "0")

    def test_toggle_symbol_found_by_search(self):
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        cfg = os.path.join(self.build, ".config")
        self.assertIn("CONFIG_SCHED_STATS=y\n", self.read(cfg))

        self.start_menuconfig()
        self.wait_for("Scheduler  --->")
        self.keys("/")
        self.wait_for("Search Configuration Parameter")
        self.keys("SCHED_STATS", "Enter")
        self.wait_for("Symbol: SCHED_STATS [=y]")
        self.keys("1")  # jump to the first search result
        self.wait_for("[*]   Statistics")
        self.keys("n")
        self.wait_for("[ ]   Statistics")
        self.save_and_exit()

        text = self.read(cfg)
        self.assertIn("# CONFIG_SCHED_STATS is not set\n", text)
        self.assertIn("CONFIG_SMP=y\n", text)

        # The edit survives re-running defconfig on the same profile.
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("# CONFIG_SCHED_STATS is not set\n", self.read(cfg))
        self.assertIn("kept 1 menuconfig edit(s) on top of the inputs: SCHED_STATS=n", p.stderr)

    def test_missing_config(self):
        p = self.configgen("menuconfig", "-O", self.build)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, f"configgen menuconfig: error: {self.build}/.config: no such file "
                                   "(run configgen defconfig first)\n")


@unittest.skipUnless(shutil.which("kconfig-mconf"), "kconfig-mconf is not installed (apt-get install kconfig-frontends)")
class MenuconfigWithoutTerminal(TreeCase, unittest.TestCase):
    def test_no_tty_fails_at_once_naming_why(self):
        # kconfig-mconf itself would spin at full CPU on end of input.
        p = self.configgen("defconfig", "server", "-O", self.build)
        self.assertEqual(p.returncode, 0, p.stderr)
        env = dict(os.environ, UMK_SRCTREE=self.tree, UMK_KCONFIG_DUMP=prebuilt_helper(), TERM="xterm")
        p = subprocess.run([PYTHON, CONFIGGEN, "menuconfig", "-O", self.build], env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr, "configgen menuconfig: error: menuconfig needs a terminal: standard "
                                   f"input and output are not a tty (edit {self.build}/.config directly, "
                                   "or give values with configgen defconfig --set SYM=VAL)\n")


if __name__ == "__main__":
    unittest.main()
