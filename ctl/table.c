/* SPDX-License-Identifier: ISC */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "table.h"

#define TABLE_GAP	2	/* spaces between columns */
#define TABLE_DOTS	3	/* "..." ends a cut cell */
#define TABLE_FIT_MIN	8	/* a column cut to fit keeps that much */

struct table {
	int		 ncols;
	const char	*align;
	int		 fitcol;	/* cut to fit, or -1 */
	size_t		 fitwidth;
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
	t->fitcol = -1;
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
table_fit(struct table *t, int col, size_t width)
{
	t->fitcol = col;
	t->fitwidth = width;
}

/* Cut s to w columns, "..." included, on a character's first byte. */
static void
table_cut(char *s, size_t w)
{
	size_t n = 0;

	if (w < TABLE_DOTS)
		w = TABLE_DOTS;
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80 &&
		    n++ == w - TABLE_DOTS) {
			strcpy(s, "...");
			return;
		}
}

/* Narrow the column to fit, if the others leave it room enough. */
static void
table_narrow(struct table *t, size_t *width)
{
	size_t i, total = 0, room;
	int col;

	for (col = 0; col < t->ncols; col++)
		total += width[col] + (col ? TABLE_GAP : 0);
	if (t->fitcol < 0 || total <= t->fitwidth)
		return;
	room = total - t->fitwidth >= width[t->fitcol] ? 0 :
	    width[t->fitcol] - (total - t->fitwidth);
	if (room < TABLE_FIT_MIN)
		room = TABLE_FIT_MIN;
	if (room >= width[t->fitcol])
		return;
	for (i = (size_t)t->fitcol; i < t->ncells; i += (size_t)t->ncols)
		if (table_width(t->cells[i]) > room)
			table_cut(t->cells[i], room);
	width[t->fitcol] = room;
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
	table_narrow(t, width);
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
