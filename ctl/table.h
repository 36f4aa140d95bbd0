/* SPDX-License-Identifier: ISC */
/*
 * Aligned columns for switchctl's human output: cells are added left to
 * right, a row ends after the last column, and nothing is printed until
 * every width is known.
 */
#ifndef TABLE_H
#define TABLE_H

#include <stdio.h>

struct table;

/*
 * heads: the column titles, or NULL for a table without a title row
 * (key: value views); align: one 'l' or 'r' per column.  table_fit():
 * the cells of column col are cut, ending in "...", so that lines are
 * at most width columns wide, if the other columns leave it room.
 */
/* table.c */
struct table	*table_new(int ncols, const char *const *heads,
		    const char *align);
void		 table_fit(struct table *, int col, size_t width);
void		 table_cell(struct table *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 table_print(struct table *, FILE *);
void		 table_free(struct table *);

#endif
