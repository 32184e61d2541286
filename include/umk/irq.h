/*
 * IRQ lines. The arch layer turns host events into IRQs: the one-shot
 * clock, inter-CPU kicks, and fd readiness or I/O completions. Handlers run
 * on the CPU that saw the event, with IRQs masked, from the idle loop or a
 * scheduling point; they must not sleep.
 */
#ifndef UMK_IRQ_H
#define UMK_IRQ_H

#include <umk/compiler.h>

#define UMK_IRQ_CLOCK 0
#define UMK_IRQ_KICK 1
#define UMK_IRQ_IO 2
#define UMK_NR_IRQS 8

typedef void (*umk_irq_handler_t)(unsigned int irq, void *data);

int umk_request_irq(unsigned int irq, umk_irq_handler_t fn, void *data);
void umk_free_irq(unsigned int irq);
/* Count of deliveries of irq since boot, on all CPUs. */
unsigned long long umk_irq_count(unsigned int irq);

#endif
