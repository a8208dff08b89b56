#!/usr/bin/env python3
"""vitrine stats on the store's clock (issue 16): a real analytics database (made by a demo run,
its events replaced by known ones) read with a Europe/Paris and an America/New_York catalog,
--utc, --timezone and the machine's zone. Every expected day and hour is computed here with
Python's zoneinfo (not ICU); the table's dates and hours are compared with PyICU's formatting of
the same skeletons; its columns are measured with unicodedata's East Asian Width. validate and
stats refuse an unknown zone with the file, line and column."""
import csv, io, json, os, re, shutil, sqlite3, subprocess, sys, tempfile, unicodedata
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import icu

vitrine = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="vt_stats_time_")
ENV = dict(os.environ, LC_ALL="C.UTF-8", TZ="UTC")
ENV.pop("LANGUAGE", None)


def vt(*args, env=ENV):
    r = subprocess.run([vitrine] + list(args), capture_output=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")   # strict: a cut character fails here


# --- a real database: a demo run's schema and session, then known events --------------------
db = os.path.join(tmp, "shop.sqlite")
rc, _, err = vt("run", "--demo", "--headless", "--demo-size", "320x180", "--frames", "1", "--out", "-", "--analytics", db)
check(rc == 0, "demo run: %s" % err[-300:])
NAMES = {"cafe": "Café crème", "brulee": "Cre\u0300me bru\u0302le\u0301e", "jp": "ランニングシューズ", "ar": "مصباح الطاولة",
         "long": "Un nom de produit vraiment très long qui dépasse",
         "jplong": "ランニングシューズ・プロフェッショナル・エディション"}
EVENTS = [  # (UTC, product)
    ("2026-11-30T23:30:00.000Z", "cafe"),      # Paris: 1 Dec, 00:30
    ("2026-03-29T00:30:00.000Z", "jp"),        # Paris: 01:30 CET, the night clocks go forward
    ("2026-03-29T01:30:00.000Z", "ar"),        # Paris: 03:30 CEST (02:00-03:00 does not exist)
    ("2026-03-29T22:30:00.000Z", "long"),      # Paris: 30 Mar, 00:30 CEST (a fixed +1 would say 29 Mar 23:30)
    ("2026-10-25T00:30:00.000Z", "brulee"),    # Paris: 02:30 CEST, the night clocks go back ...
    ("2026-10-25T01:30:00.000Z", "jplong"),    # ... and 02:30 CET: the same hour twice
    ("2026-03-08T06:30:00.000Z", "cafe"),      # New York: 01:30 EST
    ("2026-03-08T07:30:00.000Z", "jp"),        # New York: 03:30 EDT
]
con = sqlite3.connect(db)
con.execute("DELETE FROM events")
for ts, pid in EVENTS:
    con.execute("INSERT INTO events (session_id, ts_utc, type, product_id, product_name) VALUES (1, ?, 'product_found', ?, ?)",
                (ts, pid, NAMES[pid]))
con.execute("INSERT INTO events (session_id, ts_utc, type, product_id, product_name, dwell_seconds) VALUES"
            " (1, '2026-11-30T23:31:00.000Z', 'product_lost', 'cafe', ?, 12.5)", (NAMES["cafe"],))
con.commit()
con.close()


def catalog(name, tz, locale):
    path = os.path.join(tmp, name)
    store = {"name": "T", "locale": locale, "currency": "EUR"}
    if tz: store["timezone"] = tz
    json.dump({"version": 1, "store": store, "products": []}, open(path, "w"))
    return path


paris, ny = catalog("paris.json", "Europe/Paris", "fr_FR"), catalog("ny.json", "America/New_York", "en_US")
no_zone = catalog("nozone.json", None, "fr_FR")


def iso(local):
    off = local.utcoffset()
    m = int(off.total_seconds() // 60)
    return local.strftime("%Y-%m-%dT%H:%M") + "%s%02d:%02d" % ("-" if m < 0 else "+", abs(m) // 60, abs(m) % 60)


def expected(zone):
    """Day and hour keys with their finds, by zoneinfo (Python's own tz code and data)."""
    z = ZoneInfo(zone)
    days, hours = {}, {}
    for ts, _ in EVENTS:
        u = datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.000Z").replace(tzinfo=timezone.utc)
        t = u.astimezone(z)
        h = iso((u - timedelta(minutes=t.minute, seconds=t.second)).astimezone(z))   # in UTC: keeps a repeated hour apart
        d = iso(datetime(t.year, t.month, t.day, tzinfo=z))
        hours[h] = hours.get(h, 0) + 1
        days[d] = days.get(d, 0) + 1
    return days, hours


def csv_keys(*args):
    rc, out, err = vt("stats", db, "--csv", *args)
    check(rc == 0, "stats --csv %r: %s" % (args, err))
    rows = list(csv.reader(io.StringIO(out, newline="")))
    get = lambda sec: {r[1]: int(r[3]) for r in rows if r and r[0] == sec}
    return get("day"), get("hour"), rows


# --- 1. the zone's days and hours, DST included ------------------------------------------------
for args, zone in ((["--catalog", paris], "Europe/Paris"), (["--catalog", ny], "America/New_York"), (["--utc"], "UTC"),
                   (["--catalog", paris, "--utc"], "UTC"), (["--timezone", "Asia/Tokyo"], "Asia/Tokyo")):
    days, hours, rows = csv_keys(*args)
    want_d, want_h = expected(zone)
    check(days == want_d, "%s: days %r, want %r" % (zone, days, want_d))
    check(hours == want_h, "%s: hours %r, want %r" % (zone, hours, want_h))
    check(all(len(r) == len(rows[0]) for r in rows if r), "%s: every CSV row has every column" % zone)
days, hours, _ = csv_keys("--catalog", paris)
check(hours.get("2026-12-01T00:00+01:00") == 1 and "2026-11-30T00:00+01:00" not in days and
      days.get("2026-12-01T00:00+01:00") == 1, "Paris: 23:30 UTC on 30 Nov is 1 Dec, 00:00 hour: %r" % hours)
check("2026-03-29T01:00+01:00" in hours and "2026-03-29T03:00+02:00" in hours and
      not any(k.startswith("2026-03-29T02") for k in hours), "Paris, 29 Mar: 01:00 then 03:00 (%r)" % sorted(hours))
check("2026-10-25T02:00+02:00" in hours and "2026-10-25T02:00+01:00" in hours, "Paris, 25 Oct: 02:00 twice")
check("2026-03-30T00:00+02:00" in hours, "Paris: 22:30 UTC on 29 Mar is 30 Mar, 00:00 (CEST)")
days, hours, _ = csv_keys("--utc")
check(hours.get("2026-11-30T23:00+00:00") == 1 and days.get("2026-11-30T00:00+00:00") == 1, "--utc: 23:00 on 30 Nov")
days, hours, _ = csv_keys("--catalog", ny)
check("2026-03-08T01:00-05:00" in hours and "2026-03-08T03:00-04:00" in hours, "New York, 8 Mar: EST then EDT")

rc, out, err = vt("stats", db, "--json", "--catalog", paris)
s = json.loads(out) if rc == 0 else {}
dh = {d["day"]: d["hours"] for d in s.get("days", [])}
check(s.get("time_zone") == "Europe/Paris" and dh.get("2026-03-29") == 23 and dh.get("2026-10-25") == 25 and
      dh.get("2026-12-01") == 24, "JSON: the zone, days of 23, 25 and 24 hours: %r" % dh)
h0 = [h for h in s.get("hours", []) if h["start"] == "2026-12-01T00:00+01:00"]
check(len(h0) == 1 and h0[0]["hour"] == 0 and h0[0]["day"] == "2026-12-01" and h0[0]["dwell_seconds"] == 12.5,
      "JSON hour: %r" % h0)

# --- 2. the machine's zone when the catalog has none ---------------------------------------
for cat_args in ([], ["--catalog", no_zone]):
    rc, out, err = vt("stats", db, *cat_args, env=dict(ENV, TZ="America/New_York"))
    check(rc == 0 and out.startswith("times in America/New_York (the machine's time zone"), "machine's zone: %r" % out[:120])
    days, hours, _ = csv_keys(*cat_args)   # TZ=UTC here
    check(hours == expected("UTC")[1], "machine's zone UTC: %r" % hours)

# --- 3. --from/--to are days on the store's clock ------------------------------------------
days, hours, _ = csv_keys("--catalog", paris, "--from", "2026-12-01", "--to", "2026-12-01")
check(list(hours) == ["2026-12-01T00:00+01:00"], "Paris, --from/--to 1 Dec: the 23:30 UTC event (%r)" % hours)
days, hours, _ = csv_keys("--utc", "--from", "2026-12-01", "--to", "2026-12-01")
check(hours == {}, "--utc, 1 Dec: nothing (%r)" % hours)
days, hours, _ = csv_keys("--catalog", paris, "--from", "2026-03-29", "--to", "2026-03-29")
check(sorted(hours) == ["2026-03-29T01:00+01:00", "2026-03-29T03:00+02:00"], "Paris, 29 Mar only: %r" % hours)


# --- 4. the table: columns by display width, dates as ICU writes them ----------------------
def width(s):
    """Terminal columns, by unicodedata alone: marks and format characters 0, Wide/Fullwidth 2."""
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf") else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)


def icu_format(locale, zone, skeleton, utc):
    loc = icu.Locale(locale)
    f = icu.SimpleDateFormat(icu.DateTimePatternGenerator.createInstance(loc).getBestPattern(skeleton), loc)
    f.setTimeZone(icu.TimeZone.createTimeZone(zone))
    ms = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
    return f.format(ms)   # PyICU takes UDate in seconds


def sections(out):
    return [b.split("\n") for b in out.strip("\n").split("\n\n")]


for cat, zone, locale in ((paris, "Europe/Paris", "fr_FR"), (ny, "America/New_York", "en_US")):
    rc, out, err = vt("stats", db, "--catalog", cat)
    check(rc == 0, "table %s: %s" % (zone, err))
    print(out)
    secs = sections(out)
    check(secs[0][0].startswith("times in %s (store.timezone in %s); dates as %s" % (zone, cat, locale)), "header: %r" % secs[0])
    prod, day_t, hour_t = secs[1], secs[2], secs[3]
    check(len(prod) == 1 + len(NAMES) and all(width(l) == width(prod[0]) for l in prod),
          "%s: every product line as wide as the header: %r" % (zone, [(width(l), l) for l in prod]))
    for l in prod[1:]:
        m = re.match(r"^(.*?) +(\d+) +", l)
        cut = width(l[:m.end(2)]) if m else -1
        check(cut == 24 + 1 + 7, "%s: 'found' ends at column 32 on %r (%d)" % (zone, l, cut))
        full = [n for n in NAMES.values() if n == m.group(1)] if m else []
        check(full or (m and m.group(1).endswith("…") and any(n.startswith(m.group(1)[:-1]) for n in NAMES.values())),
              "%s: a name whole, or cut between characters with an ellipsis: %r" % (zone, l))
    check(any(l.startswith("Un nom de produit vraim…") for l in prod), "the long name ellipsised at 23 columns + …")
    for t in (day_t, hour_t):
        check(all(width(l) == width(t[0]) for l in t), "%s: table lines of one width: %r" % (zone, [(width(l), l) for l in t]))
    # Dates and hours as ICU writes these skeletons (generated here by PyICU).
    first = "2026-11-30T23:30:00Z"
    dlabel, hlabel = icu_format(locale, zone, "yMMMEd", first), icu_format(locale, zone, "jmm", first)
    day_start = iso(datetime.strptime(first, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).astimezone(ZoneInfo(zone)))
    check(any(l.startswith(dlabel + " ") for l in day_t), "%s: day %r in %r" % (zone, dlabel, day_t))
    row = [l for l in hour_t if l.startswith(dlabel + " ")]
    hl = icu_format(locale, zone, "jmm", first[:14] + "00:00Z")
    check(any(hl in l for l in row), "%s: hour %r in %r" % (zone, hl, row))
    print("%s: day %r hour %r (ICU %s)" % (zone, dlabel, hl, icu.ICU_VERSION))
paris_out = vt("stats", db, "--catalog", paris)[1]
check(icu_format("fr_FR", "Europe/Paris", "yMMMEd", "2026-12-01T00:00:00Z") in paris_out and "00:00" in paris_out,
      "fr_FR: 1 Dec written the French way")
check(re.search(r"^%s \(23 h\) " % re.escape(icu_format("fr_FR", "Europe/Paris", "yMMMEd", "2026-03-29T12:00:00Z")),
                paris_out, re.M), "the 23-hour day says so")
# Over several days, the hours of the day summed: Paris's 00:00 hour saw 1 Dec 00:30 and 30 Mar 00:30.
hod = [sec for sec in sections(paris_out) if sec[0] == "hour of the day, all days"]
zero = [l for l in (hod[0] if hod else []) if l.startswith("00:00 ")]
check(len(zero) == 1 and zero[0].split()[1] == "2", "hour of the day: 00:00 found twice over the days: %r" % hod)
check(hod and all(width(l) == width(hod[0][1]) for l in hod[0][1:]), "hour of the day: lines of one width: %r" % hod)
o1, o2 = (icu_format("fr_FR", "Europe/Paris", "jmmO", t) for t in ("2026-10-25T00:00:00Z", "2026-10-25T01:00:00Z"))
check(o1 != o2 and o1 in paris_out and o2 in paris_out, "the repeated 02:00 shows its offsets: %r %r" % (o1, o2))

# --- 5. an unknown zone: validate and stats say where --------------------------------------
bad = os.path.join(tmp, "bad.json")
text = '{"version": 1,\n "store": {"name": "T", "locale": "fr_FR",\n            "timezone": "Europe/Pariss"},\n "products": []}\n'
open(bad, "w").write(text)
line = 3
col = text.split("\n")[2].index('"Europe/Pariss"') + 1
rc, out, err = vt("validate", bad)
check(rc != 0 and ("%s:%d:%d: error:" % (bad, line, col)) in out + err and 'did you mean "Europe/Paris"' in out + err,
      "validate: %d %r" % (rc, out + err))
rc, out, err = vt("stats", db, "--catalog", bad)
check(rc != 0 and ("%s:%d:%d:" % (bad, line, col)) in err and out == "", "stats --catalog bad: %d %r" % (rc, err))
rc, out, err = vt("stats", db, "--timezone", "Mars/Olympus")
check(rc == 2 and "Mars/Olympus" in err and out == "", "--timezone unknown: %d %r" % (rc, err))
rc, out, err = vt("validate", paris)
check(rc == 0 and "timezone" not in out + err, "a known zone is no unknown key: %r" % (out + err))

shutil.rmtree(tmp)
finish("test_stats_time")
