#!/usr/bin/env python3
"""The visitor's language on the rendered screen, read back as pixels and by OCR (Tesseract):
in a fr_FR store the card of a product shows its French words (gettext's "Ajouter au panier",
the catalog's French name) and no English ones, the basket "2 articles"; a tap on the language selector (run --click)
and the L key (run --key) change the card's words to English, then German, with a product that
has no English falling back to its French name; the attract screen brings the store's language
back; the selector is drawn only when the catalog offers more than one language, with buttons
of at least 48 px on a 1080p frame; `validate` names a bad language tag or key with its line and
column."""
import json, os, re, shutil, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import *
import cv2
import numpy as np

vitrine = sys.argv[1]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="vt_langs_")
keep = os.environ.get("VT_KEEP_SHOTS")   # a folder: the frames looked at are copied there

if not shutil.which("tesseract"):
    check(False, "tesseract is part of the set-up (scripts/setup.sh)")
    finish("test_languages")

FRENCH = {   # id: (name, description), the store's language
    "runner-x": ("Runner X", "Chaussure de course légère, tige en maille recyclée."),
    "mug-bleu": ("Mug bleu", "Mug en grès émaillé à la main, 35 cl. Passe au lave-vaisselle."),
    "huile-olive": ("Huile d'olive", "Huile d'olive vierge extra, première pression à froid."),
    "lampe-atelier": ("Lampe Atelier", "Lampe de table, abat-jour en lin et pied en laiton."),
    "eau-de-lille": ("Eau de Lille", "Eau de parfum, notes de bergamote et de cèdre."),
    "son-nord": ("Enceinte Nord", "Enceinte Bluetooth portable, son à 360 degrés."),
}
ENGLISH = {"runner-x": "Runner X Road", "mug-bleu": "Blue mug", "lampe-atelier": "Workshop lamp",
           "eau-de-lille": "Lille water", "son-nord": "North speaker"}   # huile-olive: none, it falls back
GERMAN = {"mug-bleu": "Blaue Tasse"}


def catalog(translated=True, attract=600):
    cat = json.load(open(os.path.join(root, "models", "basic-shelf.json")))
    cat["store"] = dict(cat["store"], locale="fr_FR", attract_after_s=attract)
    for p in cat["products"]:
        p["model"] = os.path.join(root, "models", p["model"])
        p["name"], p["description"] = FRENCH[p["id"]]
        p.pop("translations", None)   # the bundled catalog's own: this test sets its own
        if not translated:
            continue
        tr = {}
        if p["id"] in ENGLISH:
            tr["en"] = {"name": ENGLISH[p["id"]], "description": "Made for visitors who read English."}
        if p["id"] in GERMAN:
            tr["de"] = {"name": GERMAN[p["id"]], "description": "Steinzeugtasse, von Hand glasiert."}
        if p["id"] == "mug-bleu":
            tr["ja"] = {"name": "青いマグ"}
        p["translations"] = tr
    return cat


def write_catalog(name, cat):
    path = os.path.join(tmp, name)
    json.dump(cat, open(path, "w"), ensure_ascii=False, indent=1)
    return path


def layout(path):
    return {d["frame"]: d for d in map(json.loads, open(path))} if os.path.exists(path) else {}


def ocr(png, box, lang, line=False):
    """The words Tesseract reads in box (x, y, w, h) of the frame, lower case, one space apart
    (line: one line of text, such as a button)."""
    im = cv2.imread(png)
    if im is None or not box:
        return ""
    x, y, w, h = (int(round(v)) for v in box)
    crop = cv2.cvtColor(im[max(y, 0):y + h, max(x, 0):x + w], cv2.COLOR_BGR2GRAY)
    crop = cv2.resize(crop, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)   # 15 px captions read better at 30
    if line and crop.mean() < 128:
        crop = 255 - crop   # white on the accent: Tesseract reads dark on light
    path = os.path.join(tmp, "ocr.png")
    cv2.imwrite(path, crop)
    r = run(["tesseract", path, "-", "-l", lang] + (["--psm", "7"] if line else []), timeout=DEADLINE)
    return " ".join(r.stdout.lower().split())


def shot(png, name):
    if keep and os.path.exists(png):
        os.makedirs(keep, exist_ok=True)
        shutil.copy(png, os.path.join(keep, name))


def frame_png(out, i):
    return os.path.join(out, "frame_%05d.png" % i)


def centre(b):
    return "%.0f,%.0f" % (b[0] + b[2] / 2, b[1] + b[3] / 2)


# --- 1. French store: the card in French; a tap on "English", then L twice (English -> German) ---
fr = write_catalog("fr.json", catalog())
log0 = os.path.join(tmp, "probe.jsonl")
r = run([vitrine, "run", "--demo", "--catalog", fr, "--headless", "--frames", "1", "--no-tour", "--no-analytics",
         "--layout-log", log0, "--out", "-"])
