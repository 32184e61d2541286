/*
 * Host baselines: what an application would use instead of umk, measured
 * by the same harness in the same run (bench/run.py). Each benchmark
 * prints one line "NAME NS_PER_OP OPS" (OPS: how many operations the
 * measured loop did, for run.py --callgrind).
 *
 *   host-bench [--iters=N] [--cmd=PATH [--arg=ARG]] NAME...
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "measure.h"

static long iters = 100000;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Operations the last benchmark measured (printed for run.py --callgrind). */
static long long measured_ops;

/* Start the measured region (measure.h): return the start time. */
static uint64_t measure_begin(void)
{
	BENCH_MEASURE_START();
	return now_ns();
}

/* End it after ops operations: return nanoseconds per operation. */
static double measure_end(uint64_t t0, long long ops)
{
	uint64_t dt = now_ns() - t0;

	BENCH_MEASURE_STOP();
	measured_ops = ops;
	return (double)dt / (double)ops;
}

/* swapcontext ping-pong: one switch per swapcontext call. */
static ucontext_t uc_main, uc_peer;
static volatile long uc_count;

static void uc_peer_fn(void)
{
	for (;;) {
		uc_count++;
		swapcontext(&uc_peer, &uc_main);
	}
}

static double bench_swapcontext(void)
{
	static char stack[64 * 1024];
	getcontext(&uc_peer);
	uc_peer.uc_stack.ss_sp = stack;
	uc_peer.uc_stack.ss_size = sizeof(stack);
	uc_peer.uc_link = NULL;
	makecontext(&uc_peer, uc_peer_fn, 0);
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++)
		swapcontext(&uc_main, &uc_peer);
	return measure_end(t0, 2LL * iters);
}

/* pthread condition-variable ping-pong: two switches per round trip. */
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long cv_turn;

static void *cv_peer(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&cv_lock);
	for (long i = 0; i < iters; i++) {
		while (cv_turn % 2 == 0)
			pthread_cond_wait(&cv, &cv_lock);
		cv_turn++;
		pthread_cond_signal(&cv);
	}
	pthread_mutex_unlock(&cv_lock);
	return NULL;
}

static double bench_condvar(void)
{
	pthread_t t;
	cv_turn = 0;
	pthread_create(&t, NULL, cv_peer, NULL);
	uint64_t t0 = measure_begin();
	pthread_mutex_lock(&cv_lock);
	for (long i = 0; i < iters; i++) {
		cv_turn++;
		pthread_cond_signal(&cv);
		while (cv_turn % 2 == 1)
			pthread_cond_wait(&cv, &cv_lock);
	}
	pthread_mutex_unlock(&cv_lock);
	double r = measure_end(t0, 2LL * iters);
	pthread_join(t, NULL);
	return r;
}

static void *noop_thread(void *arg)
{
	return arg;
}

static double bench_pthread_spawn(void)
{
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, noop_thread, NULL) != 0) {
			perror("pthread_create");
			exit(1);
		}
		pthread_join(t, NULL);
	}
	return measure_end(t0, iters);
}

/* futex wake between two threads: waker to woken running, per round trip. */
static _Atomic int fx_word;

static long futex(_Atomic int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void *fx_peer(void *arg)
{
	(void)arg;
	for (long i = 0; i < iters; i++) {
		while (atomic_load(&fx_word) != 1)
			futex(&fx_word, FUTEX_WAIT_PRIVATE, 0);
		atomic_store(&fx_word, 0);
		futex(&fx_word, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static double bench_futex(void)
{
	pthread_t t;
	atomic_store(&fx_word, 0);
	pthread_create(&t, NULL, fx_peer, NULL);
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		atomic_store(&fx_word, 1);
		futex(&fx_word, FUTEX_WAKE_PRIVATE, 1);
		while (atomic_load(&fx_word) != 0)
			futex(&fx_word, FUTEX_WAIT_PRIVATE, 1);
	}
	double r = measure_end(t0, 2LL * iters);
	pthread_join(t, NULL);
	return r;
}

/* fd becomes readable -> the waiter runs: write a pipe, epoll_wait, read. */
static double bench_epoll(void)
{
	int p[2], ep = epoll_create1(0);
	char c = 'x';
	if (pipe2(p, O_NONBLOCK) || ep < 0) {
		perror("pipe/epoll");
		exit(1);
	}
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = p[0] };
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		if (write(p[1], &c, 1) != 1)
			exit(1);
		struct epoll_event out;
		if (epoll_wait(ep, &out, 1, -1) != 1 || read(p[0], &c, 1) != 1)
			exit(1);
	}
	double r = measure_end(t0, iters);
	close(p[0]);
	close(p[1]);
	close(ep);
	return r;
}

/* Arm and cancel a host timer: two timerfd_settime calls. */
static double bench_timerfd(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec arm = { .it_value = { .tv_sec = 10 } }, off = { 0 };
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		timerfd_settime(fd, 0, &arm, NULL);
		timerfd_settime(fd, 0, &off, NULL);
	}
	double r = measure_end(t0, iters);
	close(fd);
	return r;
}

