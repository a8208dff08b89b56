#!/usr/bin/env python3
"""Staff-facing strings through gettext (docs/languages.md).

  test_translations.py VITRINE SHARED            the pipeline and the program:
    - src/i18n/po/vitrine.pot is current: re-extracted from src/ it has the same messages, and
      every LANG.po has exactly the .pot's messages (msgmerge'd);
    - the real program speaks the environment's language: `vitrine validate` on a broken catalog,
      the logger's own lines and `vitrine --help` in French with LC_ALL=fr_FR.UTF-8, in German
      with LANGUAGE=de; English, byte for byte the source text, with LC_ALL=C.UTF-8; JSON stays JSON;
    - no staff string in src/ escaped marking (printf-like calls with a bare prose literal).
  test_translations.py VITRINE SHARED complete   every LANG.po checks clean with msgfmt and is
    complete: no untranslated and no fuzzy message, in all seven languages.
"""
import os, re, subprocess, sys, tempfile, json
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *

vitrine = sys.argv[1]
mode = sys.argv[3] if len(sys.argv) > 3 else "pipeline"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
podir = os.path.join(root, "src", "i18n", "po")
LANGS = ["en", "fr", "de", "nl", "es", "it", "ja"]
UPDATE = "scripts/update_po.sh (or: cmake --build build --target pot)"


def po_messages(path):
    """{(msgctxt, msgid, msgid_plural): [msgstr...]} of a .po/.pot, the header and obsolete left out."""
    out, cur, key = {}, None, None
    fuzzy = set()
    flags = ""

    def unq(s):
        return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    def flush():
        if cur and cur.get("msgid"):
            k = (cur.get("msgctxt"), cur["msgid"], cur.get("msgid_plural"))
            out[k] = [cur[x] for x in sorted(cur) if x.startswith("msgstr")]
            if "fuzzy" in cur.get("flags", ""):
                fuzzy.add(k)

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#~") or not line.strip():
                continue
            if line.startswith("#,"):
                flush(); cur, key = {"flags": line}, None
                continue
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line)
            if m:
                if m.group(1) in ("msgid", "msgctxt") and cur and any(x.startswith("msgstr") for x in cur):
                    flush(); cur = {}
                if cur is None:
                    cur = {}
                key = m.group(1)
                cur[key] = unq(m.group(2))
            elif line.startswith('"') and cur is not None and key:
                cur[key] += unq(line)
    flush()
    return out, fuzzy


# ---- the .pot is current, and every .po holds its messages ----------------------------------------
def check_pot():
    with tempfile.TemporaryDirectory(prefix="vt_pot_") as tmp:
        fresh = os.path.join(tmp, "fresh.pot")
        r = run(["sh", os.path.join(root, "scripts", "update_po.sh"), "--pot", fresh], cwd=root)
        check(r.returncode == 0 and os.path.exists(fresh), "update_po.sh --pot: %s" % r.stderr[-500:])
        if r.returncode != 0:
            return
        want = set(po_messages(fresh)[0])
    have = set(po_messages(os.path.join(podir, "vitrine.pot"))[0])
    new, gone = sorted(want - have), sorted(have - want)
    check(not new, "%d marked string(s) in src/ are not in src/i18n/po/vitrine.pot (run %s): %r"
          % (len(new), UPDATE, [k[1][:60] for k in new[:8]]))
    check(not gone, "%d string(s) in vitrine.pot are no longer in src/ (run %s): %r"
          % (len(gone), UPDATE, [k[1][:60] for k in gone[:8]]))
    check(len(want) > 300, "the extraction found only %d messages" % len(want))
    for lang in LANGS:
        path = os.path.join(podir, lang + ".po")
        check(os.path.exists(path), "%s is missing" % path)
        if not os.path.exists(path):
            continue
        msgs = set(po_messages(path)[0])
        check(msgs == have, "%s.po is not merged with vitrine.pot (run %s): %d missing, %d extra"
              % (lang, UPDATE, len(have - msgs), len(msgs - have)))
        head = open(path, encoding="utf-8").read().split("\n\n", 1)[0]
        plural = "nplurals=1; plural=0;" if lang == "ja" else "nplurals=2; plural=(n > 1);" if lang == "fr" \
            else "nplurals=2; plural=(n != 1);"
        check('"Language: %s\\n"' % lang in head and "charset=UTF-8" in head and plural in head,
              "%s.po's header: Language, UTF-8 and %s" % (lang, plural))


