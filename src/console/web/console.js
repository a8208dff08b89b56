/* console.js — Vitrine's web console: one page, hash routes (#products #models #markers #live
 * #stats #status #versions), the JSON API under /api/v1. No framework, nothing from elsewhere
 * (the CSP allows only this file). Every word shown goes through the function t, on its English text, looked up in
 * GET /api/v1/strings (the store's language); HTML text is data-t="English" (filled here). */
'use strict';

const S = {
  words: {}, lang: 'en', locale: 'en-US', dir: 'ltr',
  csrf: null, store: null, products: [], models: [], route: null,
  editing: null, editLang: null, draft: null, timers: {}, livePaused: false, liveUrl: null,
};

/* ---- words ---------------------------------------------------------------------------- */
function t(msg, vars) {
  let s = S.words[msg] || msg;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return s;
}

function applyWords(root) {
  root.querySelectorAll('[data-t]').forEach((e) => { e.textContent = t(e.dataset.t); });
  root.querySelectorAll('[data-t-placeholder]').forEach((e) => { e.placeholder = t(e.dataset.tPlaceholder); });
  root.querySelectorAll('[data-t-aria-label]').forEach((e) => { e.setAttribute('aria-label', t(e.dataset.tAriaLabel)); });
}

async function loadWords() {
  try {
    const r = await fetch('/api/v1/strings', { credentials: 'same-origin' });
    const j = await r.json();
    S.words = j.strings || {};
    S.lang = j.lang || 'en';
    S.locale = (j.locale || 'en_US').replace('_', '-');
    S.dir = j.dir || 'ltr';
    document.documentElement.lang = S.lang;
    document.documentElement.dir = S.dir;
    if (j.store) setStoreName(j.store);
  } catch (e) { /* English it is */ }
  applyWords(document);
}

function setStoreName(name) {
  document.getElementById('store-name').textContent = name;
  document.title = name + ' · Vitrine';
}

/* ---- DOM helpers ---------------------------------------------------------------------- */
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k.startsWith('data')) e.setAttribute(k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, v);
  }
  for (const k of kids.flat()) if (k !== null && k !== undefined) e.append(k);
  return e;
}

const SVGNS = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...kids) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined) e.setAttribute(k, v);
  for (const k of kids) e.append(k);
  return e;
}

function show(e, on) { (typeof e === 'string' ? $(e) : e).hidden = !on; }
function msg(id, text, kind) {
  const e = $(id);
  e.textContent = text || '';
  e.classList.toggle('error', kind === 'error');
  e.classList.toggle('ok', kind === 'ok');
  e.hidden = !text;
}

function toast(text, kind) {
  const e = $('toast');
  e.textContent = text;
  e.className = 'toast ' + (kind || '');
  e.hidden = false;
  clearTimeout(S.timers.toast);
  S.timers.toast = setTimeout(() => { e.hidden = true; }, 4000);
}

const nf = (v, d) => new Intl.NumberFormat(S.locale, { maximumFractionDigits: d || 0, minimumFractionDigits: d || 0 }).format(v);
const pct = (v) => new Intl.NumberFormat(S.locale, { style: 'percent', maximumFractionDigits: 1 }).format(v || 0);

function fmtBytes(n) {
  if (n >= 1e9) return t('{n} GB', { n: nf(n / 1e9, 1) });
  if (n >= 1e6) return t('{n} MB', { n: nf(n / 1e6, 1) });
  return t('{n} kB', { n: nf(Math.max(1, n / 1e3), 0) });
}

function fmtWhen(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return iso || '';
  const o = { dateStyle: 'medium', timeStyle: 'short' };
  if (S.store && S.store.timezone) o.timeZone = S.store.timezone;
  try { return new Intl.DateTimeFormat(S.locale, o).format(d); } catch (e) { return d.toLocaleString(); }
}

/* ---- the API -------------------------------------------------------------------------- */
async function api(method, path, body, opts) {
  const headers = {};
  if (method !== 'GET' && S.csrf) headers['X-CSRF-Token'] = S.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts && opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  let r;
  try {
    r = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    return { status: 0, ok: false, data: { error: t('The console cannot be reached. Check the network and try again.') } };
  }
  let data = null;
  if ((r.headers.get('Content-Type') || '').includes('json')) { try { data = await r.json(); } catch (e) { data = null; } }
  if (r.status === 401 && path !== '/api/v1/login') { S.csrf = null; showLogin(); }
  if (!r.ok && (!data || !data.error)) data = Object.assign({}, data, { error: t('The request failed ({status}).', { status: r.status }) });
  return { status: r.status, ok: r.ok, data, headers: r.headers };
}

/* An upload with progress (fetch has none): the raw file as the body. */
function upload(file, bar, done) {
  const x = new XMLHttpRequest();
  x.open('POST', '/api/v1/models?name=' + encodeURIComponent(file.name));
  if (S.csrf) x.setRequestHeader('X-CSRF-Token', S.csrf);
  x.setRequestHeader('Content-Type', 'application/octet-stream');
  bar.hidden = false;
  bar.value = 0;
  x.upload.addEventListener('progress', (e) => { if (e.lengthComputable) bar.value = (100 * e.loaded) / e.total; });
  x.addEventListener('load', () => {
    bar.hidden = true;
    let j = null;
    try { j = JSON.parse(x.responseText); } catch (e) { j = null; }
    if (x.status === 401) showLogin();
    done(x.status, j || { error: t('The request failed ({status}).', { status: x.status }) });
  });
  x.addEventListener('error', () => { bar.hidden = true; done(0, { error: t('The upload was interrupted.') }); });
  x.send(file);
}

/* ---- login and routes ----------------------------------------------------------------- */
const ROUTES = ['products', 'models', 'markers', 'live', 'stats', 'status', 'versions'];

