#!/usr/bin/env python3
"""Prices as CLDR writes them: a table of locale/currency pairs and values written by Vitrine's
vt_format_price (tests/price_table.c) equals ICU's own output, made here independently with
python3-icu on the same ICU; `vitrine validate` refuses a locale or currency CLDR and ISO 4217 do
not know (one line at its file:line:col) and warns of a price its currency's digits change; a
running display keeps its last good catalog when an edit names an unknown locale or currency."""
import json, os, signal, subprocess, sys, tempfile
from decimal import Decimal
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import icu

vitrine = sys.argv[1]
table_exe = os.environ.get("VT_PRICE_TABLE") or os.path.join(os.path.dirname(vitrine), "tests", "price_table")
repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
mug = os.path.join(repo, "models", "mug.glb")
tmp = tempfile.mkdtemp(prefix="vt_prices_")

# --- the same ICU on both sides, or the comparison means nothing ---
c_icu = run([table_exe, "--icu-version"]).stdout.strip()
print("ICU: Vitrine %s, python3-icu %s (PyICU %s)" % (c_icu, icu.ICU_VERSION, icu.VERSION))
check(c_icu == icu.ICU_VERSION, "Vitrine and python3-icu run on the same ICU (%s, %s)" % (c_icu, icu.ICU_VERSION))

PAIRS = [("de_CH", "CHF"), ("en_IN", "INR"), ("sv_SE", "SEK"), ("fr_FR", "EUR"), ("ja_JP", "JPY"), ("en_US", "USD"),
         ("de_DE", "EUR"), ("nl_NL", "EUR"), ("es_ES", "EUR"), ("it_IT", "EUR"), ("ar_EG", "EGP"), ("hi_IN", "INR"),
         ("pt_BR", "BRL"), ("zh_CN", "CNY"), ("ko_KR", "KRW"), ("pl_PL", "PLN"), ("tr_TR", "TRY"), ("ru_RU", "RUB"),
         ("en_GB", "GBP"), ("fr_CH", "CHF"), ("de_AT", "EUR"), ("nb_NO", "NOK"), ("da_DK", "DKK"), ("he_IL", "ILS"),
         ("ar_SA", "SAR"), ("th_TH", "THB"), ("ar_KW", "KWD"), ("en_KW", "KWD"), ("fr_CA", "CAD"), ("en_US", "EUR"),
         ("ja_JP", "USD"), ("es_419", "USD"), ("zh_Hant_TW", "TWD"), ("fa_IR", "IRR")]
VALUES = ["0", "1", "89.99", "1234567.89", "1299.5", "0.5", "19.999", "1.0005", "1000000000"]


def icu_format(loc, cur, value):
    f = icu.NumberFormat.createCurrencyInstance(icu.Locale(loc))
    f.setCurrency(cur)
    return f.format(float(value)), f.getMaximumFractionDigits()


def vitrine_table(lines):
    r = subprocess.run([table_exe], input="".join(lines), capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, "price_table ran: %d %s" % (r.returncode, r.stderr[-300:]))
    out = {}
    for row in r.stdout.splitlines():
        key, text, rounds = row.split("\t")
        out[key] = (text, int(rounds))
    return out


# --- the table ---
lines = ["%s %s %s\n" % (loc, cur, v) for loc, cur in PAIRS for v in VALUES]
got = vitrine_table(lines)
same = differ = 0
for loc, cur in PAIRS:
    for v in VALUES:
        want, digits = icu_format(loc, cur, v)
        text, rounds = got.get("%s %s %s" % (loc, cur, v), ("<missing>", -1))
        if text == want:
            same += 1
        else:
            differ += 1
            check(False, "%s %s %s: Vitrine %r, ICU %r" % (loc, cur, v, text, want))
        # Whether the currency's digits change the value, worked out here with decimal arithmetic.
        more = Decimal(v).normalize().as_tuple().exponent < -digits
        check(rounds == int(more), "%s %s %s: rounds %d, want %d (%d digits)" % (loc, cur, v, rounds, more, digits))
print("table: %d locale/currency pairs x %d values: %d equal to ICU's, %d differ" % (len(PAIRS), len(VALUES), same, differ))
for loc, cur in PAIRS:
    print("  %-11s %s  %s" % (loc, cur, got["%s %s 1234567.89" % (loc, cur)][0]))
