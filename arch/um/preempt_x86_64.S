/*
 * The preemption trampoline for x86-64 (see arch/um/preempt.c). Entered
 * from a rewritten signal context, not by a call: (%rsp) holds the
 * interrupted RIP and the 128 bytes above it are the interrupted code's
 * red zone. Saves what the interrupted code may have live that C code
 * clobbers (caller-saved GPRs, RFLAGS, the x87/SSE/AVX state), calls
 * umk_arch_preempt_entry, restores everything and returns with
 * "ret $128", which also steps back over the red zone.
 */
	.text
	.globl	umk_arch_preempt_trampoline
	.globl	umk_arch_preempt_trampoline_end
	.type	umk_arch_preempt_trampoline, @function
umk_arch_preempt_trampoline:
	pushfq
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbp
	movq	%rsp, %rbp
	movq	umk_arch_preempt_xsave_size(%rip), %rax
	testq	%rax, %rax
	jz	1f
	subq	%rax, %rsp
	andq	$-64, %rsp
	/* XRSTOR faults unless the XSAVE header's reserved bytes are 0. */
	xorl	%eax, %eax
	movq	%rax, 512(%rsp)
	movq	%rax, 520(%rsp)
	movq	%rax, 528(%rsp)
	movq	%rax, 536(%rsp)
	movq	%rax, 544(%rsp)
	movq	%rax, 552(%rsp)
	movq	%rax, 560(%rsp)
	movq	%rax, 568(%rsp)
	movl	$-1, %eax
	movl	$-1, %edx
	xsave64	(%rsp)
	cld
	xorl	%edi, %edi
	call	umk_arch_preempt_entry@PLT
	movl	$-1, %eax
	movl	$-1, %edx
	xrstor64 (%rsp)
	jmp	2f
1:	subq	$512, %rsp
	andq	$-64, %rsp
	fxsave64 (%rsp)
	cld
	xorl	%edi, %edi
	call	umk_arch_preempt_entry@PLT
	fxrstor64 (%rsp)
2:	movq	%rbp, %rsp
	popq	%rbp
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rax
	popfq
	ret	$128
umk_arch_preempt_trampoline_end:
	.size	umk_arch_preempt_trampoline, . - umk_arch_preempt_trampoline

	.section .note.GNU-stack, "", @progbits