check(r.returncode == 0, "run exit %d: %s" % (r.returncode, r.stderr[-300:]))
probe = layout(log0).get(0, {})
buttons = {b["lang"]: b["button"] for b in probe.get("languages", [])}
print("selector: %s" % buttons)
check(list(buttons) == ["fr", "en", "de", "ja"], "the selector offers the store's language, then each translated to: %s"
      % list(buttons))
check(probe.get("language") == "fr", "a fr_FR store starts in French: %s" % probe.get("language"))

if "en" in buttons:
    out, log = os.path.join(tmp, "switch"), os.path.join(tmp, "switch.jsonl")
    r = run([vitrine, "run", "--demo", "--catalog", fr, "--headless", "--frames", "30", "--no-tour", "--no-analytics",
             "--card", "mug-bleu", "--key", "4:B", "--key", "5:B", "--click", "12:" + centre(buttons["en"]), "--key", "20:L", "--layout-log", log,
             "--out", out])
    check(r.returncode == 0, "run --click --key exit %d: %s" % (r.returncode, r.stderr[-300:]))
    check("visitor language: en" in r.stderr, "staff get a note when the language changes: %s" % r.stderr[-300:])
    L = layout(log)
    langs = [L.get(i, {}).get("language") for i in (11, 12, 19, 20, 29)]
    check(langs == ["fr", "en", "en", "de", "de"], "the tap picks English at frame 12, L German at 20: %s" % langs)
    for frame, lang, want, unwanted in (
            (11, "fra", ["ajouter au panier", "scanner pour acheter", "mug bleu", "grès"],
             ["add to basket", "scan to buy", "read more", "blue mug"]),
            (19, "eng", ["add to basket", "scan to buy", "or to read more", "blue mug", "read english"],
             ["ajouter", "panier", "scanner", "mug bleu"]),
            (29, "eng", ["in den warenkorb", "blaue tasse", "von hand"], ["add to basket", "ajouter", "blue mug"])):
        text = ocr(frame_png(out, frame), L.get(frame, {}).get("card"), lang)
        print("card at frame %d (%s): %r" % (frame, L.get(frame, {}).get("language"), text))
        for w in want:
            check(w in text, "frame %d: the card shows %r" % (frame, w))
        for w in unwanted:
            check(w not in text, "frame %d: the card does not show %r" % (frame, w))
    baskets = [ocr(frame_png(out, i), L.get(i, {}).get("basket"), "fra+eng", line=True) for i in (11, 19, 29)]
    print("basket: %r" % baskets)
    for got, want in zip(baskets, ("2 articles", "2 items", "2 artikel")):
        check(want in got, "the basket says %r (read %r)" % (want, got))
    shot(frame_png(out, 11), "card-fr.png")
    shot(frame_png(out, 19), "card-en.png")
    shot(frame_png(out, 29), "card-de.png")
    # huile-olive has no English: in English its tag still reads its French name.
    tag = [p["tag"] for p in L.get(19, {}).get("products", []) if p["id"] == "huile-olive"]
    text = ocr(frame_png(out, 19), tag[0] if tag else None, "eng")
    print("huile-olive's tag in English: %r" % text)
    check("huile" in text, "a product without English falls back to its French name")

# --- 2. The attract screen brings the store's language back ---
sheet = cv2.imread(os.path.join(root, "markers", "markers-1.png"))
W, H = 1280, 720
marks = np.full((H, W, 3), 205, np.uint8)
s = min(W / sheet.shape[1], H / sheet.shape[0]) * 0.98
small = cv2.resize(sheet, (int(sheet.shape[1] * s), int(sheet.shape[0] * s)), interpolation=cv2.INTER_AREA)
y0, x0 = (H - small.shape[0]) // 2, (W - small.shape[1]) // 2
marks[y0:y0 + small.shape[0], x0:x0 + small.shape[1]] = small
video = os.path.join(tmp, "attract.avi")
wr = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"MJPG"), 30, (W, H))
for i in range(105):   # markers, nothing for 1.5 s (the attract screen after 0.8 s), markers again
    wr.write(np.full((H, W, 3), 205, np.uint8) if 30 <= i < 75 else marks)
wr.release()
fa = write_catalog("attract.json", catalog(attract=0.8))
out, log = os.path.join(tmp, "attract"), os.path.join(tmp, "attract.jsonl")
r = run([vitrine, "run", "--video", video, "--catalog", fa, "--headless", "--no-analytics", "--key", "5:L",
         "--key", "90:1", "--layout-log", log, "--out", out])