# ---- complete translations ---------------------------------------------------------------------
def check_complete():
    for lang in LANGS:
        path = os.path.join(podir, lang + ".po")
        r = run(["msgfmt", "--check", "--statistics", "-o", os.devnull, path])
        stats = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
        check(r.returncode == 0, "msgfmt --check %s.po: %s" % (lang, r.stderr[-400:]))
        check(re.match(r"^\d+ translated messages?\.$", stats) is not None,
              "%s.po is not complete (translate its empty and fuzzy entries): %s" % (lang, stats))
        msgs, fuzzy = po_messages(path)
        empty = [k[1][:50] for k, v in msgs.items() if not all(v)]
        check(not empty and not fuzzy, "%s.po: %d untranslated, %d fuzzy, e.g. %r" % (lang, len(empty), len(fuzzy), empty[:3]))


# ---- the real program -------------------------------------------------------------------------------
def env_of(**kw):
    e = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LANG", "LC_ALL", "LC_MESSAGES")}
    e.update(kw)
    return e


def check_output():
    tmp = tempfile.mkdtemp(prefix="vt_tr_")
    broken = os.path.join(tmp, "broken.json")
    with open(broken, "w") as f:
        f.write('{"version": 1, "products": [{"id": "a", "price": 3}]}\n')
    C, FR, DE = env_of(LC_ALL="C.UTF-8"), env_of(LC_ALL="fr_FR.UTF-8"), env_of(LC_ALL="C.UTF-8", LANGUAGE="de")

    r = run([vitrine, "validate", broken], env=C)
    check(r.returncode == 1 and '%s:1:29: error: products[0] has no "marker"' % broken in r.stdout
          and "warning: products[0] (a) has no \"model\"; a grey box stands in" in r.stdout,
          "C.UTF-8: validate in English: %r" % r.stdout)
    r = run([vitrine, "validate", broken], env=FR)
    check(r.returncode == 1 and "%s:1:29: erreur: products[0] n’a pas de « marker »" % broken in r.stdout
          and "avertissement: products[0] (a) n’a pas de « model »" in r.stdout and "has no" not in r.stdout,
          "fr_FR.UTF-8: validate in French: %r" % r.stdout)
    r = run([vitrine, "validate", broken], env=DE)
    check(r.returncode == 1 and "%s:1:29: Fehler: products[0] hat keinen „marker“" % broken in r.stdout
          and "has no" not in r.stdout, "LANGUAGE=de: validate in German: %r" % r.stdout)
    # LANGUAGE comes before LC_ALL, as in any gettext program.
    r = run([vitrine, "validate", broken], env=env_of(LC_ALL="fr_FR.UTF-8", LANGUAGE="de"))
    check("Fehler: products[0] hat keinen „marker“" in r.stdout, "LANGUAGE=de over fr_FR: %r" % r.stdout)

    # The logger: its format and its level prefix, the subsystem left as it is.
    r = run([vitrine, "validate"], env=FR)
    check(r.returncode == 2 and r.stderr.strip() ==
          "vitrine: validate: erreur : indiquez un fichier de catalogue (essayez « vitrine validate --help »)",
          "fr: the logger translates: %r" % r.stderr)
    r = run([vitrine, "validate"], env=C)
    check(r.stderr.strip() == "vitrine: validate: error: give one catalog file (try 'vitrine validate --help')",
          "C: the logger in English: %r" % r.stderr)
    r = run([vitrine, "validate", os.path.join(tmp, "absent.json")], env=DE)
    check(r.returncode == 1 and "Datei nicht gefunden" in r.stdout, "de: a message from core: %r" % (r.stdout + r.stderr))
    r = run([vitrine, "fly"], env=DE)
    check("unbekannter Befehl „fly“" in r.stderr, "de: an unknown command: %r" % r.stderr)

    # --help: French, and English byte for byte in C.
    r = run([vitrine, "--help"], env=FR)
    check(r.returncode == 0 and r.stdout.startswith("utilisation : vitrine COMMANDE") and "commandes :" in r.stdout
          and "  validate  vérifier un catalogue" in r.stdout, "fr: --help: %r" % r.stdout[:200])
    r = run([vitrine, "--help"], env=C)
    check(r.stdout.startswith("usage: vitrine COMMAND [OPTIONS] ...\n\nVitrine finds printed product markers"),
          "C: --help in English: %r" % r.stdout[:120])
    r = run([vitrine, "--version"], env=FR)
    check(r.stdout.startswith("vitrine "), "fr: --version is a machine format: %r" % r.stdout)

    # Machine formats stay as they are: detect's JSON Lines keep their keys and '.' decimals.
    r = run([vitrine, "detect", "demo:2"], env=FR)
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    try:
        recs = [json.loads(l) for l in lines]
    except ValueError:
        recs = []
    check(r.returncode == 0 and len(recs) == 2 and all("file" in x and "markers" in x and "ms" in x for x in recs),
          "fr: detect's JSON Lines unchanged: %r" % r.stdout[:300])


