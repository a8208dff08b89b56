'use strict';
/* console_e2e.js — the web console end to end, in a real browser (Debian's Chromium, headless,
 * driven by puppeteer-core), against a running `vitrine run --console`: what a retailer does
 * through the pages, checked on what the display renders (its --layout-log: one JSON line per
 * frame with each tag's name and price as written on screen).
 *
 * Run by tests/test_console_browser.py, which prepares the catalog, starts the display and passes:
 *   VT_NODE_MODULES   the folder holding puppeteer-core (BUILD/npm/node_modules)
 *   VT_CHROMIUM       the browser (/usr/bin/chromium)
 *   VT_CONSOLE_URL    "http://127.0.0.1:PORT/"
 *   VT_PASSWORD       the console's password
 *   VT_LAYOUT_LOG     the display's layout log
 *   VT_SCREENSHOTS    where the pages' PNGs go
 *   VT_WORK           a scratch folder (the live JPEGs for the driver's OCR)
 *   VT_UPLOAD_MODEL   a model file to upload; VT_UPLOAD_SHARED=1 when it is from ../shared
 *   VT_STORE_TZ       the store's time zone (promotions are on its clock)
 *   VT_SLOW           a factor on every deadline (the sanitised build is slower)
 * Prints each step; exits 1 when one failed, saying what was expected and what was seen. */
const fs = require('fs');
const path = require('path');
const E = process.env;
const puppeteer = require(path.join(E.VT_NODE_MODULES, 'puppeteer-core'));

const BASE = E.VT_CONSOLE_URL.replace(/\/?$/, '/');
const SLOW = Number(E.VT_SLOW || 1);
const SHOTS = E.VT_SCREENSHOTS;
const TZ = E.VT_STORE_TZ || 'UTC';
const sec = (s) => s * 1000 * SLOW;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* The products the test works on (tests/test_console_browser.py's catalog: the bundled one,
 * which the built-in demo films, without its marker 6 product so that marker is free). */
const PRICED = 'runner-x', PRICE_WAS = '89,99 €', PRICE_NEW = 79.99, PRICE_NEW_TEXT = '79,99 €';
const PROMO = 'mug-bleu', PROMO_REGULAR = '14,50 €', PROMO_PRICE = 9.9, PROMO_TEXT = '9,90 €';
const ADDED = { id: 'vase-fleurs', marker: 6, name: 'Vase Fleurs', price: 39.5, text: '39,50 €' };

/* The pages' stable DOM ids (src/console/web, issue 19's web part). */
const S = {
    loginPassword: '#login-password', loginSubmit: '#login-submit', loginError: '#login-error',
    productsList: '#products-body', productRow: (id) => `#products-body tr[data-product="${id}"]`,
    productEdit: (id) => `#edit-${id}`, productAdd: '#add-product',
    dialog: '#product-dialog', editForm: '#product-form', field: (name) => `#f-${name}`, editSave: '#save-product',
    editProblems: '#product-problems',
    modelFile: '#model-file', modelUpload: '#model-upload', modelMessage: '#model-message',
    modelRow: (name) => `#models-list [data-model="${name}"]`, modelThumb: (name) => `#models-list [data-model="${name}"] img`,
    markersList: '#markers-list', markersDownload: '#markers-download', liveImage: '#live-image',
    statsPage: '#page-stats', statsBody: '#stats-body', statusTiles: '#status-tiles',
    versionsList: '#versions-body', versionRestore: (n) => `#restore-${n}`, confirmOk: '#confirm-ok',
};

/* ---- the display's layout log ---- */
const norm = (s) => (s == null ? s : String(s).replace(/\s+/gu, ' ').trim());

