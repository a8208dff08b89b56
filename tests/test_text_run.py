"""The whole program with product names in Japanese, Arabic and Hebrew (issue 16): `vitrine run`
on the demo with the catalog's names changed draws them as glyphs (the card's pixels differ from
the same names as "?", and Tesseract reads the Japanese and the Arabic back, which it could not
from boxes or from Arabic laid out left to right); `vitrine markers` prints them; `vitrine
validate` warns, naming the product and the characters, when no installed font has one."""
import json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vt_testlib import check, finish, run  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models")
JA = "ランニングシューズ"
JA_DESC = "軽量で通気性の良いランニングシューズ。リサイクル素材のメッシュアッパー。"
AR = "مصباح الطاولة"
AR_DESC = "مصباح طاولة بغطاء من الكتان وساق نحاسية على قاعدة فولاذية ثقيلة."
HE = "מנורת שולחן"


def catalog(tmp, name, texts):
    """models/ copied to tmp/name with the products' texts replaced (id -> {key: text})."""
    d = os.path.join(tmp, name)
    shutil.copytree(MODELS, d)
    path = os.path.join(d, "catalog.json")
    os.replace(os.path.join(d, "basic-shelf.json"), path)   # the basic shelf, whose ids these are
    with open(path, encoding="utf-8") as f:
        c = json.load(f)
    for p in c["products"]:
        p.update(texts.get(p["id"], {}))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(c, f, ensure_ascii=False, indent=1)
    return path


def card_frame(vitrine, cat, card, out):
    """The last frame of a short headless demo run with card's card open, and the card's rectangle."""
    log = out + ".jsonl"
    r = run([vitrine, "run", "--demo", "--headless", "--catalog", cat, "--frames", "24", "--card", card,
             "--out", out, "--layout-log", log, "--no-analytics"])
    check(r.returncode == 0, "run with %s: %d %s" % (card, r.returncode, r.stderr[-400:]))
    if r.returncode != 0:
        return None, None
    with open(log) as f:
        last = [json.loads(line) for line in f][-1]
    check(last["card"] is not None, "%s: the card is open" % card)
    im = cv2.imread(os.path.join(out, "frame_%05d.png" % last["frame"]))
    return im, [int(round(v)) for v in last["card"]] if last["card"] else None


def ocr(img, lang):
    path = tempfile.mktemp(suffix=".png")
    cv2.imwrite(path, cv2.resize(img, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))
    r = subprocess.run(["tesseract", path, "-", "-l", lang, "--psm", "6"], capture_output=True, text=True)
    os.unlink(path)
    return r.stdout


def text_part(im, rect):
    """The card's upper part: name, brand, description (above the price and the QR code)."""
    x, y, w, h = rect
    return im[y:y + int(h * 0.45), x:x + w]


