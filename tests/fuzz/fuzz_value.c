/* fuzz_value.c — money, date and number parsers: accept means round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char buf[VALUE_BUFSZ];
	int64_t m, m2;
	int32_t d, d2;
	size_t n;

	if (value_money_parse(s, size, &m) == 0) {
		n = value_money_format(m, buf);
		if (m == MONEY_NULL || value_money_parse(buf, n, &m2) != 0 ||
		    m2 != m)
			abort();
	}
	if (value_num_parse(s, size, &m) == 0) {
		n = value_num_format(m, buf);
		if (value_num_parse(buf, n, &m2) != 0 || m2 != m)
			abort();
	}
	if (value_date_parse(s, size, &d) == 0) {
		n = value_date_format(d, buf);
		if (value_date_parse(buf, n, &d2) != 0 || d2 != d)
			abort();
	}
	return (0);
}
