#!/usr/bin/env python3
"""The console's words (issue 19): every t("...") literal of src/console/web/*.js and every
data-t / data-t-* attribute of index.html is a msgid of src/console/console_web_strings.c's table
(so gettext's catalogs carry it and GET /api/v1/strings translates it), and the table holds no
msgid the pages do not use, nor one twice. t() is only ever called with a literal (but where
applyWords hands it the data-t attributes). With --table, prints the table's lines for the pages
as they are now (to paste into console_web_strings.c after changing the pages)."""
import os, re, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
WEB = os.path.join(ROOT, "src", "console", "web")
TABLE = os.path.join(ROOT, "src", "console", "console_web_strings.c")

JS_T = re.compile(r"""(?<![\w.$])t\(\s*(?:"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)')\s*[,)]""")
JS_ANY_T = re.compile(r"""(?<![\w.$])t\(""")
HTML_T = re.compile(r'\sdata-t(?:-[a-z-]+)?="([^"]*)"')
C_N = re.compile(r'N_\(((?:\s*"(?:\\.|[^"\\])*")+)\s*\)')
C_PIECE = re.compile(r'"((?:\\.|[^"\\])*)"')
ALLOWED_DYNAMIC = ("t(e.dataset.t)", "t(e.dataset.tPlaceholder)", "t(e.dataset.tAriaLabel)")


def js_unescape(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def c_unescape(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def c_escape(s):
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def page_strings():
    import html
    found, problems = [], []
    for script in sorted(n for n in os.listdir(WEB) if n.endswith(".js")):
        js = open(os.path.join(WEB, script), encoding="utf-8").read()
        for m in JS_T.finditer(js):
            found.append(js_unescape(m.group(1) if m.group(1) is not None else m.group(2)))
        for m in JS_ANY_T.finditer(js):
            if JS_T.match(js, m.start()): continue
            line = js.count("\n", 0, m.start()) + 1
            call = js[m.start():js.find(")", m.start()) + 1]
            if call not in ALLOWED_DYNAMIC and not js[:m.start()].rstrip().endswith("function"):
                problems.append("%s:%d: t() without a literal string: %s" % (script, line, call[:60]))
    for name in sorted(os.listdir(WEB)):
        if name.endswith(".html"):
            text = open(os.path.join(WEB, name), encoding="utf-8").read()
            found += [html.unescape(v) for v in HTML_T.findall(text)]
    return found, problems


def table_strings():
    src = open(TABLE, encoding="utf-8").read()
    return [c_unescape("".join(C_PIECE.findall(m.group(1)))) for m in C_N.finditer(src)]


def main():
    pages, problems = page_strings()
    uniq = list(dict.fromkeys(pages))
    if "--table" in sys.argv:
        print("    /* TRANSLATORS: the web console's words (all of this table); keep each {name} as it is. */")
        for s in uniq: print('    N_("%s"),' % c_escape(s))
        return 0
    table = table_strings()
    fails = list(problems)
    if not table: fails.append("no N_(...) msgid found in %s" % TABLE)
    dup = sorted({s for s in table if table.count(s) > 1})
    fails += ["console_web_strings.c: %r is in the table twice" % s for s in dup]
    fails += ["the pages use %r, not in console_web_strings.c (run with --table)" % s for s in uniq if s not in table]
    fails += ["console_web_strings.c has %r, which no page uses" % s for s in table if s not in uniq]
    fails += ["an empty msgid"] if "" in uniq else []
    for f in fails: print("FAIL:", f)
    print("%d strings on the pages, %d in the table" % (len(uniq), len(table)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
