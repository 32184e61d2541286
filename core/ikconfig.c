/*
 * The configuration the core was built from, embedded in the binary
 * (CONFIG_IKCONFIG). configgen show-config finds it by scanning the bytes
 * of libumk.a, umk-boot or umk.o for the markers, so the text is stored
 * as is: "UMK_IKCONFIG_BEGIN\n" CONFIG_ lines "UMK_IKCONFIG_END\n".
 * It sits in its own section, umk_ikconfig, and is marked used and
 * retained so that neither the compiler nor --gc-sections drops it. (The
 * array cannot share the section's name: the assembler would see one
 * symbol defined twice.)
 */
#include <umk/config.h>
#include <umk/compiler.h>
#include <umk/init.h>
#include <generated/ikconfig.h>

#define IKCONFIG_BEGIN "UMK_IKCONFIG_BEGIN\n"
#ifndef UMK_IKCONFIG_BLOB
#define UMK_IKCONFIG_BLOB IKCONFIG_BEGIN UMK_IKCONFIG_TEXT "UMK_IKCONFIG_END\n"
#endif

#if defined(__has_attribute)
#if __has_attribute(retain)
#define IKCONFIG_RETAIN __attribute__((retain))
#endif
#endif
#ifndef IKCONFIG_RETAIN
#define IKCONFIG_RETAIN
#endif

const char umk_ikconfig_data[] UMK_USED IKCONFIG_RETAIN
	__attribute__((section("umk_ikconfig"))) = UMK_IKCONFIG_BLOB;

/* The CONFIG_ lines, one per line, NUL-terminated after the END marker. */
const char *umk_config_text(void)
{
	return umk_ikconfig_data + sizeof(IKCONFIG_BEGIN) - 1;
}
