# Cross-build umk for aarch64 with Debian's gcc-aarch64-linux-gnu and run
# the result under qemu-user (make check-aarch64):
#
#   cmake -S . -B build/aarch64 -DUMK_PROFILE=server \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake
#
# ctest runs target executables through CMAKE_CROSSCOMPILING_EMULATOR;
# shell tests find the emulator in UMK_EMULATOR.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(UMK_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${UMK_CROSS_TRIPLE}-gcc)
set(CMAKE_ASM_COMPILER ${UMK_CROSS_TRIPLE}-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/${UMK_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64 -L /usr/${UMK_CROSS_TRIPLE})
# configgen expands $(SRCARCH) in the Kbuild files from this.
set(ENV{UMK_SRCARCH} aarch64)
set(ENV{UMK_EMULATOR} "qemu-aarch64 -L /usr/${UMK_CROSS_TRIPLE}")
# Host tools built at configure time (configgen's kconfig-dump helper) use
# the build machine's compiler, not the cross one.
set(ENV{CC} cc)
