"""Shared test support: synthetic umk build directories made with the C compiler.

A synthetic build has what a real one has for reporting (libumk.a with
objects named after their sources, in source order; sources.cmake;
.config; config.json; CMakeCache.txt) but is built in a second from small
C files, so the tests do not wait for, or break with, the real kernel.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TESTS = os.path.dirname(os.path.abspath(__file__))
SRCTREE = os.path.dirname(os.path.dirname(TESTS))
CONFIGGEN = os.path.join(SRCTREE, "tools", "configgen", "configgen")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
CC = os.environ.get("CC", "cc")
CFLAGS = ["-std=gnu11", "-O2", "-ffunction-sections", "-fdata-sections", "-ffreestanding"]

sys.path.insert(0, os.path.join(SRCTREE, "tools", "configgen"))

# A small "kernel": two files share a base name (irq.c), as core/ and arch/um do.
SOURCES = {
    "core/task.c": """
        struct umk_task { int id; char name[16]; };
        static struct umk_task task_table[8];
        int umk_task_count = 1;
        struct umk_task *umk_task_get(int i) { return i < 8 ? &task_table[i] : 0; }
        const char *umk_task_state(int s) {
            switch (s) { case 0: return "running"; case 1: return "ready";
            case 2: return "blocked"; case 3: return "dead"; case 4: return "new";
            default: return "?"; } }
        """,
    "core/page_alloc.c": """
        static unsigned long buddy_free_lists[11];
        static int buddy_split(int order) { buddy_free_lists[order]++; return order - 1; }
        int umk_alloc_pages(int order) { return order > 0 ? buddy_split(order) : 0; }
        """,
    "core/irq.c": """
        typedef void (*umk_irq_fn)(int);
        static umk_irq_fn irq_table[32];
        void umk_do_irq(int n) { if (irq_table[n]) irq_table[n](n); }
        """,
    "optional/sched/stub.c": """
        int umk_sched_stub_runs;
        void umk_schedule(void) { umk_sched_stub_runs++; }
        """,
    "tests/kernel/ktest.c": """
        const char umk_ktest_banner[] = "ktest: all suites";
        int umk_ktest_run(void) { return umk_ktest_banner[0]; }
        """,
    "arch/um/irq.c": """
        long umk_host_irq_count = 3;
        long umk_host_irq_poll(long t) { return t + umk_host_irq_count; }
        """,
}
OBJ = ["core/task.c", "core/page_alloc.c", "core/irq.c", "optional/sched/stub.c",
       "tests/kernel/ktest.c"]
HOST = ["arch/um/irq.c"]

CONFIG = {"SCHED": "n", "SCHED_STUB": "y", "VM": "n", "SELFTEST": "y", "NR_CPUS": "1",
          "HAVE_CONTEXT_SWITCH": "y"}
MODEL = [
    {"name": "SCHED", "type": "bool", "prompt": "Full scheduler", "menu_path": ["Scheduler"]},
    {"name": "SCHED_STUB", "type": "bool", "prompt": None, "menu_path": ["Scheduler"]},
    {"name": "VM", "type": "bool", "prompt": "Virtual memory", "menu_path": ["Memory"]},
    {"name": "NR_CPUS", "type": "int", "prompt": "Maximum number of CPUs", "menu_path": ["Scheduler"]},
    {"name": "SELFTEST", "type": "bool", "prompt": "In-kernel self tests", "menu_path": ["Testing"]},
    {"name": "HAVE_CONTEXT_SWITCH", "type": "bool", "prompt": None, "menu_path": []},
]


def dedent(text):
    import textwrap
    return textwrap.dedent(text).lstrip()


def compile_c(text, obj, flags=()):
    """Compile C text to the object file obj; return obj."""
    os.makedirs(os.path.dirname(obj), exist_ok=True)
    src = obj[:-2] if obj.endswith(".c.o") else obj + ".c"
    with open(src, "w", encoding="utf-8") as f:
        f.write(dedent(text))
    subprocess.run([CC] + CFLAGS + list(flags) + ["-c", src, "-o", obj], check=True)
    return obj


def make_build(root, sources=None, obj=None, host=None, config=None, profile="tiny",
               cache=None, model=MODEL):
    """A synthetic build directory at root; returns root."""
    sources = SOURCES if sources is None else sources
    obj = OBJ if obj is None else obj
    host = HOST if host is None else host
    config = CONFIG if config is None else config
    os.makedirs(root, exist_ok=True)
    objdir = os.path.join(root, "CMakeFiles", "umk_objs.dir")
    objects = [compile_c(sources[s], os.path.join(objdir, s + ".o")) for s in obj + host]
    archive = os.path.join(root, "libumk.a")
    if os.path.exists(archive):
        os.remove(archive)
    subprocess.run(["ar", "qc", archive] + objects, check=True)
    subprocess.run(["ranlib", archive], check=True)
    with open(os.path.join(root, "sources.cmake"), "w", encoding="utf-8") as f:
        f.write('set(UMK_SRCARCH "x86_64")\nset(UMK_OBJ_SOURCES\n')
        f.write("".join(f"  {s}\n" for s in obj) + ")\nset(UMK_HOST_SOURCES\n")
        f.write("".join(f"  {s}\n" for s in host) + ")\n")
    with open(os.path.join(root, ".config"), "w", encoding="utf-8") as f:
        for k, v in config.items():
            f.write(f"# CONFIG_{k} is not set\n" if v == "n" else f"CONFIG_{k}={v}\n")
    if model is not None:
        with open(os.path.join(root, "config.json"), "w", encoding="utf-8") as f:
            json.dump({"mainmenu": "umk", "symbols": [dict(m, value=config.get(m["name"], "n"))
                                                      for m in model]}, f)
    entries = {"UMK_PROFILE": profile, "UMK_CONFIG": "", "UMK_SANITIZE": "",
               "UMK_FRAGMENTS": "", "CMAKE_BUILD_TYPE": "RelWithDebInfo"}
    entries.update(cache or {})
    with open(os.path.join(root, "CMakeCache.txt"), "w", encoding="utf-8") as f:
        f.write("# This is the CMakeCache file.\n")
        for k, v in entries.items():
            f.write(f"{k}:STRING={v}\n")
    return root


def configgen(*args, check=None):
    """Run the configgen CLI; returns CompletedProcess (text)."""
    p = subprocess.run([PYTHON, CONFIGGEN] + [str(a) for a in args], capture_output=True,
                       text=True, cwd=SRCTREE)
    if check is not None and p.returncode != check:
        raise AssertionError(f"configgen {' '.join(map(str, args))}: exit {p.returncode}, "
                             f"wanted {check}\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def size_totals(path):
    """(text, data, bss) of `size -t` (Berkeley), parsed here independently of the tool."""
    out = subprocess.run(["size", "-t", path], capture_output=True, text=True, check=True).stdout
    text, data, bss = out.strip().splitlines()[-1].split()[:3]
    return {"text": int(text), "data": int(data), "bss": int(bss)}


def nm_sizes(path):
    """{symbol: size} from `nm -S` (sized symbols only)."""
    out = subprocess.run(["nm", "-S", path], capture_output=True, text=True, check=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            sizes[parts[3]] = sizes.get(parts[3], 0) + int(parts[1], 16)
    return sizes


class TempDir:
    def __init__(self, prefix="umk-report-test."):
        self.path = tempfile.mkdtemp(prefix=prefix)

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)
