"""Shared test support: a small fake umk tree, running configgen, snapshots.

The fake tree mirrors the real one's shape (Kconfig with menus, a choice,
ranges, select, a promptless symbol; Kbuild files; public and internal
headers; freestanding, hosted and assembly sources) but never changes
under the tests' feet while other people edit the real Kconfig.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap

TESTS = os.path.dirname(os.path.abspath(__file__))
SRCTREE = os.path.dirname(os.path.dirname(TESTS))
CONFIGGEN = os.path.join(SRCTREE, "tools", "configgen", "configgen")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

FILES = {
    "Kconfig": """\
        mainmenu "fake umk"

        source "core/Kconfig"
        source "optional/sched/Kconfig"
        """,
    "core/Kconfig": """\
        menu "Core kernel"

        config IO
        \tbool "Blocking I/O"
        \tdefault y
        \tselect HAVE_IO
        \thelp
        \t  I/O for tasks.

        config HAVE_IO
        \tbool

        config LOG_BUF_SHIFT
        \tint "Log buffer size (2^N bytes)"
        \trange 10 24
        \tdefault 14
        \thelp
        \t  Ring buffer size.

        config NAME
        \tstring "Kernel name"
        \tdefault "umk"
        \thelp
        \t  A string.

        config IKCONFIG
        \tbool "Embed the .config"
        \tdefault y
        \thelp
        \t  Embeds the config.

        choice
        \tprompt "Context switch"
        \tdefault SWITCH_ASM

        config SWITCH_ASM
        \tbool "Assembly"

        config SWITCH_C
        \tbool "C"

        endchoice

        endmenu
        """,
    "optional/sched/Kconfig": """\
        menu "Scheduler"

        config SCHED
        \tbool "Full scheduler"
        \tdefault y
        \thelp
        \t  Full scheduler.

        config SMP
        \tbool "Symmetric multiprocessing"
        \tdepends on SCHED
        \thelp
        \t  SMP.

        config NR_CPUS
        \tint "Maximum number of CPUs"
        \tdepends on SMP
        \trange 2 64
        \tdefault 4
        \thelp
        \t  CPUs.

        config SCHED_STATS
        \tbool "Statistics"
        \tdepends on SCHED
        \tdefault y
        \thelp
        \t  Stats.

        endmenu
        """,
    "Kbuild": """\
        subdir-y += core
        subdir-y += optional/sched
        subdir-y += arch/um
        """,
    "core/Kbuild": """\
        obj-y += core.c
        obj-$(CONFIG_IKCONFIG) += ikconfig.c
        """,
    "optional/sched/Kbuild": """\
        obj-$(CONFIG_SCHED) += sched.c
        """,
    "arch/um/Kbuild": """\
        host-y += boot.c
        host-$(CONFIG_SWITCH_ASM) += switch_$(SRCARCH).S
        host-$(CONFIG_SWITCH_C) += switch_c.c
        """,
    "include/umk/compiler.h": """\
        #ifndef UMK_COMPILER_H
        #define UMK_COMPILER_H
        #include <stddef.h>
        #ifndef UMK_INTERNAL
        #define UMK_INTERNAL
        #endif
        #ifndef UMK_INTERNAL_DECL
        #define UMK_INTERNAL_DECL extern
        #endif
        #endif
        """,
    "include/umk/config.h": """\
        #ifndef UMK_CONFIG_H
        #define UMK_CONFIG_H
        #include <generated/autoconf.h>
        #endif
        """,
    "include/umk/core.h": """\
        #ifndef UMK_CORE_H
        #define UMK_CORE_H
        #include <umk/compiler.h>
        #include <umk/config.h>
        int umk_core_answer(void);
        const char *umk_core_name(void);
        const char *umk_ikconfig_text(void);
        #endif
        """,
    "core/internal.h": """\
        #ifndef CORE_INTERNAL_H
        #define CORE_INTERNAL_H
        #include <umk/compiler.h>
        UMK_INTERNAL int umk_core_helper(void);
        UMK_INTERNAL_DECL int umk_core_counter;
        #endif
        """,
    "core/core.c": """\
        #include <umk/core.h>
        #include "core/internal.h"
        #ifdef CONFIG_SCHED
        #include "optional/sched/sched.h"
        #endif

        UMK_INTERNAL int umk_core_counter;

        UMK_INTERNAL int umk_core_helper(void)
        {
        \treturn 40 + umk_core_counter;
        }

        const char *umk_core_name(void)
        {
        \treturn CONFIG_NAME;
        }
        """,
    "core/ikconfig.c": """\
        #include <umk/core.h>
        #include <generated/ikconfig.h>

        static const char ikconfig_blob[] = UMK_IKCONFIG_BLOB;

        const char *umk_ikconfig_text(void)
        {
        \treturn ikconfig_blob;
        }
        """,
    "optional/sched/sched.h": """\
        #ifndef SCHED_SCHED_H
        #define SCHED_SCHED_H
        #include "core/internal.h"
        UMK_INTERNAL int umk_sched_bonus(void);
        #endif
        """,
    "optional/sched/sched.c": """\
        #include <umk/core.h>
        #include "optional/sched/sched.h"

        UMK_INTERNAL int umk_sched_bonus(void)
        {
        \treturn 2;
        }
        """,
    "arch/um/arch.h": """\
        #ifndef ARCH_UM_ARCH_H
        #define ARCH_UM_ARCH_H
        long umk_arch_switch_answer(void);
        #endif
        """,
    "arch/um/boot.c": """\
        #include <stdio.h>
        #include <string.h>
        #include <umk/core.h>
        #include "arch.h"
        #include "core/internal.h"

        int umk_core_answer(void)
        {
        \tint bonus = 0;
        #ifdef CONFIG_SCHED
        \tbonus = 2;
        #endif
        \treturn umk_core_helper() + bonus;
        }

        int main(int argc, char **argv)
        {
        \t(void)argv;
        \tprintf("answer=%d name=%s switch=%ld\\n", umk_core_answer(), umk_core_name(),
        \t       umk_arch_switch_answer());
        \treturn argc > 1 ? 0 : 0;
        }
        """,
    "arch/um/switch_c.c": """\
        #include "arch/um/arch.h"

        long umk_arch_switch_answer(void)
        {
        \treturn 1;
        }
        """,
    "arch/um/switch_x86_64.S": """\
        /* Returns 42 or 43 depending on the config. */
        #include <generated/autoconf.h>
        \t.text
        \t.globl umk_arch_switch_answer
        \t.type umk_arch_switch_answer, @function
        umk_arch_switch_answer:
        #ifdef CONFIG_SMP
        \tmovq $43, %rax
        #else
        \tmovq $42, %rax
        #endif
        \tret
        \t.size umk_arch_switch_answer, .-umk_arch_switch_answer
        \t.section .note.GNU-stack,"",@progbits
        """,
    "profiles/tiny.config": """\
        # CONFIG_IO is not set
        # CONFIG_SCHED is not set
        """,
    "profiles/server.config": """\
        CONFIG_SMP=y
        """,
}


def make_tree(root):
    """Write the fake tree under root; return root."""
    for rel, text in FILES.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
    # aarch64 hosts get the C switch via the same name.
    shutil.copy(os.path.join(root, "arch/um/switch_x86_64.S"), os.path.join(root, "arch/um/switch_aarch64.S"))
    return root


_helper = {}


def prebuilt_helper():
    """Build kconfig-dump once per test run (each test's BUILD_DIR would otherwise)."""
    if "path" not in _helper:
        sys.path.insert(0, os.path.join(SRCTREE, "tools", "configgen"))
        from umkconfig import helper
        _helper["path"] = helper.locate()
    return _helper["path"]


def run(args, srctree=None, cwd=None, env=None, use_prebuilt=True):
    """Run configgen; return CompletedProcess (text)."""
    e = dict(os.environ)
    e.pop("UMK_KCONFIG_DUMP", None)
    if srctree:
        e["UMK_SRCTREE"] = srctree
    if use_prebuilt:
        e["UMK_KCONFIG_DUMP"] = prebuilt_helper()
    e.update(env or {})
    return subprocess.run([PYTHON, CONFIGGEN] + args, cwd=cwd, env=e,
                          capture_output=True, text=True)


def snapshot(root):
    """{relative path: (bytes, mtime_ns, mode)} of everything under root (or None)."""
    if not os.path.exists(root):
        return None
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            p = os.path.join(d, name)
            st = os.lstat(p)
            data = None
            if os.path.isfile(p):
                with open(p, "rb") as f:
                    data = f.read()
            out[os.path.relpath(p, root)] = (data, st.st_mtime_ns, st.st_mode)
    return out


class TreeCase:
    """Mixin: self.tree (fake srctree) and self.tmp, removed afterwards."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="configgen-test.")
        self.tree = make_tree(os.path.join(self.tmp, "tree"))
        self.build = os.path.join(self.tmp, "build")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def configgen(self, *args, **kw):
        kw.setdefault("srctree", self.tree)
        kw.setdefault("cwd", self.tree)
        return run(list(args), **kw)

    def write(self, rel, text):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
        return path

    def read(self, path):
        with open(path, encoding="utf-8") as f:
            return f.read()


def edit_config(tree, config_path, changes):
    """Change .config the way a menuconfig session would: set values, then let
    kconfig-conf --olddefconfig bring the rest in line (as mconf does on save)."""
    import re
    with open(config_path, encoding="utf-8") as f:
        text = f.read()
    for sym, value in changes.items():
        pattern = re.compile(rf"^(CONFIG_{sym}=.*|# CONFIG_{sym} is not set)$", re.M)
        line = f"# CONFIG_{sym} is not set" if value == "n" else f"CONFIG_{sym}={value}"
        text, n = pattern.subn(line, text)
        if not n:
            text += line + "\n"
    work = tempfile.mkdtemp(prefix="configgen-edit.")
    try:
        os.makedirs(os.path.join(work, "include", "config"))
        cfg = os.path.join(work, ".config")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(text)
        env = dict(os.environ, srctree=tree, KCONFIG_CONFIG=cfg)
        subprocess.run(["kconfig-conf", "-s", "--olddefconfig", os.path.join(tree, "Kconfig")],
                       cwd=work, env=env, check=True, capture_output=True)
        shutil.copy(cfg, config_path)
    finally:
        shutil.rmtree(work)