check(len(PAIRS) >= 24 and same == len(PAIRS) * len(VALUES), "every price as ICU writes it")

# What CLDR writes, spelled out: both sides falling back to root's "¤ 1,234,567.89" would agree too.
SPELLED = {("de_CH", "CHF", "1234567.89"): "CHF\u00a01\u2019234\u2019567.89",
           ("en_IN", "INR", "1234567.89"): "\u20b912,34,567.89",
           ("sv_SE", "SEK", "1234567.89"): "1\u00a0234\u00a0567,89\u00a0kr",
           ("fr_FR", "EUR", "1234567.89"): "1\u202f234\u202f567,89\u00a0\u20ac",
           ("ja_JP", "JPY", "1299.5"): "\uffe51,300",
           ("ar_KW", "KWD", "1.0005"): None, ("en_KW", "KWD", "89.99"): "KWD\u00a089.990",
           ("ar_EG", "EGP", "1234567.89"): None}
more = vitrine_table(["%s %s %s\n" % k for k in SPELLED])
for k, want in SPELLED.items():
    text = more["%s %s %s" % k][0]
    if want is not None:
        check(text == want, "%s %s %s: %r, CLDR writes %r" % (k + (text, want)))
eg = more["ar_EG EGP 1234567.89"][0]
check(all(("\u0660" <= ch <= "\u0669") for ch in eg if ch.isdigit()) and any(ch.isdigit() for ch in eg),
      "ar_EG writes Arabic-Indic digits: %r" % eg)

# Past what a tag can show, or not a number: the symbol where the locale puts it, a dash for the number.
dash = vitrine_table(["fr_FR EUR nan\n", "en_US USD inf\n", "de_CH CHF 1e20\n", "ja_JP JPY 1e15\n", "en_IN INR -inf\n"])
for key, want in [("fr_FR EUR nan", "\u2014\u00a0\u20ac"), ("en_US USD inf", "$\u2014"), ("de_CH CHF 1e20", "CHF\u00a0\u2014"),
                  ("ja_JP JPY 1e15", "\uffe5\u2014"), ("en_IN INR -inf", "\u20b9\u2014")]:
    check(dash[key][0] == want, "%s: %r, want %r" % (key, dash[key][0], want))

# --- validate ---
def catalog(locale, currency, price=12.5, promo=None, model=True):
    p = {"id": "runner-x", "marker": 1, "name": "Runner X", "price": price}
    if promo is not None:
        p["promo_price"] = promo
    if model:
        p["model"] = mug
    text = json.dumps({"version": 1, "store": {"name": "S", "locale": locale, "currency": currency},
                       "products": [p]}, indent=1, ensure_ascii=False)
    return text


def where(text, needle):
    i = text.index(needle)
    return text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1


def validate(name, text):
    path = os.path.join(tmp, name + ".json")
    open(path, "w").write(text)
    r = run([vitrine, "validate", path], timeout=120)
    return path, r.returncode, r.stdout.splitlines(), r.stderr


for name, loc, cur, needle, what in [
        ("xx_YY", "xx_YY", "EUR", '"xx_YY"', 'store.locale "xx_YY" is not a CLDR locale: unknown language "xx"'),
        ("fr_XX", "fr_XX", "EUR", '"fr_XX"', 'store.locale "fr_XX" is not a CLDR locale: unknown region "XX"'),
        ("en_US_FOO", "en_US_FOO", "USD", '"en_US_FOO"', 'unknown variant "FOO"'),
        ("codeset", "fr_FR.UTF-8", "EUR", '"fr_FR.UTF-8"', "not a locale name"),
        ("EURO", "fr_FR", "EURO", '"EURO"', 'store.currency "EURO" is not a current ISO 4217 currency'),
        ("XYZ", "fr_FR", "XYZ", '"XYZ"', 'store.currency "XYZ" is not a current ISO 4217 currency: not an ISO 4217'),
        ("HRK", "hr_HR", "HRK", '"HRK"', "no country's money today"),
        ("XAU", "fr_FR", "XAU", '"XAU"', "no country's money today"),
        ("eur", "fr_FR", "eur", '"eur"', 'did you mean "EUR"?')]:
    text = catalog(loc, cur)
    path, rc, out, err = validate(name, text)
    l, c = where(text, needle)
    errors = [x for x in out if ": error: " in x]
    check(rc == 1 and len(errors) == 1 and errors[0].startswith("%s:%d:%d: error: " % (path, l, c)) and what in errors[0],
          "%s: exit %d, want 1 and one error at %d:%d with %r: %r" % (name, rc, l, c, what, out))
    print("%s -> %s" % (name, errors[0][len(tmp) + 1:] if errors else out))

