/* SPDX-License-Identifier: ISC */
/* The 2-byte framing of vde_plug stdio: see stream_fuzz.h. */
#include "stream_fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return sf_run(data, size, 2, STREAM2_MAX);
}
