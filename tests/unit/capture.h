/* SPDX-License-Identifier: ISC */
/*
 * What the code under test writes on stderr, for unit tests (include
 * after <cmocka.h>): capture_begin() sends stderr to a file,
 * capture_end() puts it back and returns what was written.
 */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <stdio.h>
#include <unistd.h>

static FILE *
capture_begin(int *saved)
{
	FILE *f;

	assert_non_null(f = tmpfile());
	fflush(stderr);
	assert_true((*saved = dup(STDERR_FILENO)) != -1);
	assert_int_equal(dup2(fileno(f), STDERR_FILENO), STDERR_FILENO);
	return f;
}

/* The text, in a buffer of capture's own: good until the next call. */
static char *
capture_end(FILE *f, int saved)
{
	static char out[16384];
	size_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	return out;
}

#endif /* CAPTURE_H */
