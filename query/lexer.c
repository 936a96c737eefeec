/* lexer.c — PQL text to tokens; literals are decoded here, exactly. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "parser.h"
#include "value.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISALPHA(c)	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define ISWORD0(c)	(ISALPHA(c) || (c) == '_')
#define ISWORD(c)	(ISWORD0(c) || ISDIGIT(c))
#define LOWER(c)	((c) | 0x20)

static const char *const tok_names[] = {
	[T_EOF] = "end of query",
	[T_SEP] = "separator",
	[T_IDENT] = "identifier",
	[T_STRING] = "string",
	[T_INT] = "integer",
	[T_DEC] = "decimal",
	[T_PERCENT] = "percentage",
	[T_MONEY] = "money",
	[T_DATE] = "date",
	[T_PERIOD] = "fiscal period",
	[T_DURATION] = "duration",
	[T_PARAM] = "parameter",
	[T_LP] = "\"(\"",
	[T_RP] = "\")\"",
	[T_COMMA] = "\",\"",
	[T_ASSIGN] = "\"=\"",
	[T_EQ] = "\"==\"",
	[T_NE] = "\"!=\"",
	[T_LT] = "\"<\"",
	[T_LE] = "\"<=\"",
	[T_GT] = "\">\"",
	[T_GE] = "\">=\"",
	[T_MATCH] = "\"~\"",
	[T_PLUS] = "\"+\"",
	[T_MINUS] = "\"-\"",
	[T_STAR] = "\"*\"",
	[T_SLASH] = "\"/\"",
};

const char *
tok_name(enum tok t)
{
	if ((size_t)t >= sizeof(tok_names) / sizeof(tok_names[0]) ||
	    tok_names[t] == NULL)
		return ("token");
	return (tok_names[t]);
}

void
pql_where(const char *src, size_t len, size_t off, int *line, int *col)
{
	size_t ls = 0;
	int l = 1;

	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (src[i] == '\n') {
			l++;
			ls = i + 1;
		}
	}
	*line = l;
	*col = (int)(off - ls + 1);
}

void
lex_init(struct lexer *lx, const char *src, size_t len, char *err,
    size_t errsz)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->len = len;
	lx->err = err;
	lx->errsz = errsz;
}

static int
lex_fail(struct lexer *lx, size_t off, size_t span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
lex_fail(struct lexer *lx, size_t off, size_t span, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lx->erroff = off;
	lx->errlen = span;
	pql_error(lx->err, lx->errsz, lx->src, lx->len, off, span, "%s", msg);
	return (-1);
}

/* End of the run of word characters from p, for spans of bad literals. */
static size_t
word_end(const struct lexer *lx, size_t p)
{
	while (p < lx->len && (ISWORD(lx->src[p]) || lx->src[p] == '.'))
		p++;
	return (p);
}

static int
lex_ident(struct lexer *lx, struct token *tok)
{
	const char *s = lx->src;
	size_t p = tok->off, n;
	int q;

	while (p < lx->len && ISWORD(s[p]))
		p++;
	/* Dotted paths: cofog.division, place.lad. */
	while (p + 1 < lx->len && s[p] == '.' && ISWORD0(s[p + 1])) {
		p++;
		while (p < lx->len && ISWORD(s[p]))
			p++;
	}
	tok->len = n = p - tok->off;
	s += tok->off;
	if ((tok->s = strndup(s, n)) == NULL)
		return (lex_fail(lx, tok->off, n, "out of memory"));
	tok->t = T_IDENT;
	lx->pos = p;

	/* Fiscal periods: fy2025, fy2025q1 (April to June) ... q4. */
	if (n < 6 || LOWER(s[0]) != 'f' || LOWER(s[1]) != 'y' ||
	    !ISDIGIT(s[2]) || !ISDIGIT(s[3]) || !ISDIGIT(s[4]) ||
	    !ISDIGIT(s[5]))
		return (0);
	if (n == 6) {
		int y = (s[2] - '0') * 1000 + (s[3] - '0') * 100 +
		    (s[4] - '0') * 10 + (s[5] - '0');

		tok->t = T_PERIOD;
		tok->lo = date_from_ymd(y, 4, 1);
		tok->hi = date_from_ymd(y + 1, 4, 1) - 1;
		return (0);
	}
	if (LOWER(s[6]) != 'q' || n < 8)
		return (0);
	for (size_t i = 7; i < n; i++)
		if (!ISDIGIT(s[i]))
			return (0);
	q = s[7] - '0';
	if (n != 8 || q < 1 || q > 4) {
		free(tok->s);
		tok->s = NULL;
		return (lex_fail(lx, tok->off, n,
		    "bad fiscal quarter \"%.*s\": quarters are q1 to q4",
		    (int)n, s));
	} else {
		int y = (s[2] - '0') * 1000 + (s[3] - '0') * 100 +
		    (s[4] - '0') * 10 + (s[5] - '0');
		int m = 4 + 3 * (q - 1), y0 = y + (m > 12);
		int m1 = m + 3, y1 = y0;

		if (m > 12)
			m -= 12, m1 -= 12;
		if (m1 > 12)
			m1 -= 12, y1++;
		tok->t = T_PERIOD;
		tok->lo = date_from_ymd(y0, m, 1);
		tok->hi = date_from_ymd(y1, m1, 1) - 1;
	}
	return (0);
}

