/*
 * Context switch for aarch64 (AAPCS64).
 *
 * A task that is not running keeps its callee-saved registers in a switch
 * frame on its own stack; ctx->sp points at it. The frame, from ctx->sp
 * upwards (176 bytes, 16-byte aligned):
 *
 *   +0   x19 x20    +16  x21 x22    +32  x23 x24    +48  x25 x26
 *   +64  x27 x28    +80  x29 (fp) x30 (resume address)
 *   +96  d8 d9      +112 d10 d11    +128 d12 d13    +144 d14 d15
 *   +160 FPCR       +168 unused
 *
 * The layout does not depend on CONFIG_SWITCH_SAVE_FPU_CTRL (the FPCR slot
 * is only unused without it); backtrace.c and tools/gdb/umk.py read it.
 *
 * Resuming returns through x30 with `ret`, as on x86-64 (see
 * switch_x86_64.S): every waiting task waits at the schedulers' one call
 * site, so the return-address predictor is right, and a `br` would leave
 * the call's entry on its stack to spoil every later return.
 */
#include <generated/autoconf.h>

/*
 * In AddressSanitizer and ThreadSanitizer builds fiber.c defines
 * umk_arch_switch() in C (it announces the stack switch) and calls this
 * code as umk_arch_switch_regs. gcc says __SANITIZE_ADDRESS__ (_THREAD__),
 * clang only answers __has_feature.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SWITCH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SWITCH_SANITIZED 1
#endif
#endif
#ifdef SWITCH_SANITIZED
#define SWITCH_SYM umk_arch_switch_regs
#else
#define SWITCH_SYM umk_arch_switch
#endif

#define SWITCH_FRAME 176

	.text

/*
 * void umk_arch_switch(struct umk_arch_context *from (x0),
 *                      struct umk_arch_context *to (x1))
 */
	.globl	SWITCH_SYM
	.type	SWITCH_SYM, %function
	.p2align 4
SWITCH_SYM:
	.cfi_startproc
	sub	sp, sp, #SWITCH_FRAME
	.cfi_def_cfa_offset SWITCH_FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	.cfi_offset x19, -176
	.cfi_offset x20, -168
	.cfi_offset x21, -160
	.cfi_offset x22, -152
	.cfi_offset x23, -144
	.cfi_offset x24, -136
	.cfi_offset x25, -128
	.cfi_offset x26, -120
	.cfi_offset x27, -112
	.cfi_offset x28, -104
	.cfi_offset x29, -96
	.cfi_offset x30, -88
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
#ifdef CONFIG_SWITCH_SAVE_FPU_CTRL
	mrs	x9, fpcr
	str	x9, [sp, #160]
#endif
	mov	x9, sp
	str	x9, [x0]

	/* Now on the other task's stack, in a frame of the same shape. */
	ldr	x9, [x1]
	mov	sp, x9
#ifdef CONFIG_SWITCH_SAVE_FPU_CTRL
	ldr	x9, [sp, #160]
	msr	fpcr, x9
#endif
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	add	sp, sp, #SWITCH_FRAME
	.cfi_def_cfa_offset 0
	.cfi_restore x19
	.cfi_restore x20
	.cfi_restore x21
	.cfi_restore x22
	.cfi_restore x23
	.cfi_restore x24
	.cfi_restore x25
	.cfi_restore x26
	.cfi_restore x27
	.cfi_restore x28
	.cfi_restore x29
	ret
	.cfi_endproc
	.size	SWITCH_SYM, . - SWITCH_SYM

/*
 * void umk_arch_context_init(struct umk_arch_context *ctx (x0),
 *                            void *stack (x1), unsigned long size (x2),
 *                            void (*entry)(void) (x3))
 *
 * Builds a switch frame at the 16-byte aligned top of the stack that
 * resumes in the entry trampoline with entry in x19, x29 zero (the end of
 * the frame chain) and the creator's FPCR.
 */
	.globl	umk_arch_context_init
	.type	umk_arch_context_init, %function
	.p2align 4
umk_arch_context_init:
	.cfi_startproc
	add	x9, x1, x2
	and	x9, x9, #~15
	sub	x9, x9, #SWITCH_FRAME
	stp	x3, xzr, [x9, #0]	/* x19: entry, x20 */
	stp	xzr, xzr, [x9, #16]
	stp	xzr, xzr, [x9, #32]
	stp	xzr, xzr, [x9, #48]
	stp	xzr, xzr, [x9, #64]
	adrp	x10, umk_arch_switch_first
	add	x10, x10, :lo12:umk_arch_switch_first
	stp	xzr, x10, [x9, #80]	/* x29 = 0, x30 = trampoline */
	stp	xzr, xzr, [x9, #96]
	stp	xzr, xzr, [x9, #112]
	stp	xzr, xzr, [x9, #128]
	stp	xzr, xzr, [x9, #144]
	mrs	x10, fpcr
	stp	x10, xzr, [x9, #160]
	str	x9, [x0]
	ret
	.cfi_endproc
	.size	umk_arch_context_init, . - umk_arch_context_init

/*
 * First code of every task, with sp at the aligned top of its stack and
 * entry in x19. umk_arch_task_first() (stack.c) completes the sanitizer
 * hand-over and calls entry, which never returns. Outermost frame for gdb.
 */
	.type	umk_arch_switch_first, %function
	.p2align 4
umk_arch_switch_first:
	.cfi_startproc
	.cfi_undefined x30
	mov	x0, x19
	bl	umk_arch_task_first
	brk	#0
	.cfi_endproc
	.size	umk_arch_switch_first, . - umk_arch_switch_first

	.section .note.GNU-stack, "", %progbits
