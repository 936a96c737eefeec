/*
 * html.h — HTML fragments (as ORUK feeds put in names and descriptions)
 * reduced to one line of plain text.
 */
#ifndef PLACED_ORUK_HTML_H
#define PLACED_ORUK_HTML_H

/*
 * s without tags, with entities decoded (named: amp lt gt quot apos
 * nbsp and a few typographic ones; numeric: &#NN; and &#xHH;) and every
 * run of white space, &nbsp; included, made one space, trimmed.  An
 * unknown entity or a lone "&" or "<" stays as written.  A string the
 * caller frees, or NULL when out of memory.
 */
char *html_text(const char *s);

#endif