/* Decimal digits in [p, e) into *v; -ERANGE past INT64_MAX. */
static int
digits_value(const char *p, const char *e, int64_t *v)
{
	int64_t x = 0;

	for (; p < e; p++) {
		if (x > (INT64_MAX - (*p - '0')) / 10)
			return (-ERANGE);
		x = x * 10 + (*p - '0');
	}
	*v = x;
	return (0);
}

/*
 * Pounds "1.25" in [p, e), commas ignored, times 10^exp pence: 0,
 * -EINVAL on syntax, -ERANGE on overflow, -EDOM when not a whole penny.
 */
static int
money_scaled(const char *p, const char *e, int exp, int64_t *out)
{
	int64_t v = 0;
	int frac = -1, ndig = 0;

	for (; p < e; p++) {
		if (*p == ',')
			continue;
		if (*p == '.') {
			if (frac >= 0)
				return (-EINVAL);
			frac = 0;
			continue;
		}
		if (!ISDIGIT(*p))
			return (-EINVAL);
		ndig++;
		if (frac >= 0 && ++frac > exp) {
			if (*p != '0')
				return (-EDOM);
			continue;
		}
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return (-ERANGE);
		v = v * 10 + (*p - '0');
	}
	if (ndig == 0)
		return (-EINVAL);
	for (int k = frac < 0 ? 0 : frac; k < exp; k++) {
		if (v > INT64_MAX / 10)
			return (-ERANGE);
		v *= 10;
	}
	*out = v;
	return (0);
}

/* £30  £2,500  £1.5k  £1.2m  £3bn: exact pence or an error. */
static int
lex_money(struct lexer *lx, struct token *tok)
{
	const char *s = lx->src;
	size_t p = tok->off + 2, num = p, nume, end;
	int exp = 0, r;

	/* A comma belongs to the amount only before a digit: in
	 * "£100, q = 1" it ends the amount, in "£1,23" it is an error. */
	while (p < lx->len && (ISDIGIT(s[p]) || s[p] == '.' ||
	    (s[p] == ',' && p + 1 < lx->len && ISDIGIT(s[p + 1]))))
		p++;
	nume = p;
	if (p < lx->len && LOWER(s[p]) == 'k')
		exp = 3, p++;
	else if (p < lx->len && LOWER(s[p]) == 'm')
		exp = 6, p++;
	else if (p + 1 < lx->len && LOWER(s[p]) == 'b' &&
	    LOWER(s[p + 1]) == 'n')
		exp = 9, p += 2;
	end = word_end(lx, p);
	tok->len = end - tok->off;
	lx->pos = end;
	if (nume == num || !ISDIGIT(s[num]))
		return (lex_fail(lx, tok->off, tok->len,
		    "expected an amount after \"£\""));
	if (end != p)
		return (lex_fail(lx, tok->off, tok->len,
		    "bad money amount \"%.*s\": use £30, £2,500, £1.5k, £1.2m "
		    "or £3bn", (int)tok->len, s + tok->off));
	if (exp == 0) {
		r = value_money_parse(s + num, nume - num, &tok->i);
		if (r == -EINVAL && money_scaled(s + num, s + nume, 2,
		    &tok->i) == -EDOM)
			r = -EDOM;
	} else if (memchr(s + num, ',', nume - num) != NULL)
		r = -EINVAL;
	else
		r = money_scaled(s + num, s + nume, exp + 2, &tok->i);
	if (r == -EDOM)
		return (lex_fail(lx, tok->off, tok->len,
		    "%.*s is not exact to the penny", (int)tok->len,
		    s + tok->off));
	if (r == -ERANGE)
		return (lex_fail(lx, tok->off, tok->len,
		    "money amount too large"));
	if (r != 0)
		return (lex_fail(lx, tok->off, tok->len,
		    "bad money amount \"%.*s\"", (int)tok->len, s + tok->off));
	tok->t = T_MONEY;
	return (0);
}

