/* console.js — Vitrine's web console: one page, hash routes (#products #models #markers #live
 * #stats #status #versions #network), the JSON API under /api/v1. No framework, nothing from elsewhere
 * (the CSP allows only the console's own files; the pages are in console-products.js and console-pages.js). Every word shown goes through the function t, on its English text, looked up in
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
const ROUTES = ['products', 'models', 'markers', 'live', 'stats', 'status', 'versions', 'network'];

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
  show('nav-network', !!(S.store && S.store.network));   /* only a console on a shop network */
  document.body.classList.remove('booting');
  show('nav', true);
  show('logout', true);
  if (!location.hash || location.hash === '#login') location.hash = '#products';
  else route();
}

function stopTimers() {
  for (const k of ['live', 'status', 'network']) { clearTimeout(S.timers[k]); S.timers[k] = null; }
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
    stats: loadStats, status: loadStatus, versions: loadVersions, network: loadNetwork })[name]();
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
  wireNetwork();
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

/* Every script is in by DOMContentLoaded (they are deferred, in order): start then. */
document.addEventListener('DOMContentLoaded', boot);
