/*
 * header.h — column headings of published spend files to placed's spend
 * fields.  Kept apart from the xlsx importer so the CSV transparency
 * importer can share the one table.
 */
#ifndef XLSX_HEADER_H
#define XLSX_HEADER_H

#include <stddef.h>

/*
 * A heading folded for comparison: ASCII letters lower-cased, digits
 * kept, every run of anything else (spaces, punctuation, "£", a leading
 * "* ") one space, none at either end.  "* SUPPLIER  FINAL" → "supplier
 * final", "Amount (£)" → "amount".  Cut to outsz - 1 bytes.
 */
void header_norm(const char *cell, char *out, size_t outsz);

/*
 * The spend field a heading names, in the spellings of the Local
 * Government Transparency Code files and their cousins ("Net Amount",
 * "Payment Date", "Supplier Name", "Expense Type", "Service Area",
 * "Body Name"...), or NULL.  Canonical names ("amount", "supplier") are
 * among them.
 */
const char *header_field(const char *cell);

#endif
