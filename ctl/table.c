/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "table.h"

#define TABLE_GAP	2	/* spaces between columns */

struct table {
	int		 ncols;
	const char	*align;
	char		**cells;	/* row after row, ncols each */
	size_t		 ncells;
	size_t		 cap;
};

struct table *
table_new(int ncols, const char *const *heads, const char *align)
{
	struct table *t;
	int i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		fatal("table");
	t->ncols = ncols;
	t->align = align;
	for (i = 0; heads != NULL && i < ncols; i++)
		table_cell(t, "%s", heads[i]);
	return t;
}

void
table_cell(struct table *t, const char *fmt, ...)
{
	va_list ap;
	char **p;
	size_t n;

	if (t->ncells == t->cap) {
		n = t->cap ? t->cap * 2 : 64;
		if ((p = reallocarray(t->cells, n, sizeof(*p))) == NULL)
			fatal("table");
		t->cells = p;
		t->cap = n;
	}
	va_start(ap, fmt);
	if (vasprintf(&t->cells[t->ncells], fmt, ap) == -1)
		fatal("table");
	va_end(ap);
	t->ncells++;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
table_width(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void
table_print(struct table *t, FILE *f)
{
	size_t *width, i, w;
	int col, last;

	if ((width = calloc((size_t)t->ncols, sizeof(*width))) == NULL)
		fatal("table");
	for (i = 0; i < t->ncells; i++) {
		w = table_width(t->cells[i]);
		if (w > width[i % (size_t)t->ncols])
			width[i % (size_t)t->ncols] = w;
	}
	for (i = 0; i < t->ncells; i++) {
		col = (int)(i % (size_t)t->ncols);
		last = col == t->ncols - 1 || i + 1 == t->ncells;
		w = width[col] - table_width(t->cells[i]);
		if (t->align[col] == 'r')
			fprintf(f, "%*s%s", (int)w, "", t->cells[i]);
		else
			fprintf(f, "%s%*s", t->cells[i], last ? 0 : (int)w, "");
		fprintf(f, "%*s", last ? 0 : TABLE_GAP, "");
		if (last)
			fputc('\n', f);
	}
	free(width);
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}
