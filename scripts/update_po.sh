#!/bin/sh
# scripts/update_po.sh — after changing a translatable string: re-extracts every marked string of
# src/ into src/i18n/po/vitrine.pot (xgettext), then brings each src/i18n/po/LANG.po up to date
# with it (msgmerge: new strings empty, changed ones fuzzy, for the translators) and refills en.po
# from the English (msgen). `cmake --build build --target pot` runs it too.
#   scripts/update_po.sh            the .pot and every .po
#   scripts/update_po.sh --pot FILE only extract, into FILE (tests/test_translations.py compares)
# The keywords are the project's translation calls and the logger (which translates its formats
# itself); VT_DEBUG is not one: debug lines stay English. docs/languages.md explains them.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
po="$root/src/i18n/po"
pot="$po/vitrine.pot"
only=
if [ "${1:-}" = "--pot" ]; then pot=$(realpath -m "$2"); only=1; fi

cd "$root"
files=$(find src -name '*.c' -o -name '*.cpp' -o -name '*.h' | LC_ALL=C sort)
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086
xgettext --language=C --from-code=UTF-8 --add-comments=TRANSLATORS: --add-location=file \
  --package-name=vitrine --package-version="$(sed -n 's/^project(vitrine VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)" \
  --msgid-bugs-address= \
  --keyword=_ --keyword=N_ --keyword=vt_tr --keyword=vt_trn:1,2 \
  --keyword=vt_tr_lang:2 --keyword=vt_trn_lang:2,3 \
  --keyword=vt_log:3 --keyword=vt_log_file:4 \
  --keyword=VT_ERROR:2 --keyword=VT_WARN:2 --keyword=VT_NOTE:2 --keyword=VT_INFO:2 \
  --keyword=VT_ERROR_FILE:3 --keyword=VT_WARN_FILE:3 \
  --keyword=vt_catalog_report_add:5 --keyword=problem:4 --keyword=lang_problem:5 --keyword=bad:2 --keyword=fatal:3 \
  --flag=_:1:pass-c-format --flag=vt_tr:1:pass-c-format --flag=vt_trn:1:pass-c-format --flag=vt_trn:2:pass-c-format \
  --flag=vt_tr_lang:2:pass-c-format --flag=vt_trn_lang:2:pass-c-format --flag=vt_trn_lang:3:pass-c-format \
  --flag=vt_log:3:c-format --flag=vt_log_file:4:c-format \
  --flag=VT_ERROR:2:c-format --flag=VT_WARN:2:c-format --flag=VT_NOTE:2:c-format --flag=VT_INFO:2:c-format \
  --flag=VT_ERROR_FILE:3:c-format --flag=VT_WARN_FILE:3:c-format \
  --flag=vt_catalog_report_add:5:c-format --flag=problem:4:c-format --flag=lang_problem:5:c-format --flag=bad:2:c-format --flag=fatal:3:c-format \
  -o "$tmp" $files
# Formats with nothing to translate ("%s", "%s: %s", "%d/%d") are left out: they read the same in
# every language (gettext gives back the English for a msgid it does not have).
sed -e '1,/^$/s/charset=CHARSET/charset=UTF-8/' \
    -e "1s/.*/# Vitrine's translatable strings: staff (commands, log, HUD) and visitors (card, basket, screens)./" \
    -e "2s/.*/# Written by scripts\/update_po.sh from src\/; never edited by hand./" "$tmp" |
  msggrep --no-wrap -K -E -e '[A-Za-z]{2,}' -e ' [A-Za-z]( |$)' -o "$tmp.2" -   # a word, or a unit ("%.0f s")
mv "$tmp.2" "$tmp"
if [ -n "$only" ]; then cp "$tmp" "$pot"; exit 0; fi
cp "$tmp" "$pot"

for f in "$po"/*.po; do
  lang=$(basename "$f" .po)
  if [ "$lang" = en ]; then
    # English is the source text: no fuzzy guesses, every msgstr the msgid.
    msgmerge --quiet --no-wrap --update --backup=none --no-fuzzy-matching "$f" "$pot"
    msgen --no-wrap "$f" | msgattrib --no-wrap --no-obsolete -o "$f" -
  else
    msgmerge --quiet --no-wrap --update --backup=none --previous "$f" "$pot"
  fi
  msgattrib --no-wrap --no-obsolete -o "$f" "$f"
done
echo "updated $pot and $(ls "$po"/*.po | wc -l) .po files; translate the empty and fuzzy entries (docs/languages.md)"