/* Fixed-size alloc then free at once: glibc's best case (tcache hit). */
static double bench_malloc_pair(void)
{
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		void *p = malloc(48);
		__asm__ __volatile__("" : : "r"(p) : "memory");
		free(p);
	}
	return measure_end(t0, iters);
}

/* Fixed-size alloc+free with 64 objects live, freed in LIFO order. */
static double bench_malloc_fixed(void)
{
	void *live[64];
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		for (int j = 0; j < 64; j++)
			live[j] = malloc(48);
		for (int j = 63; j >= 0; j--)
			free(live[j]);
	}
	return measure_end(t0, 64LL * iters);
}

static const unsigned mixed_sizes[16] = { 16, 24, 32, 48, 64, 96, 128, 200,
					  256, 384, 512, 700, 1024, 1500, 2048, 4000 };

static double bench_malloc_mixed(void)
{
	void *live[64];
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		for (int j = 0; j < 64; j++)
			live[j] = malloc(mixed_sizes[(i + j) & 15]);
		for (int j = 0; j < 64; j++)
			free(live[(j * 7) & 63]);
	}
	return measure_end(t0, 64LL * iters);
}

/* The bare demand-paging mechanism: SIGSEGV handler maps one memfd page. */
static char *fault_area;
static int fault_fd;
static long page_size;

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	uintptr_t a = (uintptr_t)si->si_addr & ~(uintptr_t)(page_size - 1);
	off_t off = (off_t)(a - (uintptr_t)fault_area);
	if (mmap((void *)a, (size_t)page_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fault_fd, off) == MAP_FAILED)
		abort();
}

static double bench_fault(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)iters * (size_t)page_size;
	fault_fd = memfd_create("bench-phys", 0);
	if (fault_fd < 0 || ftruncate(fault_fd, (off_t)len)) {
		perror("memfd");
		exit(1);
	}
	fault_area = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct sigaction sa = { .sa_sigaction = fault_handler, .sa_flags = SA_SIGINFO };
	sigaction(SIGSEGV, &sa, NULL);
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++)
		fault_area[i * page_size] = 1;
	double r = measure_end(t0, iters);
	munmap(fault_area, len);
	close(fault_fd);
	signal(SIGSEGV, SIG_DFL);
	return r;
}

/* fork+exec+wait of a command: /bin/true, or --cmd=PATH [--arg=A]. */
static const char *exec_cmd = "/bin/true";
static const char *exec_arg;

static double bench_fork_exec(void)
{
	uint64_t t0 = measure_begin();
	for (long i = 0; i < iters; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			int devnull = open("/dev/null", O_WRONLY);
			dup2(devnull, 1);
			dup2(devnull, 2);
			execl(exec_cmd, exec_cmd, exec_arg, (char *)NULL);
			_exit(127);
		}
		int st;
		if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			fprintf(stderr, "host-bench: %s failed (status %d)\n", exec_cmd, st);
			exit(1);
		}
	}
	return measure_end(t0, iters);
}

static const struct {
	const char *name;
	double (*fn)(void);
} benches[] = {
	{ "swapcontext", bench_swapcontext },
	{ "pthread_condvar", bench_condvar },
	{ "pthread_spawn_join", bench_pthread_spawn },
	{ "futex_wake", bench_futex },
	{ "epoll_pipe", bench_epoll },
	{ "timerfd_arm_cancel", bench_timerfd },
	{ "malloc_pair", bench_malloc_pair },
	{ "malloc_fixed", bench_malloc_fixed },
	{ "malloc_mixed", bench_malloc_mixed },
	{ "sigsegv_memfd_fault", bench_fault },
	{ "fork_exec", bench_fork_exec },
};

int main(int argc, char **argv)
{
	int ran = 0;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--iters=", 8) == 0) {
			iters = atol(argv[i] + 8);
			continue;
		}
		if (strncmp(argv[i], "--cmd=", 6) == 0) {
			exec_cmd = argv[i] + 6;
			continue;
		}
		if (strncmp(argv[i], "--arg=", 6) == 0) {
			exec_arg = argv[i] + 6;
			continue;
		}
		size_t k;
		for (k = 0; k < sizeof(benches) / sizeof(benches[0]); k++)
			if (strcmp(argv[i], benches[k].name) == 0)
				break;
		if (k == sizeof(benches) / sizeof(benches[0])) {
			fprintf(stderr, "host-bench: unknown benchmark '%s'\n", argv[i]);
			return 2;
		}
		double ns = benches[k].fn();
		printf("%s %.3f %lld\n", benches[k].name, ns, measured_ops);
		fflush(stdout);
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "usage: host-bench [--iters=N] [--cmd=PATH [--arg=ARG]] NAME...\n");
		return 2;
	}
	return 0;
}
