# umk helpers for gdb. Load with:  source tools/gdb/umk.py
#
#   umk-tasks          list every task: id, name, state, CPU (* = on a CPU now)
#   umk-bt TASK        backtrace of a task that is not running, from its saved
#                      context; TASK is an id, a name or a struct umk_task *
#   umk-dmesg          the kernel log ring buffer
#
# They read kernel data structures only (core/task.c umk_task_list,
# core/printk.c umk_log_buf), so they work on a stopped process or a core
# file; umk-bt needs a live process (it borrows the registers of frame 0
# for the walk and puts them back).
import gdb

STATES = {0: "running", 1: "runnable", 2: "sleeping", 3: "dead"}

# Switch frame layouts (arch/um/switch_<arch>.S): register -> byte offset
# from ctx.sp; "pc" is the resume address, "sp" the stack pointer after.
FRAMES = {
    "x86-64": {
        "regs": {"r15": 8, "r14": 16, "r13": 24, "r12": 32, "rbx": 40, "rbp": 48},
        "pc": 56, "sp": 64, "pcreg": "rip", "spreg": "rsp",
    },
    "aarch64": {
        "regs": dict([("x%d" % (19 + i), 8 * i) for i in range(10)] +
                     [("x29", 80), ("x30", 88)]),
        "pc": 88, "sp": 176, "pcreg": "pc", "spreg": "sp",
    },
}
# glibc ucontext_t gregs indices (CONFIG_SWITCH_UCONTEXT, x86-64 only here).
UCTX_X86 = {"r12": 4, "r13": 5, "r14": 6, "r15": 7, "rbp": 10, "rbx": 11,
            "rsp": 15, "rip": 16}


def _arch():
    name = gdb.selected_inferior().architecture().name()
    if "x86-64" in name or "x86_64" in name:
        return "x86-64"
    if "aarch64" in name:
        return "aarch64"
    raise gdb.GdbError("umk: unsupported architecture %s" % name)


def _task_type():
    return gdb.lookup_type("struct umk_task")


def _tasks():
    """Every struct umk_task * on umk_task_list, in creation order."""
    head = gdb.parse_and_eval("&umk_task_list")
    ttype = _task_type()
    off = int(gdb.parse_and_eval("(unsigned long)&((struct umk_task *)0)->all_node"))
    node = head["next"]
    seen = 0
    while int(node) != int(head):
        yield gdb.Value(int(node) - off).cast(ttype.pointer())
        node = node["next"]
        seen += 1
        if seen > 1000000:
            raise gdb.GdbError("umk: task list looks corrupted")


def _running():
    """task address -> CPU for tasks that are some CPU's curr."""
    cpus = gdb.parse_and_eval("umk_cpus")
    n = cpus.type.range()[1] + 1
    out = {}
    for i in range(n):
        cur = cpus[i]["curr"]
        if int(cur) and bool(cpus[i]["online"]):
            out[int(cur)] = i
    return out


def _name(t):
    return t["name"].string(errors="replace")


def _find(arg):
    arg = arg.strip()
    if not arg:
        raise gdb.GdbError("usage: umk-bt TASK (id, name or address)")
    if arg.startswith("0x") or arg.startswith("("):
        return gdb.parse_and_eval(arg).cast(_task_type().pointer())
    for t in _tasks():
        if (arg.isdigit() and int(t["id"]) == int(arg)) or _name(t) == arg:
            return t
    raise gdb.GdbError("umk: no task %s" % arg)


class UmkTasks(gdb.Command):
    """List umk tasks: id, name, state, CPU. '*' marks tasks on a CPU now."""

    def __init__(self):
        super().__init__("umk-tasks", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        running = _running()
        print("%-5s %-16s %-9s %-4s %s" % ("ID", "NAME", "STATE", "CPU", "TASK"))
        for t in _tasks():
            state = int(t["state"])
            mark = "*" if int(t) in running else " "
            print("%-5d %-16s %-9s %-3d%s 0x%x" % (
                int(t["id"]), _name(t), STATES.get(state, str(state)),
                int(t["cpu"]), mark, int(t)))


class UmkBt(gdb.Command):
    """Backtrace of a task that is not running: umk-bt ID|NAME|ADDRESS."""

    def __init__(self):
        super().__init__("umk-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        t = _find(arg)
        if int(t) in _running():
            raise gdb.GdbError(
                "umk: task '%s' is running on CPU %d: select its thread and use bt"
                % (_name(t), _running()[int(t)]))
        regs = self._saved_regs(t)
        print("task %d '%s' (%s):" % (int(t["id"]), _name(t),
                                     STATES.get(int(t["state"]), "?")))
        gdb.execute("frame 0", to_string=True)
        saved = {r: int(gdb.parse_and_eval("$" + r)) for r in regs}
        try:
            for r, v in regs.items():
                gdb.execute("set $%s = %d" % (r, v), to_string=True)
            gdb.execute("bt")
        finally:
            gdb.execute("frame 0", to_string=True)
            for r, v in saved.items():
                gdb.execute("set $%s = %d" % (r, v), to_string=True)

    @staticmethod
    def _saved_regs(t):
        ulong = gdb.lookup_type("unsigned long").pointer()
        ctx = t["ctx"]
        arch = _arch()
        if int(ctx["sp"]) == 0 and int(ctx["uctx"]) != 0 and arch == "x86-64":
            greg = ctx["uctx"].cast(gdb.lookup_type("ucontext_t").pointer())
            greg = greg["uc_mcontext"]["gregs"]
            return {r: int(greg[i]) & 0xffffffffffffffff for r, i in UCTX_X86.items()}
        if int(ctx["sp"]) == 0:
            raise gdb.GdbError("umk: task has no saved context")
        f = FRAMES[arch]
        sp = int(ctx["sp"])

        def word(off):
            return int(gdb.Value(sp + off).cast(ulong).dereference())
        regs = {r: word(off) for r, off in f["regs"].items()}
        regs[f["pcreg"]] = word(f["pc"])
        regs[f["spreg"]] = sp + f["sp"]
        return regs


class UmkDmesg(gdb.Command):
    """Print the umk kernel log ring buffer, oldest line first."""

    def __init__(self):
        super().__init__("umk-dmesg", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        buf = gdb.parse_and_eval("umk_log_buf")
        size = buf.type.sizeof
        head = int(gdb.parse_and_eval("umk_log_head"))
        length = int(gdb.parse_and_eval("umk_log_len"))
        start = (head - length) % size
        mem = gdb.selected_inferior().read_memory(buf.address, size).tobytes()
        data = mem[start:start + length]
        if start + length > size:
            data += mem[:start + length - size]
        gdb.write(data.decode("utf-8", errors="replace"))


UmkTasks()
UmkBt()
UmkDmesg()