def main():
    vitrine = sys.argv[1]
    if not shutil.which("tesseract"):
        print("SKIP: tesseract is not installed (scripts/setup.sh installs it)")
        sys.exit(77)
    tmp = tempfile.mkdtemp(prefix="vt_text_")
    names = {"runner-x": {"name": JA, "description": JA_DESC}, "lampe-atelier": {"name": AR, "description": AR_DESC},
             "mug-bleu": {"name": HE}}
    cat = catalog(tmp, "scripts", names)
    qcat = catalog(tmp, "questions", {k: {kk: "?" * len(vv) for kk, vv in v.items()} for k, v in names.items()})
    for card, lang, words in (("runner-x", "jpn", ["ランニング", "シューズ", "リサイクル"]),
                              ("lampe-atelier", "ara", ["مصباح", "الكتان", "نحاسية"])):
        im, rect = card_frame(vitrine, cat, card, os.path.join(tmp, card))
        qim, qrect = card_frame(vitrine, qcat, card, os.path.join(tmp, card + "-q"))
        if im is None or qim is None or not rect or not qrect:
            continue
        a, b = text_part(im, rect), text_part(qim, qrect)
        h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
        dark_a = int((cv2.cvtColor(a, cv2.COLOR_BGR2GRAY) < 128).sum())
        diff = float(np.abs(a[:h, :w].astype(int) - b[:h, :w].astype(int)).mean())
        check(dark_a > 1500, "%s: the card's text has ink (%d dark pixels)" % (card, dark_a))
        check(diff > 8, "%s: the card differs from the same names as '?' (mean difference %.1f)" % (card, diff))
        read = ocr(a, lang)
        found = [wd for wd in words if wd in read]
        check(len(found) >= 2, "%s: Tesseract (%s) reads %s back, found %r in %r" % (card, lang, words, found, read))
        read_q = ocr(b, lang)
        check(not any(wd in read_q for wd in words), "%s: not from the '?' card (%r)" % (card, read_q))
        if card == "lampe-atelier":
            # start-aligned right to left: the name's ink is against the card's right side
            g = cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)
            row = g[int(a.shape[0] * 0.05):int(a.shape[0] * 0.3), :] < 100
            cols = np.where(row.any(axis=0))[0]
            check(len(cols) and cols.max() > a.shape[1] * 0.6 and cols.min() > a.shape[1] * 0.2,
                  "the Arabic name lies right in the card (ink columns %s..%s of %d)" %
                  (cols.min() if len(cols) else None, cols.max() if len(cols) else None, a.shape[1]))

    # printed sheets: the label under each marker is glyphs, not the '?' one's
    sheets = {}
    for what, c in (("scripts", cat), ("questions", qcat)):
        out = os.path.join(tmp, "sheet-" + what)
        r = run([vitrine, "markers", c, "--out", out, "--format", "png", "--dpi", "100"])
        check(r.returncode == 0, "markers %s: %d %s" % (what, r.returncode, r.stderr))
        sheets[what] = cv2.imread(os.path.join(out, "markers-1.png"), cv2.IMREAD_GRAYSCALE)
    if sheets["scripts"] is not None and sheets["questions"] is not None:
        check(float(np.abs(sheets["scripts"].astype(int) - sheets["questions"].astype(int)).mean()) > 0.05,
              "the marker sheet's labels differ from '?' labels")
        read = ocr(cv2.cvtColor(sheets["scripts"], cv2.COLOR_GRAY2BGR), "jpn")
        check("ランニング" in read, "the sheet's Japanese label reads back: %r" % read[:300])

    # validate: characters no installed font has (Toto, U+1E290: fc-list :charset=1e290 is empty)
    r = run([vitrine, "validate", cat])
    check(r.returncode == 0 and "no installed font" not in r.stdout, "validate, every script covered: %s" % r.stdout)
    bad = catalog(tmp, "toto", {"huile-olive": {"name": "Huile \U0001E290\U0001E291"}})
    r = run([vitrine, "validate", bad])
    lines = [ln for ln in r.stdout.splitlines() if "no installed font" in ln]
    check(r.returncode == 0 and len(lines) == 1, "validate warns once: rc %d, %r" % (r.returncode, r.stdout))
    if lines:
        ln = lines[0]
        check(ln.startswith(bad + ":") and ": warning: " in ln and "huile-olive" in ln and "U+1E290" in ln
              and "U+1E291" in ln and "name" in ln, "the warning names file, line, product, key, characters: %s" % ln)
    # ... and in a translation: the warning names the language and points into the file
    bad = catalog(tmp, "toto-tr", {"huile-olive": {"translations": {"ja": {"name": "\U0001E290 \u30aa\u30a4\u30eb"}}}})
    r = run([vitrine, "validate", bad])
    lines = [ln for ln in r.stdout.splitlines() if "no installed font" in ln]
    check(r.returncode == 0 and len(lines) == 1 and "huile-olive in ja" in lines[0] and "U+1E290" in lines[0]
          and re.match(re.escape(bad) + r":\d+:\d+: warning: ", lines[0]) is not None,
          "a translation's missing font is warned with its language and place: %r" % r.stdout)
    shutil.rmtree(tmp, ignore_errors=True)
    finish("test_text_run")


main()
