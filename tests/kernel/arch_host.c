/*
 * Suite arch_host: the host resources arch/um turns into kernel ones:
 * physical memory, the clock, kicks (IPIs) and the IRQ mask, the command
 * line.
 */
#include <umk/config.h>
#include <umk/cpu.h>
#include <umk/init.h>
#include <umk/irq.h>
#include <umk/ktest.h>
#include <umk/sched.h>
#include <umk/string.h>
#include <umk/time.h>
#include "arch/um/arch.h"

static void phys_memory_mapped(struct umk_ktest *t)
{
	volatile char *base = umk_arch_phys_base();
	unsigned long size = umk_arch_phys_size();

	UMK_ASSERT_NOT_NULL(t, base);
	UMK_EXPECT_GE(t, umk_arch_phys_fd(), 0);
	UMK_EXPECT_EQ(t, (unsigned long)base % (2UL << 20), 0);
	UMK_EXPECT_EQ(t, size % 4096, 0);
	if (!umk_cmdline_get("mem"))
		UMK_EXPECT_EQ(t, size, (unsigned long)CONFIG_DEFAULT_MEM_MB << 20);
	/* The page allocator owns the contents: only check the mapping. */
	UMK_EXPECT_TRUE(t, size > 0);
}

static void clock_monotonic(struct umk_ktest *t)
{
	unsigned long long prev = umk_arch_clock_read(), now, start;
	int i;

	for (i = 0; i < 1000; i++) {
		now = umk_arch_clock_read();
		if (now < prev)
			break;
		prev = now;
	}
	UMK_EXPECT_EQ(t, i, 1000);
	start = umk_arch_clock_read();
	umk_sleep_ns(2 * UMK_NSEC_PER_MSEC);
	UMK_EXPECT_GE(t, umk_arch_clock_read() - start, 2 * UMK_NSEC_PER_MSEC);
}

/*
 * A kick to ourselves is an IRQ that waits while IRQs are masked (the
 * mask is a flag: polling does nothing) and is delivered once they are
 * not. Two kicks before delivery may become one.
 */
static void kick_waits_for_unmask(struct umk_ktest *t)
{
	unsigned long long before, masked, after;
	unsigned long flags;
	unsigned int cpu;

	umk_preempt_disable();
	cpu = umk_smp_processor_id();
	before = umk_irq_count(UMK_IRQ_KICK);
	flags = umk_local_irq_save();
	umk_arch_cpu_kick(cpu);
	umk_arch_cpu_kick(cpu);
	umk_arch_irq_poll();
	masked = umk_irq_count(UMK_IRQ_KICK);
	umk_local_irq_restore(flags);
	umk_arch_irq_poll();
	after = umk_irq_count(UMK_IRQ_KICK);
	umk_preempt_enable();
	/* Other CPUs may kick this one meanwhile; this CPU polled nothing. */
	if (!UMK_IS_ENABLED(CONFIG_SMP))
		UMK_EXPECT_EQ(t, masked, before);
	UMK_EXPECT_GT(t, after, masked);
}

static void cmdline_lookup(struct umk_ktest *t)
{
	UMK_EXPECT_TRUE(t, umk_cmdline_get("no-such-parameter") == NULL);
	/* This suite runs under --selftest, so that option is set. */
	UMK_EXPECT_TRUE(t, umk_cmdline_get("selftest") != NULL);
	UMK_EXPECT_GE(t, umk_arch_argc(), 1);
	UMK_ASSERT_NOT_NULL(t, umk_arch_argv());
	UMK_EXPECT_TRUE(t, umk_arch_argv()[0] != NULL);
	UMK_EXPECT_TRUE(t, umk_arch_argv()[umk_arch_argc()] == NULL);
	UMK_EXPECT_GE(t, umk_arch_nr_cpus(), 1);
	UMK_EXPECT_LE(t, umk_arch_nr_cpus(), UMK_NR_CPUS);
}

static const struct umk_ktest_case arch_host_cases[] = {
	UMK_KTEST_CASE(phys_memory_mapped),
	UMK_KTEST_CASE(clock_monotonic),
	UMK_KTEST_CASE(kick_waits_for_unmask),
	UMK_KTEST_CASE(cmdline_lookup),
};

UMK_KTEST_SUITE(arch_host, arch_host_cases);