class Layout {
    constructor(file) { this.file = file; this.off = 0; this.rest = ''; this.last = null; this.count = 0; this.watchers = new Set(); }
    /* The frames written since the last poll (a partial last line waits for the next). */
    poll() {
        let fd;
        try { fd = fs.openSync(this.file, 'r'); } catch (e) { return []; }
        const size = fs.fstatSync(fd).size, out = [];
        if (size > this.off) {
            const buf = Buffer.alloc(size - this.off);
            fs.readSync(fd, buf, 0, buf.length, this.off);
            this.off = size;
            const lines = (this.rest + buf.toString('utf8')).split('\n');
            this.rest = lines.pop();
            for (const l of lines) {
                if (!l.trim()) continue;
                try { out.push(JSON.parse(l)); } catch (e) { /* a torn line: skip */ }
            }
        }
        fs.closeSync(fd);
        if (out.length) { this.last = out[out.length - 1]; this.count += out.length; }
        /* A watcher sees every frame, whichever step polls: the promotion's check runs through
         * the steps done while it waits for its start. */
        for (const f of out) for (const w of this.watchers) w(f);
        return out;
    }
    skip() { this.poll(); return this.last; }   /* from now on only frames rendered later count */
    /* The first new frame where pred holds; throws saying what the last frame showed. */
    async waitFor(pred, ms, what) {
        const t0 = Date.now(), n0 = this.count;
        for (;;) {
            for (const f of this.poll()) if (pred(f)) return { frame: f, ms: Date.now() - t0, frames: this.count - n0 };
            if (Date.now() - t0 > ms)
                throw new Error(`${what}: not on screen after ${(ms / 1000).toFixed(0)} s (${this.count - n0} frames); ` +
                                `the last frame (${this.last ? this.last.frame : 'none'}) shows ${describe(this.last)}`);
            await sleep(100);
        }
    }
}
const tagOf = (f, id) => (f && f.products || []).find((p) => p.id === id);
function describe(f) {
    if (!f) return 'nothing (no layout line yet)';
    if (!f.products.length) return 'no product';
    return f.products.map((p) => `${p.id}${p.name ? ' "' + norm(p.name) + '"' : ''} ${norm(p.price)}${p.was ? ' (was ' + norm(p.was) + ')' : ''}`).join(', ');
}
const shows = (id, price) => (f) => { const t = tagOf(f, id); return t && norm(t.price) === norm(price); };

/* ---- the browser ---- */
let browser, page;
const results = [];
let failed = 0;

function say(s) { console.log(s); }

async function shot(name) {
    const file = path.join(SHOTS, name + '.png');
    await page.screenshot({ path: file, fullPage: true });
    say(`  screenshot ${file}`);
}

/* A modal dialog scrolls inside the window: a taller window for its picture shows all of it. */
async function shotDialog(name) {
    const vp = page.viewport();
    await page.setViewport({ width: vp.width, height: 1600 });
    await sleep(200);
    try { await page.screenshot({ path: path.join(SHOTS, name + '.png') }); } finally { await page.setViewport(vp); }
    say(`  screenshot ${path.join(SHOTS, name + '.png')} (the whole dialog)`);
}

async function api(url) {   /* a GET from inside the page: its session cookie goes with it */
    return page.evaluate(async (u) => {
        const r = await fetch(u, { headers: { Accept: 'application/json' } });
        const t = await r.text();
        let j = null;
        try { j = JSON.parse(t); } catch (e) { /* not JSON */ }
        return { status: r.status, json: j, text: t.slice(0, 400) };
    }, new URL(url, BASE).href);
}

async function saveFetched(url, file) {   /* a binary GET (the live JPEG) into a file */
    const b64 = await page.evaluate(async (u) => {
        const r = await fetch(u);
        if (!r.ok) return null;
        const a = new Uint8Array(await r.arrayBuffer());
        let s = '';
        for (let i = 0; i < a.length; i += 0x8000) s += String.fromCharCode.apply(null, a.subarray(i, i + 0x8000));
        return btoa(s);
    }, new URL(url, BASE).href);
    if (b64 === null) return false;
    fs.writeFileSync(file, Buffer.from(b64, 'base64'));
    return true;
}

/* A fresh load of the page at #hash (a reload, as a person coming back: the session from its
 * cookie, the CSRF token from GET /api/v1/session), then ready visible. */
