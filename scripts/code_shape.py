#!/usr/bin/env python3
"""code_shape.py — the shape of the code: the longest functions, the largest files, and the
include graph between stages (src/STAGE/). Used for the limits in docs/architecture.md:

    python3 scripts/code_shape.py [--top N] [--check] [SRC_DIR]

--check exits 1 when a function is over 80 lines or a file over 700 (the ctest `code_shape`)."""
import os
import re
import sys

FUNC_MAX, FILE_MAX = 80, 700
# A function definition: a line starting at column 0 with a name and '(' that is not a
# declaration (no ';' before the opening brace) and not a control statement.
DEF = re.compile(r'^[A-Za-z_][\w\s\*\(\),\[\]]*?\b(\w+)\s*\([^;]*$')
SKIP = {'if', 'for', 'while', 'switch', 'return', 'sizeof', 'typedef', 'struct', 'enum', 'union'}


def functions(path):
    """(name, first line, length in lines) for every function body in a C/C++ file."""
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    out, i = [], 0
    while i < len(lines):
        m = DEF.match(lines[i])
        if not m or m.group(1) in SKIP or lines[i].startswith(('#', ' ', '\t', '}')):
            i += 1
            continue
        # find the opening brace within the next few lines (parameters may wrap)
        j = i
        while j < len(lines) and j < i + 8 and '{' not in lines[j] and ';' not in lines[j]:
            j += 1
        if j >= len(lines) or '{' not in lines[j] or ';' in lines[j].split('{')[0]:
            i += 1
            continue
        depth, k = 0, j
        while k < len(lines):
            code = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'|//.*', '', lines[k])
            depth += code.count('{') - code.count('}')
            if depth <= 0 and k >= j:
                break
            k += 1
        out.append((m.group(1), i + 1, k - i + 1))
        i = k + 1
    return out


def sources(src):
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if f.endswith(('.c', '.h', '.cpp')):
                yield os.path.join(root, f)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith('--')]
    top = 10
    if '--top' in sys.argv:
        top = int(sys.argv[sys.argv.index('--top') + 1])
        args = [a for a in args if a != str(top)]
    src = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
    funcs, sizes, graph = [], [], {}
    for p in sources(src):
        rel = os.path.relpath(p, src)
        n = sum(1 for _ in open(p, encoding='utf-8', errors='replace'))
        sizes.append((n, rel))
        funcs += [(length, f'{rel}:{line}', name) for name, line, length in functions(p)]
        stage = rel.split(os.sep)[0]
        for inc in re.findall(r'^#include "(\w+)/vt_\w+\.h"', open(p, encoding='utf-8').read(), re.M):
            if inc != stage:
                graph.setdefault(stage, set()).add(inc)
    funcs.sort(reverse=True)
    sizes.sort(reverse=True)
    print(f'longest functions (of {len(funcs)}):')
    for length, where, name in funcs[:top]:
        print(f'  {length:5d}  {name}  ({where})')
    print(f'largest files (of {len(sizes)}):')
    for n, rel in sizes[:top]:
        print(f'  {n:5d}  {rel}')
    print('includes between stages (stage -> the stages whose headers it includes):')
    for stage in sorted(graph):
        print(f'  {stage:10s} -> {", ".join(sorted(graph[stage]))}')
    if '--check' in sys.argv:
        bad = [f for f in funcs if f[0] > FUNC_MAX] + [(n, r, 'file') for n, r in sizes if n > FILE_MAX]
        for length, where, name in bad:
            print(f'code_shape: {where}: {name} is {length} lines (limit {FILE_MAX if name == "file" else FUNC_MAX})', file=sys.stderr)
        return 1 if bad else 0
    return 0


if __name__ == '__main__':
    sys.exit(main())
