/*
 * The preemption trampoline for aarch64 (see arch/um/preempt.c). The
 * signal handler saved the whole interrupted mcontext at sp and passes
 * its address in x0; umk_arch_preempt_entry runs the scheduler and then
 * raises the signal again, whose handler restores that context. It never
 * returns here.
 */
	.text
	.globl	umk_arch_preempt_trampoline
	.globl	umk_arch_preempt_trampoline_end
	.type	umk_arch_preempt_trampoline, %function
umk_arch_preempt_trampoline:
	mov	x29, xzr
	bl	umk_arch_preempt_entry
	brk	#0x1
umk_arch_preempt_trampoline_end:
	.size	umk_arch_preempt_trampoline, . - umk_arch_preempt_trampoline

	.section .note.GNU-stack, "", %progbits