async function go(hash, ready) {
    await page.goto('about:blank');
    await page.goto(BASE + (hash ? '#' + hash : ''), { waitUntil: 'load' });
    if (ready) await page.waitForSelector(ready, { visible: true, timeout: sec(30) });
}

/* Sets a form field as a person would (typing), or by value for date, time and checkboxes. */
async function setField(sel, value) {
    const el = await page.waitForSelector(sel, { timeout: sec(20) });
    const kind = await el.evaluate((e) => (e.tagName === 'SELECT' ? 'select' : e.type));
    if (kind === 'select') {
        /* Its options may still be on their way (the models list, read when the dialog opens). */
        const has = await page.waitForFunction((e, v) => [...e.options].some((o) => o.value === v), { timeout: sec(60) },
                                               el, String(value)).catch(() => null);
        const opts = await el.evaluate((e) => [...e.options].map((o) => o.value));
        if (!has) throw new Error(`${sel}: no option "${value}" (options: ${opts.join(', ')})`);
        await page.select(sel, String(value));
    } else if (['date', 'time', 'datetime-local', 'checkbox'].includes(kind)) {
        await el.evaluate((e, v) => {
            if (e.type === 'checkbox') e.checked = !!v; else e.value = v;
            e.dispatchEvent(new Event('input', { bubbles: true }));
            e.dispatchEvent(new Event('change', { bubbles: true }));
        }, value);
    } else {
        await el.click({ clickCount: 3 });
        await el.evaluate((e) => { e.value = ''; });
        await el.type(String(value));
    }
}

const calls = (method, prefix) => (r) => r.request().method() === method && new URL(r.url()).pathname.startsWith(prefix);

/* Does act() and waits for the API call it makes; the form's own problems (shown in
 * problemsSel, no call made) fail at once with their text. Returns the call's status and JSON. */
async function submit(act, method, prefix, problemsSel, ms) {
    const resp = page.waitForResponse(calls(method, prefix), { timeout: ms || sec(120) });
    const problems = problemsSel ? page.waitForSelector(problemsSel, { visible: true, timeout: sec(120) })
        .then(async (e) => { throw new Error(`the form says: ${norm(await e.evaluate((x) => x.textContent))}`); }) : null;
    if (problems) problems.catch(() => {});
    await act();
    const r = await (problems ? Promise.race([resp, problems]) : resp);
    let j = null;
    try { j = await r.json(); } catch (e) { /* 204 or not JSON */ }
    return { status: r.status(), json: j };
}
const clickSubmit = (sel, method, prefix, problemsSel, ms) => submit(() => page.click(sel), method, prefix, problemsSel, ms);

async function openEditor(id) {
    await go('products', S.productRow(id));
    await page.click(S.productEdit(id));
    await page.waitForSelector(S.dialog + '[open] ' + S.field('price'), { visible: true, timeout: sec(20) });
}

/* Saves the product form; on success the dialog closes. */
async function saveProduct(method, prefix) {
    const r = await clickSubmit(S.editSave, method, prefix, S.editProblems);
    if (r.status < 300) await page.waitForSelector(S.dialog + '[open]', { hidden: true, timeout: sec(20) });
    return r;
}