for name, loc, cur in [("de_CH", "de_CH", "CHF"), ("de-CH", "de-CH", "CHF"), ("es_419", "es_419", "USD"),
                       ("zh-Hant-TW", "zh-Hant-TW", "TWD"), ("ar_EG", "ar_EG", "EGP")]:
    path, rc, out, err = validate(name, catalog(loc, cur, 1234567.89, 999.95))
    check(rc == 0 and out == [], "%s: a good catalog: exit %d, nothing said: %r %s" % (name, rc, out, err[-200:]))
    check("OK" in err, "%s: validate says OK: %r" % (name, err[-200:]))

# A price the currency's digits change: a warning with the product, the value and how it shows.
text = catalog("ja_JP", "JPY", 1299.5, 999.25)
path, rc, out, err = validate("jpy", text)
shown = icu_format("ja_JP", "JPY", "1299.5")[0]
l, c = where(text, "1299.5")
want = "%s:%d:%d: warning: runner-x: price 1299.5 JPY shows as %s: JPY has no minor unit" % (path, l, c, shown)
check(rc == 0 and want in out, "JPY 1299.5: exit %d, want %r in %r" % (rc, want, out))
l, c = where(text, "999.25")
shown = icu_format("ja_JP", "JPY", "999.25")[0]
want = "%s:%d:%d: warning: runner-x: promo_price 999.25 JPY shows as %s: JPY has no minor unit" % (path, l, c, shown)
check(want in out, "JPY promo 999.25: want %r in %r" % (want, out))
print("jpy -> %s" % [x[len(tmp) + 1:] for x in out])
path, rc, out, err = validate("kwd", catalog("ar_KW", "KWD", 12.3456))
check(rc == 0 and any("price 12.3456 KWD shows as" in x and "KWD has 3 decimal digits" in x for x in out), "KWD: %r" % out)
path, rc, out, err = validate("kwd-ok", catalog("ar_KW", "KWD", 12.345))
check(rc == 0 and out == [], "KWD 12.345 shows every digit: %r" % out)

# --- hot reload: an unknown locale or currency keeps the last good catalog ---
live = os.path.join(tmp, "live.json")
def save(text):   # as editors do: a new file renamed over the old one
    open(live + ".tmp", "w").write(text)
    os.replace(live + ".tmp", live)
save(catalog("ja_JP", "JPY", 1299.5, model=False))
p = Watched([vitrine, "run", "--demo", "--demo-size", "320x180", "--headless", "--out", "-", "--catalog", live,
             "--frames", "1000000", "--no-analytics", "--report-every", "0.5"], env=dict(os.environ, VITRINE_LOG="info"))
check(p.wait_for(lambda ls: any("shows as" in x for x in ls)), "the rounding warning is logged at load: %r" % p.lines[-3:])
# Frames are being drawn (the catalog's watch is set up before the first).
check(p.wait_for(lambda ls: any("report:" in x for x in ls)), "the run draws frames: %r" % p.lines[-3:])
for bad, what in [(catalog("xx_YY", "JPY", 10, model=False), 'unknown language "xx"'),
                  (catalog("ja_JP", "XYZ", 10, model=False), 'store.currency "XYZ"')]:
    n = len(p.lines)
    save(bad)
    check(p.wait_for(lambda ls: any("not reloaded" in x and what in x for x in ls[n:])),
          "an edit with %s is not reloaded, the last good catalog stays: %r" % (what, p.lines[n:]))
n = len(p.lines)
save(catalog("de_CH", "CHF", 10, model=False))
check(p.wait_for(lambda ls: any("reloaded" in x and "not reloaded" not in x for x in ls[n:])),
      "a good edit is reloaded: %r" % p.lines[n:])
p.proc.send_signal(signal.SIGTERM)
rc, err = p.finish()
check(rc == 0, "the run went on and stopped cleanly: %d %s" % (rc, err[-300:]))

finish("test_prices")
