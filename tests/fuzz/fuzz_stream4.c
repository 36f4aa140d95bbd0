/* SPDX-License-Identifier: ISC */
/* QEMU's 4-byte framing: see stream_fuzz.h. */
#include "stream_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return sf_run(data, size, 4, STREAM4_MAX);
}
