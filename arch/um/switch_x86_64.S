/*
 * Context switch for x86-64 (System V ABI).
 *
 * A task that is not running keeps its callee-saved registers in a switch
 * frame on its own stack; ctx->sp points at it. The caller-saved ones are
 * already dead at a call, so this is all the state there is. The frame,
 * from ctx->sp upwards (8-byte slots):
 *
 *   +0   MXCSR (low 4 bytes), x87 control word (bytes 4-5)
 *   +8   r15    +16  r14    +24  r13    +32  r12
 *   +40  rbx    +48  rbp    +56  resume address
 *
 * The layout does not depend on CONFIG_SWITCH_SAVE_FPU_CTRL (the first
 * slot is only unused without it), so backtrace.c and tools/gdb/umk.py
 * read one layout. Keep them in sync with this comment.
 *
 * Resuming returns with `ret` to the resume address. The schedulers
 * call this from one call site, where every task that is not running
 * waits, so the return-stack predictor is right: it pops the entry the
 * call pushed, and the other task's resume address is that same site.
 * (Only a new task's first switch, to umk_arch_switch_first, is wrong.)
 * Jumping through a register instead (pop r8; jmp *r8) left the call's
 * entry on the return stack, so every return after it, starting with
 * umk_schedule()'s own, was mispredicted: a yield cost 14 ns instead of
 * 4 ns here (2026-11-25).
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

	.text

/*
 * void umk_arch_switch(struct umk_arch_context *from (rdi),
 *                      struct umk_arch_context *to (rsi))
 */
	.globl	SWITCH_SYM
	.type	SWITCH_SYM, @function
	.p2align 4
SWITCH_SYM:
	.cfi_startproc
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0
	subq	$8, %rsp
	.cfi_adjust_cfa_offset 8
#ifdef CONFIG_SWITCH_SAVE_FPU_CTRL
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)
#endif
	movq	%rsp, (%rdi)

	/*
	 * Now on the other task's stack. Its frame has the same shape, so
	 * the CFI above still describes where its registers are.
	 */
	movq	(%rsi), %rsp
#ifdef CONFIG_SWITCH_SAVE_FPU_CTRL
	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
#endif
	addq	$8, %rsp
	.cfi_adjust_cfa_offset -8
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	ret
	.cfi_endproc
	.size	SWITCH_SYM, . - SWITCH_SYM

/*
 * void umk_arch_context_init(struct umk_arch_context *ctx (rdi),
 *                            void *stack (rsi), unsigned long size (rdx),
 *                            void (*entry)(void) (rcx))
 *
 * Builds a switch frame at the 16-byte aligned top of the stack whose
 * resume address is the entry trampoline, with entry in r12, rbp zero
 * (the end of the frame-pointer chain) and the creator's FPU control
 * words (a new task inherits them, as a new thread does).
 */
	.globl	umk_arch_context_init
	.type	umk_arch_context_init, @function
	.p2align 4
umk_arch_context_init:
	.cfi_startproc
	leaq	(%rsi,%rdx), %rax
	andq	$-16, %rax
	subq	$64, %rax
	movq	$0, (%rax)
	stmxcsr	(%rax)
	fnstcw	4(%rax)
	movq	$0, 8(%rax)	/* r15 */
	movq	$0, 16(%rax)	/* r14 */
	movq	$0, 24(%rax)	/* r13 */
	movq	%rcx, 32(%rax)	/* r12: entry */
	movq	$0, 40(%rax)	/* rbx */
	movq	$0, 48(%rax)	/* rbp */
	leaq	umk_arch_switch_first(%rip), %rdx
	movq	%rdx, 56(%rax)
	movq	%rax, (%rdi)
	ret
	.cfi_endproc
	.size	umk_arch_context_init, . - umk_arch_context_init

/*
 * First code of every task: reached by the jump at the end of a switch,
 * with rsp at the aligned top of the stack (as just before a call) and
 * entry in r12. umk_arch_task_first() (stack.c) tells the sanitizers the
 * switch is complete, then calls entry, which never returns. The CFI
 * marks this as the outermost frame so gdb stops unwinding here. Local: only
 * the switch frames built above refer to it.
 */
	.type	umk_arch_switch_first, @function
	.p2align 4
umk_arch_switch_first:
	.cfi_startproc
	.cfi_undefined %rip
	movq	%r12, %rdi
	call	umk_arch_task_first@PLT
	ud2
	.cfi_endproc
	.size	umk_arch_switch_first, . - umk_arch_switch_first

	.section .note.GNU-stack, "", @progbits
