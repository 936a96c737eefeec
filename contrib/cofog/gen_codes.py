#!/usr/bin/env python3
"""gen_codes.py — write plugins/cofog/cofog_codes.c from a COFOG 1999 level
list (code,level,level_name,parent_code,title_en,...), e.g. the shared
derived_cofog1999_levels.csv.  Run once; the output is the project's own
table and is edited by hand from then on.

    contrib/cofog/gen_codes.py ../shared/data/cofog/derived_cofog1999_levels.csv \
        > plugins/cofog/cofog_codes.c
"""
import csv
import sys


def cstr(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


def main(path):
    rows = list(csv.DictReader(open(path, newline='', encoding='utf-8')))
    rows.sort(key=lambda r: r['code'])
    out = sys.stdout
    out.write('/* cofog_codes.c — the UN COFOG 1999 classification: 10 divisions,\n'
              ' * 69 groups, 109 classes, in code order (hierarchical order too, as\n'
              ' * no group or class number has two digits). */\n'
              '#include "config.h"\n\n#include "cofog.h"\n\n'
              'const struct placed_code cofog_codes[] = {\n')
    for r in rows:
        parent = cstr(r['parent_code']) if r['parent_code'] else 'NULL'
        out.write('\t{ %s, %s,\n\t    %s },\n' % (cstr(r['code']), parent,
                                               cstr(r['title_en'].strip())))
    out.write('};\n\nconst size_t cofog_ncodes = sizeof(cofog_codes) / '
              'sizeof(cofog_codes[0]);\n')


if __name__ == '__main__':
    main(sys.argv[1])