function showLogin() {
  document.body.classList.remove('booting');
  show('nav', false);
  show('logout', false);
  document.querySelectorAll('.page').forEach((p) => { p.hidden = p.id !== 'page-login'; });
  stopTimers();
  S.route = 'login';
  setTimeout(() => $('login-password').focus(), 0);
}

async function onLogin(ev) {
  ev.preventDefault();
  const pw = $('login-password').value;
  if (!pw) { msg('login-error', t('Enter the password.'), 'error'); return; }
  $('login-submit').disabled = true;
  const r = await api('POST', '/api/v1/login', { password: pw });
  $('login-submit').disabled = false;
  if (!r.ok) {
    let text = r.data.error;
    if (r.status === 401) text = t('Wrong password.');
    if (r.status === 429) text = t('Too many attempts. Wait {s} seconds and try again.', { s: r.headers.get('Retry-After') || '60' });
    msg('login-error', text, 'error');
    $('login-password').select();
    return;
  }
  S.csrf = r.data.csrf;
  $('login-password').value = '';
  msg('login-error', '');
  await enter();
}

async function onLogout() {
  await api('POST', '/api/v1/logout');
  S.csrf = null;
  showLogin();
}

async function enter() {
  const r = await api('GET', '/api/v1/store');
  if (r.ok) { S.store = r.data; if (r.data.name) setStoreName(r.data.name); }
  document.body.classList.remove('booting');
  show('nav', true);
  show('logout', true);
  if (!location.hash || location.hash === '#login') location.hash = '#products';
  else route();
}

function stopTimers() {
  for (const k of ['live', 'status']) { clearTimeout(S.timers[k]); S.timers[k] = null; }
}

function route() {
  if (!S.csrf) return;
  let name = (location.hash || '#products').slice(1).split('/')[0];
  if (!ROUTES.includes(name)) name = 'products';
  stopTimers();
  S.route = name;
  document.querySelectorAll('.page').forEach((p) => { p.hidden = p.dataset.page !== name; });
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.dataset.route === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  const h = document.querySelector('#page-' + name + ' h1');
  if (h && document.activeElement && document.activeElement.closest('#nav')) h.focus();
  ({ products: loadProducts, models: loadModels, markers: loadMarkers, live: startLive,
    stats: loadStats, status: loadStatus, versions: loadVersions })[name]();
}

async function boot() {
  await loadWords();
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', onLogout);
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => { if (S.route === 'live' && !document.hidden) startLive(); });
  wireProducts();
  wireEditor();
  wireModels();
  wireMarkers();
  wireStats();
  $('live-pause').addEventListener('click', toggleLive);
  $('confirm-cancel').addEventListener('click', () => $('confirm-dialog').close());
  const r = await api('GET', '/api/v1/session');
  if (r.ok && r.data && r.data.csrf) { S.csrf = r.data.csrf; await enter(); } else if (r.status !== 401) {
    showLogin();
  }
}

function confirmBox(text) {
  return new Promise((resolve) => {
    const d = $('confirm-dialog');
    $('confirm-text').textContent = text;
    const ok = $('confirm-ok');
    const done = (v) => { ok.removeEventListener('click', yes); d.removeEventListener('close', no); d.close(); resolve(v); };
    const yes = () => done(true);
    const no = () => done(false);
    ok.addEventListener('click', yes);
    d.addEventListener('close', no);
    d.showModal();
    ok.focus();
  });
}

/* ---- products ------------------------------------------------------------------------- */
/* The store's clock now, as "YYYY-MM-DDTHH:MM" (what promotions are written in). */
function storeNow() {
  const o = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (S.store && S.store.timezone) o.timeZone = S.store.timezone;
  const p = {};
  new Intl.DateTimeFormat('en-CA', o).formatToParts(new Date()).forEach((x) => { p[x.type] = x.value; });
  return p.year + '-' + p.month + '-' + p.day + 'T' + p.hour + ':' + p.minute;
}

function promoState(p) {
  const pr = p.promotion;
  if (!pr) return { key: 'none', text: '—' };
  if (p.promotion_now) return { key: 'on', text: t('On now') };
  const now = storeNow();
  if (pr.start && pr.start > now) return { key: 'later', text: t('Starts {when}', { when: pr.start.replace('T', ' ') }) };
  if (pr.end && pr.end <= now) return { key: 'ended', text: t('Ended') };
  return { key: 'off', text: t('Scheduled') };
}

function money(v) {
  try { return new Intl.NumberFormat(S.locale, { style: 'currency', currency: (S.store && S.store.currency) || 'EUR' }).format(v); } catch (e) { return String(v); }
}

function modelOf(path) { return S.models.find((m) => m.path === path || m.name === path); }

async function loadProducts() {
  const [r, m] = await Promise.all([api('GET', '/api/v1/products'), api('GET', '/api/v1/models')]);
  if (m.ok) S.models = m.data.models || [];
  if (!r.ok) { msg('products-empty', r.data.error, 'error'); return; }
  S.products = r.data.products || [];
  if (r.data.store) S.store = Object.assign({}, S.store, r.data.store);
  renderProducts();
}