# ---- nothing escaped marking ------------------------------------------------------------------------
# printf-like calls whose format is a bare literal with a word in it. The exceptions are machine
# formats and developer lines (docs/languages.md, "What is not translated"); anything else is a
# staff string to wrap in _() (or, for a message logged with VT_ERROR..., nothing: the logger translates).
EXCEPTIONS = {
    r"%s%s %.2f ms",                                 # vt_profile_print: developer timing
    r"vitrine %s\n",                                 # --version
    r"vitrine: %s%s%s%s%s\n",                        # the logger's line itself
    r"vitrine: validate: %s\n",                      # validate's prefix (its message is translated)
    r"\\ufffd",                                      # JSON escape
    r"section,key,name,found,dwell_seconds,median_dwell_seconds,card_opens,basket_adds,conversion,dropped_events\n",
    r"product,",
    r"%.300s: camera.source: %s",                    # FILE: json.path: message (the message is translated)
}
EXCEPTION_PREFIXES = ("vitrine: run: report: ", "vitrine: run: %d frames", "profile: %s: total", r"\r\033[Kdetect: ")
ERR_DEST = re.compile(r"(^|->|\.)(err|errbuf|why|msg|m|reason|hint|refused|last_reload_err|warn\[.*\]|buf\[.*\])$")
PRINTS = {"printf": 0, "fprintf": 1, "fputs": 0, "puts": 0, "snprintf": 2, "vsnprintf": 2}
TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|^[ \t]*#[^\n]*|"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|[A-Za-z_]\w*|->|\S',
                   re.S | re.M)


def is_prose(text):
    if text in EXCEPTIONS or text.startswith(EXCEPTION_PREFIXES):
        return False
    if re.search(r'\\"[\w.]+\\"\s*:', text):
        return False                                 # JSON keys
    if "," in text and " " not in text:
        return False                                 # CSV
    bare = re.sub(r"%(\d+\$)?[-+ #0']*(\*|\d+)?(\.(\*|\d+))?(hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGaAcspn%]", " ", text)
    bare = re.sub(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|u[0-9A-Fa-f]{4}|.)", " ", bare)
    bare = re.sub(r"\[[0-9;]*[A-Za-z]", " ", bare)
    return re.search(r"[A-Za-z]{3,}", bare) is not None


def unmarked(path):
    src = open(path, encoding="utf-8").read()
    toks = [(m.group(0), m.start()) for m in TOKEN.finditer(src)
            if not m.group(0).startswith(("//", "/*")) and not m.group(0).lstrip().startswith("#")]
    found = []
    for k, (t, pos) in enumerate(toks):
        if t not in PRINTS or k + 1 >= len(toks) or toks[k + 1][0] != "(" or (k and toks[k - 1][0] in (".", "->")):
            continue
        depth, args, cur = 0, [], []
        for t2, _ in toks[k + 1:]:
            if t2 in "([{":
                depth += 1
                if depth == 1:
                    continue
            elif t2 in ")]}":
                depth -= 1
                if depth == 0:
                    args.append(cur)
                    break
            elif t2 == "," and depth == 1:
                args.append(cur); cur = []
                continue
            cur.append(t2)
        fi = PRINTS[t]
        if t in ("snprintf", "vsnprintf") and (not args or not ERR_DEST.search("".join(args[0]))):
            continue
        if t == "fprintf" and (not args or "".join(args[0]) not in ("stderr", "stdout", "out", "f")):
            continue
        if fi < len(args) and args[fi] and all(a.startswith('"') for a in args[fi]):
            text = "".join(a[1:-1] for a in args[fi])
            if is_prose(text):
                found.append("%s:%d: %s" % (os.path.relpath(path, root), src.count("\n", 0, pos) + 1, text[:70]))
    return found


def check_marking():
    found = []
    for d, _, names in os.walk(os.path.join(root, "src")):
        for n in sorted(names):
            if n.endswith((".c", ".cpp")):
                found += unmarked(os.path.join(d, n))
    check(not found, "%d staff string(s) not marked for translation (wrap them in _(), or list a machine "
          "format in EXCEPTIONS here): %s" % (len(found), "\n  ".join([""] + found[:20])))


if mode == "complete":
    check_complete()
else:
    check_pot()
    check_output()
    check_marking()
finish("test_translations" + ("_complete" if mode == "complete" else ""))