async function step(name, fn) {
    say(`\n== ${name}`);
    const t0 = Date.now();
    try {
        await fn();
        results.push([name, 'passed']);
        say(`  passed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
        failed++;
        results.push([name, 'FAILED']);
        say(`FAIL: ${name}: ${e.message}`);
        try { await shot('failed-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 40)); } catch (e2) { /* no page */ }
    }
}

function expect(cond, what, seen) {
    if (!cond) throw new Error(`expected ${what}; saw ${seen}`);
}

/* ---- the store's clock ---- */
function storeTime(ms) {   /* "YYYY-MM-DDTHH:MM" on the store's clock */
    const f = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
                                                 hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const o = {};
    for (const p of f.formatToParts(new Date(ms))) o[p.type] = p.value;
    return `${o.year}-${o.month}-${o.day}T${o.hour}:${o.minute}`;
}

/* ---- the scenarios ---- */
const layout = new Layout(E.VT_LAYOUT_LOG);

async function login() {
    await go('', S.loginPassword);
    await shot('login');
    /* A wrong password first: refused, said on the page, still on the login form. */
    await setField(S.loginPassword, 'not-the-password');
    const bad = await clickSubmit(S.loginSubmit, 'POST', '/api/v1/login');
    expect(bad.status === 401, 'a wrong password answered 401', bad.status);
    await page.waitForSelector(S.loginError, { visible: true, timeout: sec(10) });
    say(`  a wrong password: 401, the page says "${norm(await page.$eval(S.loginError, (e) => e.textContent))}"`);
    await shot('login-wrong-password');
    await setField(S.loginPassword, E.VT_PASSWORD);
    const ok = await clickSubmit(S.loginSubmit, 'POST', '/api/v1/login');
    expect(ok.status === 200 && ok.json && ok.json.csrf, 'the password answered 200 with a CSRF token', JSON.stringify(ok));
    await page.waitForSelector(S.productRow(PRICED), { visible: true, timeout: sec(30) });
    const cookies = await page.cookies();
    const c = cookies.find((k) => k.name === 'vt_session');
    expect(c && c.httpOnly && c.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict vt_session cookie', JSON.stringify(cookies));
    say('  logged in: the products list is shown; the session cookie is HttpOnly and SameSite=Strict');
}

async function changePrice() {
    await go('products', S.productRow(PRICED));
    await shot('products');
    await layout.waitFor(shows(PRICED, PRICE_WAS), sec(60), `${PRICED} at ${PRICE_WAS} before the change`);
    await openEditor(PRICED);
    await shotDialog('product-edit');
    await setField(S.field('price'), PRICE_NEW);
    layout.skip();
    const t0 = Date.now();
    const r = await saveProduct('PATCH', '/api/v1/products/');
    expect(r.status === 200, 'saving the price answered 200', `${r.status} ${JSON.stringify(r.json)}`);
    expect(r.json && norm(r.json.price_text) === PRICE_NEW_TEXT, `the API's price_text "${PRICE_NEW_TEXT}"`,
           `"${r.json && r.json.price_text}"`);
    say(`  saved ${PRICED} at ${PRICE_NEW} (the API writes it "${r.json.price_text}")`);
    const seen = await layout.waitFor(shows(PRICED, PRICE_NEW_TEXT), sec(60), `${PRICED}'s tag at ${PRICE_NEW_TEXT}`);
    say(`  the display shows "${PRICE_NEW_TEXT}" on ${PRICED}'s tag ${((Date.now() - t0) / 1000).toFixed(1)} s after the save ` +
        `(frame ${seen.frame.frame}, ${seen.frames} frames later)`);
    const row = await page.waitForFunction((sel, want) => { const e = document.querySelector(sel + ' td.price');
                                                           return e && e.textContent.replace(/\s+/gu, ' ').trim() === want; },
                                           { timeout: sec(20) }, S.productRow(PRICED), PRICE_NEW_TEXT).catch(() => null);
    expect(row, `the products list showing ${PRICE_NEW_TEXT} for ${PRICED}`,
           await page.$eval(S.productRow(PRICED), (e) => e.textContent).catch(() => 'no row'));
    /* The live picture, for the driver's OCR: the display copies frames only while someone asks
     * for them, so the first answers may be 503; then one more, of a frame from now. */
    const jpeg = path.join(E.VT_WORK, 'live-price.jpg');
    let got = false;
    for (const end = Date.now() + sec(30); !got && Date.now() < end; await sleep(300)) got = await saveFetched('/api/v1/live.jpg', jpeg);
    await sleep(1000);
    got = (await saveFetched('/api/v1/live.jpg', jpeg)) || got;
    say(got ? `  live picture saved for OCR: ${jpeg}` : '  (no live picture: /api/v1/live.jpg did not answer 200 in 30 s)');
}

let uploaded = null;

async function uploadModel() {
    await go('models', S.modelFile);
    const before = await api('/api/v1/models');
    expect(before.status === 200 && before.json && Array.isArray(before.json.models), 'GET /api/v1/models: the models',
           `${before.status} ${before.text}`);
    const known = new Set(before.json.models.map((m) => m.name));
    const input = await page.$(S.modelFile);
    await input.uploadFile(E.VT_UPLOAD_MODEL);
    const name = path.basename(E.VT_UPLOAD_MODEL);
    /* Checked in a child process, its thumbnail rendered by `vitrine view`: slow on a busy machine. */
    const t0 = Date.now();
    const r = await clickSubmit(S.modelUpload, 'POST', '/api/v1/models', S.modelMessage + '.error', sec(300));
    const tUp = (Date.now() - t0) / 1000;
    expect(r.status === 201, `uploading ${name} answered 201`, `${r.status} ${JSON.stringify(r.json)}`);
    /* The answer's body (the page's XMLHttpRequest, for its progress bar) is not always kept by
     * the DevTools protocol: the models list says what was stored. */
    const after = await api('/api/v1/models');
    const added = (after.json && after.json.models || []).filter((m) => !known.has(m.name));
    uploaded = r.json && r.json.path ? r.json : added.find((m) => m.original === name);
    expect(uploaded && uploaded.path, `the models list holding the upload of ${name}`,
           JSON.stringify(added.length ? added : after.json));
    say(`  uploaded ${name} (answered in ${tUp.toFixed(1)} s): stored as ${uploaded.path}, ${uploaded.triangles} triangles, ` +
        `${JSON.stringify(uploaded.size_mm)} mm${uploaded.warnings && uploaded.warnings.length ? ', warnings: ' + uploaded.warnings.join('; ') : ''}`);
    expect(!uploaded.name.includes('/') && uploaded.original === name, `a generated name and the original "${name}"`,
           `name "${uploaded.name}", original "${uploaded.original}"`);
    await page.waitForSelector(S.modelRow(uploaded.name), { visible: true, timeout: sec(30) });
    /* Its thumbnail, rendered by Vitrine, loads (the list's images are lazy: scrolled into view). */
    await page.$eval(S.modelRow(uploaded.name), (e) => e.scrollIntoView());
    const thumb = await page.waitForFunction((sel) => { const i = document.querySelector(sel);
                                                        return i && i.complete && i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight] : false; },
                                             { timeout: sec(300) }, S.modelThumb(uploaded.name)).catch(() => null);
    expect(thumb, `the model's thumbnail loaded in the models list`, 'no image (or an empty one)');
    say(`  it is in the models list with its ${(await thumb.jsonValue()).join('x')} thumbnail ` +
        `(${((Date.now() - t0) / 1000).toFixed(1)} s after the upload); the page says ` +
        `"${norm(await page.$eval(S.modelMessage, (e) => e.textContent))}"`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot('models');
}

async function addProduct() {
    /* The list drawn first: the page reads the models with the products, and a dialog opened
     * before then offers no model (nor gets them later). */
    await go('products', S.productRow(PRICED));
    await page.click(S.productAdd);
    await page.waitForSelector(S.dialog + '[open] ' + S.field('id'), { visible: true, timeout: sec(20) });
    await setField(S.field('id'), ADDED.id);
    await setField(S.field('marker'), ADDED.marker);
    await setField(S.field('name'), ADDED.name);
    await setField(S.field('price'), ADDED.price);
    await setField(S.field('model'), uploaded ? uploaded.path : 'mug.glb');
    await shotDialog('product-add');
    layout.skip();
    const r = await saveProduct('POST', '/api/v1/products');
    expect(r.status === 201, `adding ${ADDED.id} answered 201`, `${r.status} ${JSON.stringify(r.json)}`);
    await page.waitForSelector(S.productRow(ADDED.id), { visible: true, timeout: sec(20) });
    say(`  ${ADDED.id} is in the products list${uploaded ? ' with the uploaded model ' + uploaded.path : ''}`);
    const seen = await layout.waitFor(shows(ADDED.id, ADDED.text), sec(180), `${ADDED.id} at ${ADDED.text} on marker ${ADDED.marker}`);
    say(`  the display shows ${ADDED.id}'s tag at ${ADDED.text} on marker ${ADDED.marker} (frame ${seen.frame.frame})`);
}

/* The promotion's start is a whole minute of the store's clock, 25 to 85 s ahead: the steps that
 * do not touch its product (upload, add, the markers, live, stats and status pages) run while it
 * waits, and a watcher on the layout log checks every frame from the save to its switch. */
let promo = null;

async function schedulePromotion() {
    /* Starts at the next minute of the store's clock, at least 25 s ahead so that it is not on yet. */
    const startMs = Math.ceil((Date.now() + 25000) / 60000) * 60000;
    const start = storeTime(startMs), end = storeTime(startMs + 2 * 3600 * 1000);
    await openEditor(PROMO);
    await setField(S.field('promo-on'), true);
    await setField(S.field('promo-price'), PROMO_PRICE);
    await setField(S.field('promo-start-date'), start.slice(0, 10));
    await setField(S.field('promo-start-time'), start.slice(11));
    await setField(S.field('promo-end-date'), end.slice(0, 10));
    await setField(S.field('promo-end-time'), end.slice(11));
    await shotDialog('product-promotion');
    layout.skip();
    const r = await saveProduct('PATCH', '/api/v1/products/');
    expect(r.status === 200, 'saving the promotion answered 200', `${r.status} ${JSON.stringify(r.json)}`);
    const p = r.json && r.json.promotion;
    expect(p && p.price === PROMO_PRICE && p.start === start && p.end === end,
           `the product's promotion {price ${PROMO_PRICE}, start ${start}, end ${end}}`, JSON.stringify(p));
    expect(r.json.promotion_now === false, 'promotion_now false before the start', r.json.promotion_now);
    say(`  promotion saved: ${PROMO} at ${PROMO_PRICE} from ${start} to ${end} (${TZ}), ` +
        `${((startMs - Date.now()) / 1000).toFixed(0)} s from now`);
    /* From here every frame is checked, until the first with the promotion's price. Each frame's
     * prices are those of its wall clock (wall_ms, UTC): before the start the regular price,
     * from the start the promotion's. */
    promo = { startMs, start, n0: layout.count, wrong: [], on: null };
    const watch = (x) => {
        const t = tagOf(x, PROMO);
        if (!t || promo.on) return;
        const isOn = norm(t.price) === PROMO_TEXT;
        if (isOn && x.wall_ms !== undefined && x.wall_ms < startMs) promo.wrong.push(`${x.frame} on early`);
        if (!isOn && x.wall_ms !== undefined && x.wall_ms >= startMs + 1000) promo.wrong.push(`${x.frame} still off`);
        if (isOn) promo.on = { frame: x, frames: layout.count - promo.n0 };
    };
    promo.watch = watch;
    layout.watchers.add(watch);
    /* Not yet: the regular price, on frames rendered after the change was picked up. */
    await sleep(3000);
    layout.skip();
    if (Date.now() < startMs - 3000) {
        const f = await layout.waitFor((x) => !!tagOf(x, PROMO), sec(30), `${PROMO} on screen`);
        const t = tagOf(f.frame, PROMO);
        expect(norm(t.price) === PROMO_REGULAR && !t.was, `before ${start}: ${PROMO} at ${PROMO_REGULAR}`, describe(f.frame));
        say(`  before the start the display still shows ${PROMO_REGULAR}`);
    }
}

async function promotionOn() {
    expect(promo, 'a promotion scheduled by the step before', 'none (that step failed)');
    const { startMs, start } = promo;
    try {
        /* Then by itself, on time: the first frame with the promotion's price (the watcher has
         * seen every frame since the save, whichever step read them). */
        if (!promo.on) await layout.waitFor(() => !!promo.on, startMs - Date.now() + sec(90), `${PROMO}'s promotion at ${PROMO_TEXT}`);
    } finally {
        layout.watchers.delete(promo.watch);
    }
    const seen = promo.on;
    const t = tagOf(seen.frame, PROMO);
    const at = seen.frame.wall_ms !== undefined ? seen.frame.wall_ms : Date.now();
    expect(!promo.wrong.length, `the promotion exactly from ${start}`, `frames ${promo.wrong.slice(0, 10).join(', ')}`);
    expect(at >= startMs, `the promotion not before ${start}`, `on at ${new Date(at).toISOString()}`);
    expect(norm(t.was) === PROMO_REGULAR, `the regular price ${PROMO_REGULAR} struck out beside it`, `was ${t.was}`);
    say(`  the display switched to ${PROMO_TEXT} (was ${norm(t.was)}) by itself: first frame ${seen.frame.frame} at ` +
        `${new Date(at).toISOString()} (${((at - startMs) / 1000).toFixed(2)} s after ${start} ${TZ}), ` +
        `${seen.frames} frames after the save`);
    await go('products', S.productRow(PROMO));
    await shot('products-promotion-on');
}

async function rollBack() {
    const v = await api('/api/v1/versions');
    expect(v.status === 200 && v.json && Array.isArray(v.json.versions), 'GET /api/v1/versions: the saved versions',
           `${v.status} ${v.text}`);
    /* The newest saved version from before the price change: runner-x at 89.99, no added product. */
    let target = null;
    for (const ver of v.json.versions) {
        const c = await api(`/api/v1/versions/${ver.n}`);
        const ps = c.json && c.json.products || [];
        const pr = ps.find((x) => x.id === PRICED);
        if (pr && pr.price === 89.99 && !ps.some((x) => x.id === ADDED.id)) { target = ver; break; }
    }
    expect(target, 'a saved version with runner-x at 89.99 (before the changes)',
           JSON.stringify(v.json.versions.map((x) => [x.n, x.summary])));
    say(`  rolling back to version ${target.n} (${target.saved}: ${target.summary}) of ${v.json.versions.length}`);
    await go('versions', S.versionRestore(target.n));
    await shot('versions');
    layout.skip();
    const r = await submit(async () => {
        await page.click(S.versionRestore(target.n));
        await page.waitForSelector('#confirm-dialog[open] ' + S.confirmOk, { visible: true, timeout: sec(20) });
        await shot('versions-confirm');
        await page.click(S.confirmOk);
    }, 'POST', '/api/v1/versions/', null);
    expect(r.status === 200 && r.json && r.json.version, 'restoring answered 200 with the new version', JSON.stringify(r));
    say(`  restored as version ${r.json.version}`);
    const seen = await layout.waitFor((f) => shows(PRICED, PRICE_WAS)(f) && !tagOf(f, ADDED.id) &&
                                             (!tagOf(f, PROMO) || norm(tagOf(f, PROMO).price) === PROMO_REGULAR),
                                      sec(120), `after the rollback: ${PRICED} at ${PRICE_WAS}, no ${ADDED.id}, ${PROMO} at ${PROMO_REGULAR}`);
    say(`  the display shows ${PRICED} at ${PRICE_WAS} again, ${ADDED.id} gone, ${PROMO} at its regular price ` +
        `(frame ${seen.frame.frame})`);
}

async function markersPage() {
    await go('markers', S.markersList + ' input');
    await shot('markers');
    const href = await page.$eval(S.markersDownload, (a) => a.href);
    const pdf = await page.evaluate(async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer());
                                                   return { status: r.status, type: r.headers.get('Content-Type'),
                                                            head: String.fromCharCode(...b.subarray(0, 5)), bytes: b.length }; }, href);
    expect(pdf.status === 200 && /application\/pdf/.test(pdf.type) && pdf.head === '%PDF-', `the markers' PDF from ${href}`,
           JSON.stringify(pdf));
    say(`  the download link gives a ${pdf.bytes}-byte PDF`);
}

