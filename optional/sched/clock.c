/*
 * The scheduler's clock: the CPU's cycle counter (TSC on x86-64, CNTVCT
 * on aarch64) scaled to nanoseconds. It is read on every switch to charge
 * run time, where a host clock_gettime (27 ns here, through the vDSO)
 * would cost more than the switch itself; rdtsc costs about 11 ns.
 *
 * The scale comes from timing the counter against the host's monotonic
 * clock for SCHED_CLOCK_CALIBRATE_NS at boot. Only differences of this
 * clock are used (run time, vruntime, slices), never its absolute value.
 */
#include "optional/sched/sched.h"

#define SCHED_CLOCK_CALIBRATE_NS (200 * UMK_NSEC_PER_USEC)

UMK_INTERNAL struct umk_sched_clock_data umk_sched_clock_data;

UMK_INTERNAL void umk_sched_clock_init(void)
{
#if defined(__x86_64__) || defined(__aarch64__)
	unsigned long long c0, c1, t0, t1;

	t0 = umk_arch_clock_read();
	c0 = sched_clock_cycles();
	do
		t1 = umk_arch_clock_read();
	while (t1 - t0 < SCHED_CLOCK_CALIBRATE_NS);
	c1 = sched_clock_cycles();
	if (c1 <= c0)
		umk_panic("sched: cycle counter does not advance");
	umk_sched_clock_data.mult =
		(unsigned long long)(((unsigned __int128)(t1 - t0) << 32) /
				     (c1 - c0));
	umk_sched_clock_data.cyc0 = c1;
#endif
}