/* 12  12.5  5%  2.5%  30d  2025-04-01 */
static int
lex_number(struct lexer *lx, struct token *tok)
{
	const char *s = lx->src;
	size_t p = tok->off, end, n;
	int dec = 0, r;

	while (p < lx->len && ISDIGIT(s[p]))
		p++;
	n = p - tok->off;
	if (n == 4 && p + 6 <= lx->len && s[p] == '-' &&
	    ISDIGIT(s[p + 1]) && ISDIGIT(s[p + 2]) && s[p + 3] == '-' &&
	    ISDIGIT(s[p + 4]) && ISDIGIT(s[p + 5])) {
		int32_t d;

		end = word_end(lx, p + 6);
		tok->len = end - tok->off;
		lx->pos = end;
		if (end != p + 6 ||
		    value_date_parse(s + tok->off, 10, &d) != 0)
			return (lex_fail(lx, tok->off, tok->len,
			    "bad date \"%.*s\"", (int)tok->len, s + tok->off));
		tok->t = T_DATE;
		tok->i = d;
		return (0);
	}
	if (p + 1 < lx->len && s[p] == '.' && ISDIGIT(s[p + 1])) {
		dec = 1;
		for (p++; p < lx->len && ISDIGIT(s[p]); p++)
			;
	}
	n = p - tok->off;
	if (p < lx->len && s[p] == '%') {
		tok->t = T_PERCENT;
		end = p + 1;
	} else if (!dec && p < lx->len && s[p] == 'd' &&
	    (p + 1 >= lx->len || !ISWORD(s[p + 1]))) {
		tok->t = T_DURATION;
		end = p + 1;
	} else {
		tok->t = dec ? T_DEC : T_INT;
		end = p;
	}
	if (end < lx->len && (ISWORD(s[end]) || s[end] == '.')) {
		end = word_end(lx, end);
		tok->len = end - tok->off;
		lx->pos = end;
		if (!dec && end == p + 1 && strchr("wmy", s[p]) != NULL)
			return (lex_fail(lx, tok->off, tok->len,
			    "bad duration \"%.*s\": durations are in days, "
			    "like 30d", (int)tok->len, s + tok->off));
		return (lex_fail(lx, tok->off, tok->len, "bad number \"%.*s\"",
		    (int)tok->len, s + tok->off));
	}
	tok->len = end - tok->off;
	lx->pos = end;
	if (dec) {
		r = value_num_parse(s + tok->off, n, &tok->i);
		if (r == -EINVAL)
			return (lex_fail(lx, tok->off, tok->len,
			    "too many decimal places in \"%.*s\" (at most 4)",
			    (int)tok->len, s + tok->off));
	} else {
		r = digits_value(s + tok->off, s + p, &tok->i);
		if (r == 0 && tok->t == T_PERCENT) {
			if (tok->i > INT64_MAX / NUM_SCALE)
				r = -ERANGE;
			else
				tok->i *= NUM_SCALE;
		}
	}
	if (r != 0)
		return (lex_fail(lx, tok->off, tok->len,
		    "number \"%.*s\" is too large", (int)tok->len,
		    s + tok->off));
	return (0);
}

/* "..." with \" \\ \n \t; a string ends on its line. */
static int
lex_string(struct lexer *lx, struct token *tok)
{
	const char *s = lx->src;
	size_t p = tok->off + 1, eol, k = 0;
	char *b;

	for (eol = p; eol < lx->len && s[eol] != '\n'; eol++)
		;
	if ((b = malloc(eol - p + 1)) == NULL)
		return (lex_fail(lx, tok->off, 1, "out of memory"));
	for (; p < eol && s[p] != '"'; p++) {
		if (s[p] == '\0') {
			free(b);
			return (lex_fail(lx, p, 1, "NUL byte in string"));
		}
		if (s[p] != '\\') {
			b[k++] = s[p];
			continue;
		}
		if (p + 1 >= eol)
			break;
		switch (s[++p]) {
		case '"':	b[k++] = '"'; break;
		case '\\':	b[k++] = '\\'; break;
		case 'n':	b[k++] = '\n'; break;
		case 't':	b[k++] = '\t'; break;
		default:
			free(b);
			return (lex_fail(lx, p - 1, 2,
			    "unknown escape \"\\%c\" in string: use \\\", \\\\, "
			    "\\n or \\t", s[p]));
		}
	}
	if (p >= eol) {
		free(b);
		lx->pos = eol;
		return (lex_fail(lx, tok->off, eol - tok->off,
		    "unterminated string"));
	}
	b[k] = '\0';
	tok->t = T_STRING;
	tok->s = b;
	tok->len = p + 1 - tok->off;
	lx->pos = p + 1;
	return (0);
}

