/*
 * Physical memory: a memfd of mem= bytes mapped once, shared. The core's
 * page allocator manages it as RAM; optional/vm maps its pages again at
 * virtual addresses through the same fd, which is what makes sharing and
 * copy-on-write possible without copying. Host memory backs a page only
 * once it is touched.
 *
 * The mapping is aligned to 2 MiB so the buddy allocator's largest blocks
 * are naturally aligned and the host may use huge pages.
 */
#include <sys/mman.h>
#include <unistd.h>

#include <umk/errno.h>
#include "arch/um/host.h"

#define PHYSMEM_ALIGN (2UL << 20)

static void *physmem_base;
static unsigned long physmem_size;
static int physmem_fd = -1;

static void *physmem_map_aligned(int fd, unsigned long size)
{
	unsigned long start, end, len = size + PHYSMEM_ALIGN;
	char *resv, *p;

	resv = mmap(NULL, len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (resv == MAP_FAILED)
		return NULL;
	start = UMK_ALIGN_UP((unsigned long)resv, PHYSMEM_ALIGN);
	p = mmap((void *)start, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED) {
		munmap(resv, len);
		return NULL;
	}
	/* Trim the reservation around the mapping. */
	end = start + size;
	if (start > (unsigned long)resv)
		munmap(resv, start - (unsigned long)resv);
	if ((unsigned long)resv + len > end)
		munmap((void *)end, (unsigned long)resv + len - end);
	return p;
}

UMK_INTERNAL int umk_um_physmem_init(unsigned long long bytes)
{
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long size = UMK_ALIGN_UP((unsigned long)bytes, page);
	int fd = memfd_create("umk-physmem", MFD_CLOEXEC);

	if (fd < 0)
		return -UMK_ENOMEM;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return -UMK_ENOMEM;
	}
	physmem_base = physmem_map_aligned(fd, size);
	if (!physmem_base) {
		close(fd);
		return -UMK_ENOMEM;
	}
	physmem_size = size;
	physmem_fd = fd;
	return 0;
}

UMK_INTERNAL void *umk_arch_phys_base(void)
{
	return physmem_base;
}

UMK_INTERNAL unsigned long umk_arch_phys_size(void)
{
	return physmem_size;
}

UMK_INTERNAL int umk_arch_phys_fd(void)
{
	return physmem_fd;
}
