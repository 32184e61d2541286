# Compiler flags. Core and optional code is freestanding: it sees only the
# compiler's own headers, so a host #include there fails to compile.
if(CMAKE_C_COMPILER_ID STREQUAL "Clang")
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-resource-dir
                  OUTPUT_VARIABLE cc_res OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(UMK_CC_INCLUDE ${cc_res}/include)
else()
  execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                  OUTPUT_VARIABLE UMK_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

# Stack-clash probing: a frame larger than the guard page below each task
# stack still touches the guard first, so overflow is caught, not silent.
set(UMK_C_FLAGS -std=gnu11 -Wall -Wextra -ffunction-sections -fdata-sections
    -fstack-clash-protection)
if(UMK_WERROR)
  list(APPEND UMK_C_FLAGS -Werror)
endif()
if(CONFIG_BACKTRACE)
  list(APPEND UMK_C_FLAGS -fno-omit-frame-pointer)
endif()
set(UMK_FREESTANDING_FLAGS -ffreestanding -nostdinc -isystem ${UMK_CC_INCLUDE})
set(UMK_HOST_FLAGS -D_GNU_SOURCE)
set(UMK_INCLUDES ${UMK_SRCTREE}/include ${UMK_SRCTREE} ${CMAKE_BINARY_DIR}/include)

set(UMK_LINK_FLAGS -Wl,--gc-sections)
if(UMK_SANITIZE)
  set(san -fsanitize=${UMK_SANITIZE} -fno-omit-frame-pointer)
  if(UMK_SANITIZE MATCHES "undefined")
    list(APPEND san -fno-sanitize-recover=undefined)
  endif()
  list(APPEND UMK_C_FLAGS ${san})
  list(APPEND UMK_LINK_FLAGS ${san})
endif()

# Host libraries the selected arch code needs.
set(UMK_HOST_LIBS)
if(CONFIG_SMP OR CONFIG_PREEMPT)
  list(APPEND UMK_HOST_LIBS pthread)
endif()
if(CONFIG_IO_URING)
  # The archive when there is one: loading one more shared library costs
  # about ten system calls and six page faults at every start, a tenth
  # of a millisecond on this class of machine (docs/benchmarks.md).
  find_library(UMK_URING_ARCHIVE NAMES liburing.a)
  if(UMK_URING_ARCHIVE)
    list(APPEND UMK_HOST_LIBS ${UMK_URING_ARCHIVE})
  else()
    list(APPEND UMK_HOST_LIBS uring)
  endif()
endif()
