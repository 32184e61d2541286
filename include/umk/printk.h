/* Kernel log: levels, a ring buffer, panics. */
#ifndef UMK_PRINTK_H
#define UMK_PRINTK_H

#include <stdarg.h>
#include <umk/compiler.h>

#define UMK_LOG_EMERG 0
#define UMK_LOG_ALERT 1
#define UMK_LOG_CRIT 2
#define UMK_LOG_ERR 3
#define UMK_LOG_WARNING 4
#define UMK_LOG_NOTICE 5
#define UMK_LOG_INFO 6
#define UMK_LOG_DEBUG 7

/*
 * Log a message at a level. Every message goes to the ring buffer; those
 * below the console level (loglevel=) are also written to the console.
 * Callable from tasks and IRQ context. Formats: %d %i %u %x %X %o %p %s
 * %c %% with hh/h/l/ll/z/t/j length modifiers, '-' '0' '+' ' ' '#' flags,
 * a width and a precision (digits for integers, bytes for %s), either
 * of them '*'. A message is stored as one line "[sec.usec] text\n" (a
 * newline is added if missing); at most 511 bytes, the rest is cut.
 */
void umk_printk(int level, const char *fmt, ...) UMK_PRINTF(2, 3);
void umk_vprintk(int level, const char *fmt, va_list ap);
#define umk_pr_err(...) umk_printk(UMK_LOG_ERR, __VA_ARGS__)
#define umk_pr_warn(...) umk_printk(UMK_LOG_WARNING, __VA_ARGS__)
#define umk_pr_info(...) umk_printk(UMK_LOG_INFO, __VA_ARGS__)
#define umk_pr_debug(...) umk_printk(UMK_LOG_DEBUG, __VA_ARGS__)

/* Copy up to len bytes of the log (oldest first) into buf; returns bytes. */
size_t umk_dmesg(char *buf, size_t len);
void umk_set_loglevel(int level);
int umk_get_loglevel(void);

/*
 * Format and write straight to the console, bypassing levels, timestamps
 * and the ring buffer: for program output such as the test runner's.
 * At most 511 bytes per call.
 */
void umk_console_printf(const char *fmt, ...) UMK_PRINTF(1, 2);
void umk_console_vprintf(const char *fmt, va_list ap);

/* Bounded formatting into a buffer; returns the length it would have had. */
int umk_snprintf(char *buf, size_t size, const char *fmt, ...) UMK_PRINTF(3, 4);
int umk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/*
 * Stop the kernel: print the message, the current task and its backtrace,
 * then halt the host process with exit status 2 (status 3 if the panic
 * happens while panicking). Never returns.
 */
void umk_panic(const char *fmt, ...) UMK_PRINTF(1, 2) UMK_NORETURN;

#define UMK_BUG_ON(cond)                                                  \
	do {                                                              \
		if (umk_unlikely(cond))                                   \
			umk_panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, \
				  __LINE__);                              \
	} while (0)

#endif