async function livePage() {
    await go('live', null);
    const img = await page.waitForFunction((sel) => { const i = document.querySelector(sel);
                                                      return i && !i.hidden && i.complete && i.naturalWidth > 0 ? [i.naturalWidth, i.naturalHeight] : false; },
                                           { timeout: sec(60) }, S.liveImage).catch(() => null);
    expect(img, 'the live picture on the live page', await page.$eval('#live-note', (e) => e.textContent).catch(() => 'nothing'));
    const first = await page.$eval(S.liveImage, (i) => i.src);
    await sleep(2000);
    const later = await page.$eval(S.liveImage, (i) => i.src);
    expect(first !== later, 'the live picture refreshed within 2 s', 'the same image');
    say(`  a ${(await img.jsonValue()).join('x')} picture, refreshed`);
    await shot('live');
}

async function statsPage() {
    await go('stats', S.statsPage);
    await sleep(1500);   /* its charts are drawn after the figures arrive */
    await shot('stats');
    const st = await api('/api/v1/stats');
    expect(st.status === 200 && st.json, 'GET /api/v1/stats', `${st.status} ${st.text}`);
    const err = await page.$eval('#stats-error', (e) => (e.hidden ? '' : e.textContent)).catch(() => '');
    expect(!err, 'no error on the stats page', err);
    say(`  the stats page shows the visits (${page.url()})`);
}