check(r.returncode == 0, "run over the attract video exit %d: %s" % (r.returncode, r.stderr[-300:]))
L = layout(log)
langs = [L.get(i, {}).get("language") for i in (4, 5, 29, 60, 80, 104)]
check(langs == ["fr", "en", "en", "fr", "fr", "fr"], "English after L, French again from the attract screen: %s" % langs)
check(L.get(60, {}).get("languages") == [], "no selector over the attract screen")
check(len(L.get(80, {}).get("languages", [])) == 4, "the selector is back with the products")
text = ocr(frame_png(out, 104), L.get(104, {}).get("card"), "fra")
print("card after the attract screen: %r" % text)
check("ajouter au panier" in text and "add to basket" not in text, "the next visitor's card is in French again")
shot(frame_png(out, 104), "card-after-attract.png")

# --- 3. The selector only when there is a choice; touch-sized on a 1080p frame ---
one = write_catalog("one.json", catalog(translated=False))
logs = {}
for name, path in (("one", one), ("many", fr)):
    logs[name] = os.path.join(tmp, name + ".jsonl")
    r = run([vitrine, "run", "--demo", "--demo-size", "1920x1080", "--catalog", path, "--headless", "--frames", "1",
             "--no-tour", "--no-analytics", "--layout-log", logs[name], "--out", os.path.join(tmp, name)])
    check(r.returncode == 0, "%s: run exit %d: %s" % (name, r.returncode, r.stderr[-300:]))
many = layout(logs["many"]).get(0, {}).get("languages", [])
check(layout(logs["one"]).get(0, {}).get("languages") == [], "one language: no selector in the layout")
heights = [b["button"][3] for b in many]
print("1080p selector buttons: %s" % [b["button"] for b in many])
check(len(many) == 4 and min(heights) >= 48, "buttons at least 48 px tall at 1080p: %s" % heights)
check(many and min(b["button"][2] for b in many) >= 48, "and at least 48 px wide")
if many:
    x = int(min(b["button"][0] for b in many)); y = int(min(b["button"][1] for b in many))
    x1 = int(max(b["button"][0] + b["button"][2] for b in many)); y1 = int(max(b["button"][1] + b["button"][3] for b in many))
    def accent(name):   # the current language's button is filled with the accent blue (23, 92, 222)
        im = cv2.imread(frame_png(os.path.join(tmp, name), 0))
        if im is None:
            return -1
        d = np.abs(im[y:y1, x:x1].astype(int) - np.array([222, 92, 23])).sum(axis=2)
        return int(np.count_nonzero(d < 40))
    a_many, a_one = accent("many"), accent("one")
    print("accent pixels where the selector goes: %d with four languages, %d with one" % (a_many, a_one))
    check(a_many > 3000 and a_one < 50, "the selector is drawn with several languages only (%d, %d)" % (a_many, a_one))
    names = [ocr(frame_png(os.path.join(tmp, "many"), 0), b["button"], "fra", line=True) for b in many]
    print("selector's buttons read: %r" % names)
    for got, want in zip(names, ("français", "english", "deutsch")):
        check(got == want, "the selector names %r in its own language (read %r)" % (want, got))
    shot(frame_png(os.path.join(tmp, "many"), 0), "selector-1080p.png")

# --- 4. validate: a bad tag, an unknown key, a number, an empty text, with line and column ---
bad = catalog()
bad["products"][1]["translations"] = {"xx": {"name": "?"}, "fr-XX": {"name": "?"},
                                      "en": {"nmae": "Blue mug", "description": 4, "brand": ""}}
text = json.dumps(bad, ensure_ascii=False, indent=1)
path = os.path.join(tmp, "bad.json")
open(path, "w").write(text)
r = run([vitrine, "validate", path])
print("validate: rc %d\n%s" % (r.returncode, r.stdout + r.stderr))
check(r.returncode != 0, "validate fails on bad translations")
def at(token, part):
    """line:column of part of the first token in the file (the key, or the value it is about)."""
    i = text.index(token) + token.index(part)
    return "%d:%d" % (text.count("\n", 0, i) + 1, i - (text.rfind("\n", 0, i) + 1) + 1)
said = r.stdout + r.stderr
for token, part, msg in (('"xx"', '"xx"', 'unknown language "xx"'), ('"fr-XX"', '"fr-XX"', 'unknown region "XX"'),
                         ('"nmae"', '"nmae"', 'did you mean "name"'), ('"description": 4', "4", "description must be a string"),
                         ('"brand": ""', '""', "brand is empty")):
    want = "%s:%s: error: " % (path, at(token, part))
    line = [l for l in said.splitlines() if msg in l]
    check(line and line[0].startswith(want), "validate says %r at %s: %s" % (msg, want, line))
warn = catalog()
warn["store"]["languages"] = ["fr", "en", "it"]
r = run([vitrine, "validate", write_catalog("warn.json", warn)])
check(r.returncode == 0 and 'no "it" translation' in r.stdout + r.stderr,
      "a language store.languages offers and a product lacks: a warning, not an error: %s" % (r.stdout + r.stderr)[-300:])

shutil.rmtree(tmp, ignore_errors=True)
finish("test_languages")
