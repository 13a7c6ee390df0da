/* The hypervisor's own formatter (hypervisor/core/lib.c) for host tests.
 * lib.c also defines memcpy, memset, strlen...: renamed here so they do not
 * clash with the host libc, which the rest of the test uses. */
#define memcpy vh_lib_memcpy
#define memset vh_lib_memset
#define memcmp vh_lib_memcmp
#define strlen vh_lib_strlen
#define strncmp vh_lib_strncmp
#define strlcpy vh_lib_strlcpy
#include "../../hypervisor/core/lib.c"