function productRow(p) {
  const m = p.model ? modelOf(p.model) : null;
  const thumb = m && m.thumbnail ? el('img', { src: m.thumbnail, alt: '', class: 'thumb', loading: 'lazy' })
    : el('span', { class: 'thumb none', 'aria-hidden': 'true' });
  const st = promoState(p);
  const toggle = el('input', { type: 'checkbox', class: 'switch', id: 'active-' + p.id, dataActive: p.id,
    'aria-label': t('Show {name} to visitors', { name: p.name }) });
  toggle.checked = p.active !== false;
  toggle.addEventListener('change', () => setActive(p, toggle));
  const price = el('td', { class: 'price' }, el('span', { text: p.price_text || String(p.price) }));
  if (p.promotion_now) {
    price.classList.add('promo-on');
    price.append(el('s', { class: 'was muted small', text: money(p.price) }));
  }
  return el('tr', { dataProduct: p.id, class: p.active === false ? 'inactive' : '' },
    el('td', {}, thumb),
    el('td', {}, el('div', { class: 'pname', text: p.name }), el('div', { class: 'muted small', text: [p.brand, p.id].filter(Boolean).join(' · ') })),
    price,
    el('td', {}, el('span', { class: 'badge ' + st.key, dataPromo: st.key, text: st.text })),
    el('td', {}, toggle),
    el('td', { class: 'num', text: p.marker === undefined ? '' : String(p.marker) }),
    el('td', { class: 'actions' }, el('button', { type: 'button', class: 'btn small', dataEdit: p.id, id: 'edit-' + p.id,
      text: t('Edit'), 'aria-label': t('Edit {name}', { name: p.name }), onclick: () => openEditor(p.id) })));
}

function renderProducts() {
  const q = $('product-search').value.trim().toLowerCase();
  const f = $('product-filter').value;
  const list = S.products.filter((p) => {
    if (f === 'active' && p.active === false) return false;
    if (f === 'hidden' && p.active !== false) return false;
    if (f === 'promotion' && !p.promotion) return false;
    return !q || [p.id, p.name, p.brand].some((s) => s && s.toLowerCase().includes(q));
  });
  $('products-body').replaceChildren(...list.map(productRow));
  $('product-count').textContent = t('{n} of {total} products', { n: list.length, total: S.products.length });
  msg('products-empty', list.length ? '' : (S.products.length ? t('No product matches.') : t('No product yet. Add the first one.')));
}

async function setActive(p, box) {
  box.disabled = true;
  const r = await api('PATCH', '/api/v1/products/' + encodeURIComponent(p.id), { active: box.checked }, { ifMatch: p.etag });
  box.disabled = false;
  if (r.ok) {
    Object.assign(p, r.data);
    toast(box.checked ? t('{name} is shown to visitors.', { name: p.name }) : t('{name} is hidden from visitors.', { name: p.name }), 'ok');
    renderProducts();
  } else {
    box.checked = !box.checked;
    toast(r.status === 409 ? t('Someone changed this product meanwhile: the list was reloaded.') : r.data.error, 'error');
    if (r.status === 409) loadProducts();
  }
}

function wireProducts() {
  $('product-search').addEventListener('input', renderProducts);
  $('product-filter').addEventListener('change', renderProducts);
  $('add-product').addEventListener('click', () => openEditor(null));
}

/* ---- the product form ----------------------------------------------------------------- */
function storeLang() { return (S.store && S.store.language) || S.lang; }

function splitWhen(s, fallback) {
  if (!s) return ['', ''];
  const [d, h] = s.split('T');
  return [d, (h || fallback).slice(0, 5)];
}

function fillModels(current) {
  const sel = $('f-model');
  const opts = [el('option', { value: '', text: t('No model') })];
  const seen = new Set();
  for (const m of S.models) {
    seen.add(m.path);
    opts.push(el('option', { value: m.path, text: m.original && m.original !== m.path ? m.path + ' (' + m.original + ')' : m.path }));
  }
  if (current && !seen.has(current)) opts.push(el('option', { value: current, text: current }));
  sel.replaceChildren(...opts);
  sel.value = current || '';
}

/* The Variant list: the chosen model's material variants (GET /api/v1/models/variants), empty
 * for the model's default; hidden when the model has none. A variant the model does not have
 * stays offered, marked, so that saving does not drop it silently. */
let variantAsk = 0;
async function fillVariants(model, current) {
  const ask = ++variantAsk;
  const sel = $('f-variant');
  const opts = [el('option', { value: '', text: t("The model's default") })];
  let names = [];
  if (model) {
    const r = await api('GET', '/api/v1/models/variants?path=' + encodeURIComponent(model));
    if (ask !== variantAsk) return;   /* another model was chosen meanwhile */
    if (r.ok) names = r.data.variants || [];
  }
  for (const n of names) opts.push(el('option', { value: n, text: n }));
  if (current && !names.includes(current)) opts.push(el('option', { value: current, text: t('{name} (not in this model)', { name: current }) }));
  sel.replaceChildren(...opts);
  sel.value = current || '';
  show('f-variant-field', opts.length > 1);
}

/* The text fields of the language tab shown, kept in the draft. */
function keepLangFields() {
  const d = S.draft;
  if (!d || !S.editLang) return;
  const name = $('f-name').value, desc = $('f-description').value;
  if (S.editLang === storeLang()) {
    d.name = name; d.brand = $('f-brand').value; d.description = desc;
  } else {
    const tr = Object.assign({}, d.translations[S.editLang]);
    if (name) tr.name = name; else delete tr.name;
    if (desc) tr.description = desc; else delete tr.description;
    d.translations[S.editLang] = tr;
  }
}

function showLang(lang) {
  keepLangFields();
  S.editLang = lang;
  const d = S.draft, home = lang === storeLang();
  const tr = home ? d : (d.translations[lang] || {});
  $('f-name').value = tr.name || '';
  $('f-name').required = home;
  $('f-name').placeholder = home ? '' : (d.name || '');
  $('f-description').value = tr.description || '';
  $('f-description').placeholder = home ? '' : (d.description || '');
  $('f-brand').value = home ? (d.brand || '') : '';
  show('f-brand-field', home);
  document.querySelectorAll('#lang-tabs [role=tab]').forEach((b) => {
    const on = b.dataset.lang === lang;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
  });
}