static int
lex_param(struct lexer *lx, struct token *tok)
{
	const char *s = lx->src;
	size_t p = tok->off + 1;

	if (p >= lx->len || !ISWORD0(s[p]))
		return (lex_fail(lx, tok->off, 1,
		    "expected a parameter name after \"$\""));
	while (p < lx->len && ISWORD(s[p]))
		p++;
	tok->len = p - tok->off;
	lx->pos = p;
	if ((tok->s = strndup(s + tok->off + 1, tok->len - 1)) == NULL)
		return (lex_fail(lx, tok->off, tok->len, "out of memory"));
	tok->t = T_PARAM;
	return (0);
}

static int
lex_bad(struct lexer *lx, size_t p)
{
	unsigned char c = (unsigned char)lx->src[p];
	size_t n = 1;

	if (c == '!')
		return (lex_fail(lx, p, 1,
		    "unexpected \"!\": use \"!=\" or \"not\""));
	if (c > 0x20 && c < 0x7f)
		return (lex_fail(lx, p, 1, "unexpected character \"%c\"", c));
	/* A well-formed UTF-8 sequence is shown, anything else in hex. */
	if (c >= 0xc2 && c <= 0xf4) {
		size_t want = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

		while (n < want && p + n < lx->len &&
		    ((unsigned char)lx->src[p + n] & 0xc0) == 0x80)
			n++;
		if (n == want)
			return (lex_fail(lx, p, n,
			    "unexpected character \"%.*s\"", (int)n,
			    lx->src + p));
		n = 1;
	}
	return (lex_fail(lx, p, n, "unexpected byte 0x%02x", c));
}

int
lex_next(struct lexer *lx, struct token *tok)
{
	const char *s = lx->src;
	size_t p, sep = 0;
	int nsep = 0;
	char c;

	memset(tok, 0, sizeof(*tok));
	/* Blanks, comments, and any run of separators as one T_SEP. */
	for (p = lx->pos; p < lx->len; p++) {
		c = s[p];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v')
			continue;
		if (c == '#') {
			while (p + 1 < lx->len && s[p + 1] != '\n')
				p++;
			continue;
		}
		if (c == '|' || (c == '\n' && lx->depth == 0)) {
			if (nsep++ == 0)
				sep = p;
			continue;
		}
		if (c == '\n')
			continue;
		break;
	}
	lx->pos = p;
	if (nsep > 0) {
		tok->t = T_SEP;
		tok->off = sep;
		tok->len = 1;
		return (0);
	}
	tok->off = p;
	if (p >= lx->len) {
		tok->t = T_EOF;
		return (0);
	}
	c = s[p];
	if (ISWORD0(c))
		return (lex_ident(lx, tok));
	if (ISDIGIT(c))
		return (lex_number(lx, tok));
	if (c == '"')
		return (lex_string(lx, tok));
	if (c == '$')
		return (lex_param(lx, tok));
	if ((unsigned char)c == 0xc2 && p + 1 < lx->len &&
	    (unsigned char)s[p + 1] == 0xa3)
		return (lex_money(lx, tok));
	tok->len = 1;
	switch (c) {
	case '(':
		tok->t = T_LP;
		lx->depth++;
		break;
	case ')':
		tok->t = T_RP;
		if (lx->depth > 0)
			lx->depth--;
		break;
	case ',':	tok->t = T_COMMA; break;
	case '~':	tok->t = T_MATCH; break;
	case '+':	tok->t = T_PLUS; break;
	case '-':	tok->t = T_MINUS; break;
	case '*':	tok->t = T_STAR; break;
	case '/':	tok->t = T_SLASH; break;
	case '=':
		tok->t = T_ASSIGN;
		if (p + 1 < lx->len && s[p + 1] == '=')
			tok->t = T_EQ, tok->len = 2;
		break;
	case '!':
		if (p + 1 < lx->len && s[p + 1] == '=') {
			tok->t = T_NE, tok->len = 2;
			break;
		}
		return (lex_bad(lx, p));
	case '<':
		tok->t = T_LT;
		if (p + 1 < lx->len && s[p + 1] == '=')
			tok->t = T_LE, tok->len = 2;
		break;
	case '>':
		tok->t = T_GT;
		if (p + 1 < lx->len && s[p + 1] == '=')
			tok->t = T_GE, tok->len = 2;
		break;
	default:
		return (lex_bad(lx, p));
	}
	lx->pos = p + tok->len;
	return (0);
}
