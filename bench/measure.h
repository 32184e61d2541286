/*
 * The measured region of a benchmark, shared by umk_bench.c and
 * host_baselines.c. Every benchmark brackets its timed loop with
 * BENCH_MEASURE_START() and BENCH_MEASURE_STOP(); nothing else it does
 * (task creation, cache setup, printing) is inside.
 *
 * Under `valgrind --tool=callgrind --instr-atstart=no` (make bench
 * CALLGRIND=1, bench/run.py --callgrind) these switch callgrind's
 * instrumentation on and off, so its instruction count (Ir) covers the
 * loop alone. run.py runs each benchmark at two iteration counts and
 * divides the difference by the difference in operations, which also
 * cancels what is left around the loop (the clock reads, the first and
 * last iterations' extra work). Outside valgrind each macro costs a few
 * instructions, once per benchmark.
 */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_MEASURE_START() CALLGRIND_START_INSTRUMENTATION
#define BENCH_MEASURE_STOP() CALLGRIND_STOP_INSTRUMENTATION
#endif
#endif

#ifndef BENCH_MEASURE_START
#define BENCH_MEASURE_START() ((void)0)
#define BENCH_MEASURE_STOP() ((void)0)
#endif

#endif