function langName(code) {
  let n = code;
  try { n = new Intl.DisplayNames([S.locale], { type: 'language' }).of(code) || code; } catch (e) { n = code; }
  return n.charAt(0).toLocaleUpperCase(S.locale) + n.slice(1);
}

function renderTabs() {
  const langs = [storeLang()];
  for (const l of (S.store && S.store.languages) || []) if (!langs.includes(l)) langs.push(l);
  for (const l of Object.keys(S.draft.translations)) if (!langs.includes(l)) langs.push(l);
  const tabs = langs.map((l, i) => el('button', { type: 'button', role: 'tab', id: 'lang-tab-' + l, dataLang: l,
    'aria-controls': 'lang-panel', class: 'tab',
    text: langName(l) + (i === 0 ? ' · ' + t('store language') : '') }));
  tabs.forEach((b) => b.addEventListener('click', () => showLang(b.dataset.lang)));
  $('lang-tabs').replaceChildren(...tabs);
}

function onTabKey(ev) {
  if (ev.key !== 'ArrowRight' && ev.key !== 'ArrowLeft') return;
  const tabs = [...document.querySelectorAll('#lang-tabs [role=tab]')];
  const i = tabs.indexOf(document.activeElement);
  if (i < 0) return;
  const n = tabs[(i + (ev.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  n.focus();
  showLang(n.dataset.lang);
}

function fillForm(p) {
  S.base = p;
  S.draft = JSON.parse(JSON.stringify(p || { name: '', price: 0, active: true }));
  S.draft.translations = S.draft.translations || {};
  $('f-id').value = p ? p.id : '';
  $('f-id').disabled = !!p;
  $('f-marker').value = p && p.marker !== undefined ? p.marker : nextMarker();
  $('f-price').value = p ? p.price : '';
  $('f-active').checked = !p || p.active !== false;
  const pr = (p && p.promotion) || null;
  $('f-promo-on').checked = !!pr;
  $('f-promo-price').value = pr && pr.price !== undefined ? pr.price : '';
  [$('f-promo-start-date').value, $('f-promo-start-time').value] = splitWhen(pr && pr.start, '00:00');
  [$('f-promo-end-date').value, $('f-promo-end-time').value] = splitWhen(pr && pr.end, '23:59');
  promoToggle();
  fillModels(p && p.model);
  fillVariants(p && p.model, p && p.variant);
  S.editLang = null;
  renderTabs();
  showLang(storeLang());
  show('product-problems', false);
  show('product-conflict', false);
}

function nextMarker() {
  let m = 0;
  for (const p of S.products) if (typeof p.marker === 'number' && p.marker >= m) m = p.marker + 1;
  return m;
}

function openEditor(id) {
  const p = id ? S.products.find((x) => x.id === id) : null;
  S.editing = p ? p.id : null;
  $('product-title').textContent = p ? t('Edit {name}', { name: p.name }) : t('Add a product');
  show('delete-product', !!p);
  fillForm(p);
  const cur = (S.store && S.store.currency) || '';
  $('f-price-label').textContent = cur ? t('Price ({currency})', { currency: cur }) : t('Price');
  $('promo-zone').textContent = t("Dates and times on the store's clock ({zone}).", { zone: (S.store && S.store.timezone) || t("the display's time zone") });
  $('product-dialog').showModal();
  (p ? $('f-name') : $('f-id')).focus();
}

function promoToggle() {
  const on = $('f-promo-on').checked;
  $('promo-fields').classList.toggle('off', !on);
  $('promo-fields').querySelectorAll('input').forEach((i) => { i.disabled = !on; });
}

function whenOf(dateId, timeId, fallback) {
  const d = $(dateId).value;
  return d ? d + 'T' + ($(timeId).value || fallback) : undefined;
}

/* The product as the form says it. */
function formProduct() {
  keepLangFields();
  const d = S.draft;
  const out = { name: d.name.trim(), brand: (d.brand || '').trim() || null, description: (d.description || '').trim() || null,
    price: parseFloat($('f-price').value), marker: parseInt($('f-marker').value, 10), active: $('f-active').checked,
    model: $('f-model').value || null, variant: ($('f-model').value && $('f-variant').value) || null, translations: {} };
  for (const [l, tr] of Object.entries(d.translations)) if (tr && Object.keys(tr).length) out.translations[l] = tr;
  if (!Object.keys(out.translations).length) out.translations = null;
  out.promotion = null;
  if ($('f-promo-on').checked) {
    out.promotion = { price: parseFloat($('f-promo-price').value) };
    const s = whenOf('f-promo-start-date', 'f-promo-start-time', '00:00');
    const e = whenOf('f-promo-end-date', 'f-promo-end-time', '23:59');
    if (s) out.promotion.start = s;
    if (e) out.promotion.end = e;
  }
  return out;
}

function formProblems(p) {
  const bad = [];
  if (!S.editing && !/^[a-z0-9][a-z0-9_-]*$/.test($('f-id').value)) bad.push(t('The identifier may hold lower-case letters, digits, - and _ only.'));
  if (!p.name) bad.push(t('The name is required.'));
  if (!(p.price >= 0)) bad.push(t('The price must be a number, 0 or more.'));
  if (!(p.marker >= 0)) bad.push(t('The marker number must be a whole number, 0 or more.'));
  if (p.promotion && !(p.promotion.price >= 0)) bad.push(t('The promotion needs a price.'));
  if (p.promotion && p.promotion.start && p.promotion.end && p.promotion.start >= p.promotion.end) bad.push(t('The promotion ends before it starts.'));
  return bad;
}

const same = (a, b) => JSON.stringify(a === undefined ? null : a) === JSON.stringify(b === undefined ? null : b);

async function saveProduct(ev) {
  ev.preventDefault();
  const p = formProduct();
  const bad = formProblems(p);
  if (bad.length) { showProblems(t('Please correct:'), bad); return; }
  $('save-product').disabled = true;
  let r;
  if (S.editing) {
    const patch = {};
    for (const [k, v] of Object.entries(p)) if (!same(S.base[k], v)) patch[k] = v;
    if (!Object.keys(patch).length) { $('save-product').disabled = false; $('product-dialog').close(); return; }
    r = await api('PATCH', '/api/v1/products/' + encodeURIComponent(S.editing), patch, { ifMatch: S.base.etag });
  } else {
    const body = { id: $('f-id').value };
    for (const [k, v] of Object.entries(p)) if (v !== null) body[k] = v;
    r = await api('POST', '/api/v1/products', body);
  }
  $('save-product').disabled = false;
  if (r.ok) {
    $('product-dialog').close();
    toast(t('{name} saved. The display shows it within a few seconds.', { name: p.name }), 'ok');
    loadProducts();
  } else if (r.status === 409 && r.data.current) showConflict(r.data);
  else if (r.status === 422) showProblems(r.data.error, r.data.problems || []);
  else showProblems(r.data.error, []);
}

function showProblems(title, list) {
  const e = $('product-problems');
  e.replaceChildren(el('strong', { text: title }), list.length ? el('ul', {}, list.map((s) => el('li', { text: s }))) : null);
  e.hidden = false;
  e.scrollIntoView({ block: 'nearest' });
}

function showVal(v) {
  if (v === null || v === undefined) return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function showConflict(data) {
  const e = $('product-conflict');
  const rows = (data.changed || []).map((c) => el('li', { dataField: c.field },
    el('code', { text: c.field }), ': ', showVal(c.was), ' → ', el('strong', { text: showVal(c.now) })));
  const reload = el('button', { type: 'button', class: 'btn', id: 'conflict-reload', text: t('Load their version') });
  const keep = el('button', { type: 'button', class: 'btn primary', id: 'conflict-overwrite', text: t('Save mine over it') });
  reload.addEventListener('click', () => { replaceProduct(data.current); fillForm(data.current); });
  keep.addEventListener('click', () => { replaceProduct(data.current); S.base = data.current; e.hidden = true; $('save-product').click(); });
  e.replaceChildren(el('strong', { text: t('Someone else saved this product while you were editing it. What changed:') }),
    el('ul', { id: 'conflict-changes' }, rows), el('div', { class: 'toolbar' }, reload, keep));
  e.hidden = false;
  e.scrollIntoView({ block: 'nearest' });
}

function replaceProduct(p) {
  const i = S.products.findIndex((x) => x.id === p.id);
  if (i >= 0) S.products[i] = p;
}

async function deleteProduct() {
  const p = S.base;
  if (!p || !(await confirmBox(t('Delete {name} from the catalog? A saved version keeps it.', { name: p.name })))) return;
  const r = await api('DELETE', '/api/v1/products/' + encodeURIComponent(p.id));
  if (r.ok) { $('product-dialog').close(); toast(t('{name} deleted.', { name: p.name }), 'ok'); loadProducts(); } else showProblems(r.data.error, []);
}

function addLanguage() {
  const code = $('f-add-lang').value.trim();
  if (!/^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$/.test(code)) { toast(t('Write a language code such as en, de or pt-BR.'), 'error'); return; }
  keepLangFields();
  const l = code.replace('_', '-');
  if (l !== storeLang() && !S.draft.translations[l]) S.draft.translations[l] = {};
  $('f-add-lang').value = '';
  renderTabs();
  S.editLang = null;
  showLang(l);
}

function wireEditor() {
  $('product-form').addEventListener('submit', saveProduct);
  $('cancel-product').addEventListener('click', () => $('product-dialog').close());
  $('product-close').addEventListener('click', () => $('product-dialog').close());
  $('delete-product').addEventListener('click', deleteProduct);
  $('f-promo-on').addEventListener('change', promoToggle);
  $('lang-tabs').addEventListener('keydown', onTabKey);
  $('f-add-lang-btn').addEventListener('click', addLanguage);
  $('f-model').addEventListener('change', () => fillVariants($('f-model').value, ''));
  $('f-model-file').addEventListener('change', () => {
    const f = $('f-model-file').files[0];
    if (!f) return;
    msg('f-model-message', t('Uploading {name}…', { name: f.name }));
    upload(f, $('f-model-progress'), (status, j) => {
      $('f-model-file').value = '';
      if (status === 201) {
        S.models.push(j);
        fillModels(j.path);
        fillVariants(j.path, '');
        msg('f-model-message', t('{name} uploaded and chosen.', { name: j.original || j.name }), 'ok');
      } else msg('f-model-message', t('Rejected: {why}', { why: j.error }), 'error');
    });
  });
}

/* ---- models --------------------------------------------------------------------------- */
async function loadModels() {
  const r = await api('GET', '/api/v1/models');
  if (!r.ok) { msg('models-empty', r.data.error, 'error'); return; }
  S.models = r.data.models || [];
  $('models-list').replaceChildren(...S.models.map(modelCard));
  msg('models-empty', S.models.length ? '' : t('No model yet. Upload one above.'));
}

function modelCard(m) {
  const facts = [];
  if (m.triangles !== undefined) facts.push(t('{n} triangles', { n: nf(m.triangles) }));
  if (m.size_mm) facts.push(t('{w} × {h} × {d} mm', { w: nf(m.size_mm[0]), h: nf(m.size_mm[1]), d: nf(m.size_mm[2]) }));
  if (m.bytes !== undefined) facts.push(fmtBytes(m.bytes));
  const used = (m.products || []).length ? t('Used by: {list}', { list: m.products.join(', ') }) : t('Not used by any product');
  const warn = (m.warnings || []).map((w) => el('li', { text: w }));
  return el('article', { class: 'card model', dataModel: m.name },
    m.thumbnail ? el('img', { src: m.thumbnail, alt: t('Thumbnail of {name}', { name: m.original || m.name }), class: 'model-thumb', loading: 'lazy' })
      : el('div', { class: 'model-thumb none' }),
    el('h3', { text: m.original || m.name }),
    m.original && m.original !== m.path ? el('p', { class: 'muted small mono', text: m.path }) : null,
    el('p', { class: 'small', text: facts.join(' · ') }),
    el('p', { class: 'small muted', text: used }),
    warn.length ? el('ul', { class: 'warnings small', 'aria-label': t('Warnings') }, warn) : null);
}

function wireModels() {
  $('model-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = $('model-file').files[0];
    if (!f) { msg('model-message', t('Choose a file first.'), 'error'); return; }
    $('model-upload').disabled = true;
    msg('model-message', t('Uploading {name}…', { name: f.name }));
    upload(f, $('model-progress'), (status, j) => {
      $('model-upload').disabled = false;
      if (status === 201) {
        $('model-file').value = '';
        msg('model-message', t('{name} uploaded. It can now be chosen for a product.', { name: j.original || j.name }), 'ok');
        loadModels();
      } else msg('model-message', t('Rejected: {why}', { why: j.error }), 'error');
    });
  });
}

/* ---- markers -------------------------------------------------------------------------- */
async function loadMarkers() {
  const r = await api('GET', '/api/v1/products');
  if (!r.ok) return;
  S.products = r.data.products || [];
  $('markers-list').replaceChildren(...S.products.map((p) => {
    const box = el('input', { type: 'checkbox', id: 'marker-' + p.id, dataMarkerProduct: p.id });
    box.checked = true;
    box.addEventListener('change', markersLink);
    return el('div', { class: 'check' }, box, el('label', { for: 'marker-' + p.id },
      el('span', { class: 'marker-no', text: '#' + p.marker }), ' ', p.name));
  }));
  markersLink();
}

function markersLink() {
  const ids = [...document.querySelectorAll('#markers-list input:checked')].map((b) => b.dataset.markerProduct);
  const a = $('markers-download');
  a.href = '/api/v1/markers.pdf?products=' + ids.map(encodeURIComponent).join(',');
  a.classList.toggle('disabled', !ids.length);
  a.setAttribute('aria-disabled', ids.length ? 'false' : 'true');
}

function wireMarkers() {
  const all = (on) => { document.querySelectorAll('#markers-list input').forEach((b) => { b.checked = on; }); markersLink(); };
  $('markers-all').addEventListener('click', () => all(true));
  $('markers-none').addEventListener('click', () => all(false));
  $('markers-download').addEventListener('click', (ev) => { if ($('markers-download').classList.contains('disabled')) ev.preventDefault(); });
}

/* ---- live ----------------------------------------------------------------------------- */
async function liveFrame() {
  S.timers.live = null;
  if (S.route !== 'live' || document.hidden || S.livePaused) return;
  let wait = 300;
  try {
    const r = await fetch('/api/v1/live.jpg?t=' + Date.now(), { credentials: 'same-origin', cache: 'no-store' });
    if (r.status === 401) { showLogin(); return; }
    if (r.ok) {
      const url = URL.createObjectURL(await r.blob());
      const img = $('live-image');
      img.src = url;
      if (S.liveUrl) URL.revokeObjectURL(S.liveUrl);
      S.liveUrl = url;
      img.hidden = false;
      img.alt = t('What the shop window shows now');
      msg('live-note', '');
      $('live-info').textContent = t('Updated {time}', { time: new Date().toLocaleTimeString(S.locale) });
    } else {
      let why = '';
      try { why = (await r.json()).error; } catch (e) { why = ''; }
      show('live-image', false);
      msg('live-note', r.status === 503 ? t('No display is running: this console was started without one (vitrine console). Start vitrine run --console to see the shop window here.')
        : (why || t('The request failed ({status}).', { status: r.status })));
      wait = 3000;
    }
  } catch (e) { wait = 3000; }
  if (S.route === 'live') S.timers.live = setTimeout(liveFrame, wait);
}

function startLive() {
  if (!S.timers.live) liveFrame();
}

function toggleLive() {
  S.livePaused = !S.livePaused;
  const b = $('live-pause');
  b.setAttribute('aria-pressed', S.livePaused ? 'true' : 'false');
  b.textContent = S.livePaused ? t('Resume') : t('Pause');
  if (!S.livePaused) startLive();
}

/* ---- statistics ----------------------------------------------------------------------- */
function isoDay(d) {   /* a UTC date's day */
  return d.getUTCFullYear() + '-' + String(d.getUTCMonth() + 1).padStart(2, '0') + '-' + String(d.getUTCDate()).padStart(2, '0');
}

function statsQuery() {
  const q = new URLSearchParams();
  if ($('stats-from').value) q.set('from', $('stats-from').value);
  if ($('stats-to').value) q.set('to', $('stats-to').value);
  const s = q.toString();
  return s ? '?' + s : '';
}

async function loadStats() {
  const q = statsQuery();
  $('stats-csv').href = '/api/v1/stats.csv' + q;
  const r = await api('GET', '/api/v1/stats' + q);
  if (!r.ok) { msg('stats-error', r.data.error); show('stats-body', false); return; }
  msg('stats-error', '');
  const s = r.data;
  $('stats-zone').textContent = t("Days and hours on the store's clock: {zone}.", { zone: s.time_zone || '' });
  const none = s.no_data || !(s.products || []).length;
  msg('stats-empty', none ? (s.no_data ? t('No visits recorded yet. The display records them while it runs.') : t('No visits in this period.')) : '');
  show('stats-body', !none);
  if (none) return;
  renderTotals(s.totals || {});
  const byHour = new Array(24).fill(0);
  for (const h of s.hours || []) byHour[h.hour] += h.found || 0;
  barChart($('stats-chart-hours'), byHour.map((v, i) => ({ label: String(i).padStart(2, '0'), value: v,
    title: t('{h}:00 — {n} visits', { h: String(i).padStart(2, '0'), n: v }) })), t('Visits per hour of the day'));
  barChart($('stats-chart-days'), (s.days || []).map((d) => ({ label: d.day.slice(5), value: d.found || 0,
    title: t('{day} — {n} visits', { day: d.day, n: d.found || 0 }) })), t('Visits per day'));
  productChart($('stats-chart-products'), s.products);
  $('stats-products-body').replaceChildren(...s.products.map((p) => el('tr', { dataStatsProduct: p.id },
    el('td', {}, el('div', { class: 'pname', text: p.name }), el('div', { class: 'muted small', text: p.id })),
    el('td', { class: 'num', text: nf(p.found) }), el('td', { class: 'num', text: nf(p.dwell_seconds, 1) }),
    el('td', { class: 'num', text: nf(p.median_dwell_seconds, 1) }), el('td', { class: 'num', text: nf(p.card_opens) }),
    el('td', { class: 'num', text: nf(p.basket_adds) }), el('td', { class: 'num', text: pct(p.conversion) }))));
}

function renderTotals(x) {
  const tile = (id, label, value) => el('div', { class: 'tile', id: id }, el('div', { class: 'tile-v', text: value }), el('div', { class: 'tile-k', text: label }));
  $('stats-totals').replaceChildren(
    tile('stats-visits', t('Visits'), nf(x.found || 0)),
    tile('stats-sessions', t('Sessions'), nf(x.sessions || 0)),
    tile('stats-attention', t('Attention'), t('{n} min', { n: nf((x.dwell_seconds || 0) / 60, 1) })),
    tile('stats-cards', t('Cards opened'), nf(x.card_opens || 0)),
    tile('stats-adds', t('Basket adds'), nf(x.basket_adds || 0)),
    tile('stats-conversion', t('Conversion'), pct(x.conversion)));
  const note = $('stats-totals').appendChild(el('p', { class: 'muted small note', text: t('Conversion is basket adds divided by visits.') }));
  if (x.dropped_events) note.textContent += ' ' + t('{n} events could not be recorded.', { n: x.dropped_events });
}

function niceMax(v) {
  if (v <= 5) return 5;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v && (m * p) % 5 === 0) return m * p;
  return 10 * p;
}

/* Vertical bars: items [{label, value, title}]. */
function barChart(box, items, caption) {
  const W = 640, H = 220, L = 36, B = 24, T = 10;
  const max = niceMax(Math.max(0, ...items.map((i) => i.value)));
  const s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'bars', role: 'img', 'aria-label': caption, preserveAspectRatio: 'xMidYMid meet' });
  for (let k = 0; k <= 5; k++) {
    const y = T + ((H - T - B) * k) / 5;
    s.append(svg('line', { x1: L, x2: W, y1: y, y2: y, class: 'grid' }));
    s.append(svg('text', { x: L - 6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, document.createTextNode(nf((max * (5 - k)) / 5))));
  }
  const n = Math.max(1, items.length), slot = (W - L) / n, bw = Math.min(56, Math.max(2, slot * 0.7));
  const every = Math.ceil(n / 24);
  items.forEach((it, i) => {
    const h = ((H - T - B) * it.value) / max, x = L + i * slot + (slot - bw) / 2;
    const r = svg('rect', { x: x, y: H - B - h, width: bw, height: Math.max(0, h), rx: 2, class: 'bar' });
    r.append(svg('title', {}, document.createTextNode(it.title)));
    s.append(r);
    if (i % every === 0) s.append(svg('text', { x: x + bw / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle' }, document.createTextNode(it.label)));
  });
  box.replaceChildren(s);
}

/* Horizontal bars: each product's visits, and its basket adds inside. */
function productChart(box, products) {
  const list = products.slice().sort((a, b) => b.found - a.found).slice(0, 12);
  const W = Math.max(360, Math.round(box.clientWidth) || 640), row = 30, L = Math.min(200, W * 0.3), H = list.length * row + 8;
  const max = Math.max(1, ...list.map((p) => p.found));
  const s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, class: 'hbars', role: 'img', 'aria-label': t('Visits and basket adds per product') });
  list.forEach((p, i) => {
    const y = 4 + i * row, w = ((W - L - 60) * p.found) / max, wa = ((W - L - 60) * p.basket_adds) / max;
    const room = Math.floor(L / 8), name = p.name.length > room ? p.name.slice(0, room - 1) + '…' : p.name;
    s.append(svg('text', { x: L - 8, y: y + 17, class: 'label', 'text-anchor': 'end' }, document.createTextNode(name)));
    const r = svg('rect', { x: L, y: y + 3, width: Math.max(1, w), height: row - 8, rx: 3, class: 'bar' });
    r.append(svg('title', {}, document.createTextNode(t('{name}: {n} visits, {a} basket adds', { name: p.name, n: p.found, a: p.basket_adds }))));
    s.append(r);
    if (wa > 0) s.append(svg('rect', { x: L, y: y + 3, width: wa, height: row - 8, rx: 3, class: 'bar add' }));
    s.append(svg('text', { x: L + w + 6, y: y + 17, class: 'value' }, document.createTextNode(nf(p.found) + ' · ' + pct(p.conversion))));
  });
  const legend = el('p', { class: 'legend small muted' }, el('span', { class: 'key visits' }), t('Visits'), ' ',
    el('span', { class: 'key adds' }), t('Basket adds'));
  box.replaceChildren(s, legend);
}

function wireStats() {
  $('stats-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadStats(); });
  document.querySelectorAll('[data-range]').forEach((b) => b.addEventListener('click', () => {
    const days = parseInt(b.dataset.range, 10);
    if (!days) { $('stats-from').value = ''; $('stats-to').value = ''; } else {
      /* The store's today, whatever the browser's zone. */
      const today = storeNow().slice(0, 10), to = new Date(today + 'T12:00:00Z');
      $('stats-from').value = isoDay(new Date(to.getTime() - (days - 1) * 86400000));
      $('stats-to').value = today;
    }
    loadStats();
  }));
}

/* ---- status --------------------------------------------------------------------------- */
function fmtUptime(s) {
  s = Math.floor(s || 0);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  if (d) return t('{d} d {h} h', { d: d, h: h });
  if (h) return t('{h} h {m} min', { h: h, m: m });
  if (m) return t('{m} min {s} s', { m: m, s: s % 60 });
  return t('{s} s', { s: s });
}

function cameraText(c) {
  return ({ live: t('live camera'), offline: t('camera offline'), file: t('video file'), demo: t('demo') })[c] || c || '—';
}

async function loadStatus() {
  S.timers.status = null;
  const r = await api('GET', '/api/v1/status');
  if (S.route !== 'status') return;
  if (r.ok) renderStatus(r.data);
  else $('status-updated').textContent = r.data.error;
  S.timers.status = setTimeout(loadStatus, 3000);
}

function renderStatus(s) {
  const c = s.catalog || {};
  const tile = (id, label, value, kind) => el('div', { class: 'tile ' + (kind || ''), id: id },
    el('div', { class: 'tile-v', text: value }), el('div', { class: 'tile-k', text: label }));
  const tiles = [];
  if (s.display) {
    tiles.push(tile('status-fps', t('Frames per second'), nf(s.fps || 0, 1), s.fps && s.fps < 15 ? 'warn' : ''));
    tiles.push(tile('status-camera', t('Camera'), cameraText(s.camera), s.camera === 'offline' ? 'bad' : ''));
    tiles.push(tile('status-source', t('Shows'), (s.source || '—') + (s.frame ? ' · ' + s.frame[0] + '×' + s.frame[1] : '')));
    tiles.push(tile('status-seen', t('Products on screen'), nf(s.products_seen || 0)));
  } else tiles.push(tile('status-display', t('Display'), t('not running (console only)'), 'warn'));
  tiles.push(tile('status-catalog', t('Catalog version'), c.version !== undefined ? String(c.version) : '—', c.error ? 'bad' : ''));
  tiles.push(tile('status-products', t('Products'), nf(c.products || 0)));
  tiles.push(tile('status-uptime', t('Uptime'), fmtUptime(s.uptime_s)));
  tiles.push(tile('status-disk', t('Free disk'), s.disk_free_bytes !== undefined ? fmtBytes(s.disk_free_bytes) : '—',
    s.disk_free_bytes < 1e9 ? 'warn' : ''));
  $('status-tiles').replaceChildren(...tiles);
  const w = (s.warnings || []).map((x) => el('li', { class: 'w-' + (x.level || 'note') },
    el('span', { class: 'badge ' + (x.level === 'error' ? 'bad' : 'later'), text: x.level === 'error' ? t('error') : t('warning') }), ' ',
    x.subsystem ? el('code', { text: x.subsystem }) : null, ' ', x.text,
    x.age_s !== undefined ? el('span', { class: 'muted small', text: ' · ' + t('{t} ago', { t: fmtUptime(x.age_s) }) }) : null));
  if (c.error) w.unshift(el('li', { class: 'w-error' }, el('span', { class: 'badge bad', text: t('catalog') }), ' ', c.error));
  $('status-warnings').replaceChildren(...(w.length ? w : [el('li', { class: 'muted', text: t('No warnings.') })]));
  $('status-updated').textContent = t('Updated {time}', { time: new Date().toLocaleTimeString(S.locale) });
}

/* ---- versions ------------------------------------------------------------------------- */
async function loadVersions() {
  const r = await api('GET', '/api/v1/versions');
  if (!r.ok) { toast(r.data.error, 'error'); return; }
  const cur = r.data.current;
  $('versions-body').replaceChildren(...(r.data.versions || []).map((v) => {
    const b = v.n === cur ? el('span', { class: 'badge on', text: t('current') })
      : el('button', { type: 'button', class: 'btn small', dataRestore: v.n, id: 'restore-' + v.n, text: t('Restore'),
        'aria-label': t('Restore version {n}', { n: v.n }) });
    if (v.n !== cur) b.addEventListener('click', () => restore(v.n));
    return el('tr', { dataVersion: v.n }, el('td', { class: 'vno', text: t('Version {n}', { n: v.n }) }), el('td', { text: fmtWhen(v.saved) }),
      el('td', { text: v.summary || '' }), el('td', { class: 'actions' }, b));
  }));
}

async function restore(n) {
  if (!(await confirmBox(t('Restore version {n}? The catalog becomes what it was then; the current one stays in the history.', { n: n })))) return;
  const r = await api('POST', '/api/v1/versions/' + n + '/restore');
  if (r.ok) { toast(t('Version {n} restored as version {m}.', { n: n, m: r.data.version }), 'ok'); loadVersions(); } else toast(r.data.error, 'error');
}

document.addEventListener('DOMContentLoaded', boot);
