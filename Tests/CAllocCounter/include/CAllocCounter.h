/* CAllocCounter: counts heap allocations made by the test process, so a test can
 * assert that the GET/SET path allocates nothing per command. Linked only into the
 * unit-test binary, where these definitions interpose glibc's allocator entry points. */
#ifndef CALLOCCOUNTER_H
#define CALLOCCOUNTER_H
#include <stdint.h>
uint64_t apus_test_allocations(void);
#endif