async function statusPage() {
    await go('status', S.statusTiles + ' .tile');
    await sleep(1000);
    await shot('status');
    const st = await api('/api/v1/status');
    expect(st.status === 200 && st.json && st.json.display === true, 'GET /api/v1/status from the display', st.text);
    say(`  status: ${st.json.fps} frames/s, camera ${st.json.camera}, catalog version ${st.json.catalog && st.json.catalog.version}`);
}

async function main() {
    fs.mkdirSync(SHOTS, { recursive: true });
    say(`console at ${BASE}; screenshots into ${SHOTS}`);
    browser = await puppeteer.launch({
        executablePath: E.VT_CHROMIUM || '/usr/bin/chromium',
        headless: true,
        /* --no-sandbox: CI runs as root; no GPU or /dev/shm limits in a container. */
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-proxy-server', '--lang=fr-FR'],
        defaultViewport: { width: 1280, height: 900 },
        protocolTimeout: sec(180),
    });
    say(`browser: ${await browser.version()}`);
    page = await browser.newPage();
    page.setDefaultTimeout(sec(30));
    page.on('dialog', (d) => d.accept());   /* "restore this version?" and the like */
    page.on('pageerror', (e) => say(`  page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') say(`  page console: ${m.text()}`); });
    const h = await page.goto(BASE + 'api/v1/health');
    expect(h.ok(), 'GET /api/v1/health', h.status());
    say(`health: ${await h.text()}`);

    await step('log in', login);
    const logged = results[0][1] === 'passed';
    if (logged) {
        await step('change a price, see it on the next frames', changePrice);
        /* The promotion's minute comes while the steps that leave its product alone run. */
        await step('schedule a promotion a minute ahead, not on yet', schedulePromotion);
        await step('upload a model through the models page', uploadModel);
        await step('add a product with the uploaded model, see it on its marker', addProduct);
        await step('the markers page: its PDF', markersPage);
        await step('the live page: the display\'s picture', livePage);
        await step('the stats page', statsPage);
        await step('the status page', statusPage);
        await step('the promotion switches on by itself at its start', promotionOn);
        await step('roll back to the version before, see the old prices', rollBack);
    } else {
        say('\n(not logged in: the other steps cannot run)');
    }
    await browser.close();
    say('\nsteps:');
    for (const [n, r] of results) say(`  ${r}: ${n}`);
    process.exit(failed ? 1 : 0);
}

main().catch(async (e) => {
    say(`FAIL: ${e.stack || e}`);
    if (browser) await browser.close().catch(() => {});
    process.exit(1);
});
