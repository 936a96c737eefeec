/* header.c — transparency-file headings to spend fields. */
#include <stdlib.h>
#include <string.h>

#include "header.h"

void
header_norm(const char *cell, char *out, size_t outsz)
{
	size_t n = 0;
	int gap = 0;

	if (outsz == 0)
		return;
	for (const unsigned char *p = (const unsigned char *)cell;
	    *p && n + 1 < outsz; p++) {
		int c = *p;

		if (c >= 'A' && c <= 'Z')
			c |= 0x20;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (gap && n > 0 && n + 2 < outsz)
				out[n++] = ' ';
			gap = 0;
			out[n++] = (char)c;
		} else
			gap = 1;
	}
	out[n] = '\0';
}

/*
 * Folded headings (see header_norm) seen in councils', police and fire
 * authorities' and NHS bodies' spend files.  Where a file has two
 * columns for one field the first column wins, so a file's "Net Amount"
 * beats a later "Total"; gross amounts and VAT are left out on purpose.
 * "Expenditure Category" and "Expense Type" say what was bought
 * (description); "Expense Area", "Service Area" and cost centres say who
 * bought it (service); codes of the ledger are accounts.
 */
static const struct {
	const char	*heading;
	const char	*field;
} headings[] = {
	{ "date", "date" },
	{ "payment date", "date" },
	{ "transaction date", "date" },
	{ "invoice date", "date" },
	{ "paid date", "date" },
	{ "date paid", "date" },
	{ "date of payment", "date" },
	{ "posting date", "date" },
	{ "pay date", "date" },

	{ "amount", "amount" },
	{ "net amount", "amount" },
	{ "amount paid", "amount" },
	{ "paid amount", "amount" },
	{ "payment amount", "amount" },
	{ "transaction amount", "amount" },
	{ "invoice amount", "amount" },
	{ "total invoice amount", "amount" },
	{ "total", "amount" },
	{ "total amount", "amount" },
	{ "value", "amount" },
	{ "net value", "amount" },
	{ "amount gbp", "amount" },
	{ "amount excluding vat", "amount" },
	{ "amount excl vat", "amount" },
	{ "amount ex vat", "amount" },

	{ "supplier", "supplier" },
	{ "supplier name", "supplier" },
	{ "supplier final", "supplier" },
	{ "payee", "supplier" },
	{ "payee name", "supplier" },
	{ "vendor", "supplier" },
	{ "vendor name", "supplier" },
	{ "beneficiary", "supplier" },
	{ "merchant", "supplier" },
	{ "merchant name", "supplier" },
	{ "recipient", "supplier" },
	{ "creditor", "supplier" },
	{ "creditor name", "supplier" },

	{ "description", "description" },
	{ "expense type", "description" },
	{ "expense description", "description" },
	{ "expense category", "description" },
	{ "expenditure category", "description" },
	{ "expenditure type", "description" },
	{ "expenditure description", "description" },
	{ "subjective", "description" },
	{ "subjective description", "description" },
	{ "subjective name", "description" },
	{ "category", "description" },
	{ "purpose", "description" },
	{ "purpose of expenditure", "description" },
	{ "narrative", "description" },
	{ "details", "description" },

	{ "service", "service" },
	{ "service area", "service" },
	{ "service division", "service" },
	{ "expense area", "service" },
	{ "department", "service" },
	{ "directorate", "service" },
	{ "division", "service" },
	{ "organisational unit", "service" },
	{ "cost centre", "service" },
	{ "cost centre name", "service" },
	{ "cost centre description", "service" },

	{ "account", "account" },
	{ "account code", "account" },
	{ "expense code", "account" },
	{ "expenditure code", "account" },
	{ "subjective code", "account" },
	{ "nominal code", "account" },
	{ "ledger code", "account" },
	{ "gl code", "account" },

	{ "org", "org" },
	{ "body", "org" },
	{ "body name", "org" },
	{ "organisation", "org" },
	{ "organisation name", "org" },
	{ "authority", "org" },

	{ "place", "place" },
	{ "cohort", "cohort" },
	{ "person", "person" },
	{ "funder", "funder" },
};

const char *
header_field(const char *cell)
{
	char h[64];

	header_norm(cell, h, sizeof(h));
	if (h[0] == '\0')
		return (NULL);
	for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
		if (strcmp(h, headings[i].heading) == 0)
			return (headings[i].field);
	return (NULL);
}
