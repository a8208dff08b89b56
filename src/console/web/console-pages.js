/* console-pages.js — the console's other pages: models, markers, live, statistics, status,
 * versions (loaded after console.js and console-products.js). */
'use strict';

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
  /* Catalog models not measured have null figures: say nothing rather than 0. */
  const known = (v) => typeof v === 'number';
  if (known(m.triangles)) facts.push(t('{n} triangles', { n: nf(m.triangles) }));
  if (m.size_mm && m.size_mm.length === 3 && m.size_mm.every(known)) {
    facts.push(t('{w} × {h} × {d} mm', { w: nf(m.size_mm[0]), h: nf(m.size_mm[1]), d: nf(m.size_mm[2]) }));
  }
  if (known(m.bytes)) facts.push(fmtBytes(m.bytes));
  const used = (m.products || []).length ? t('Used by: {list}', { list: m.products.join(', ') }) : t('Not used by any product');
  const warn = (m.warnings || []).map((w) => el('li', { text: w }));
  return el('article', { class: 'card model', dataModel: m.name },
    m.thumbnail ? el('img', { src: m.thumbnail, alt: t('Thumbnail of {name}', { name: m.original || m.name }), class: 'model-thumb', loading: 'lazy' })
      : el('div', { class: 'model-thumb none' }),
    el('h3', { text: m.original || m.name }),
    m.original && m.original !== m.path ? el('p', { class: 'muted small mono path', text: m.path, title: m.path }) : null,
    facts.length ? el('p', { class: 'small', text: facts.join(' · ') }) : null,
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
  /* Each staff message with its own level: error red, warning yellow, note and info grey. */
  const levels = { error: ['bad', t('error')], warning: ['warn', t('warning')], note: ['', t('note')], info: ['', t('info')] };
  const w = (s.warnings || []).map((x) => {
    const lv = levels[x.level] ? x.level : 'note';
    return el('li', { class: 'w-' + lv }, el('span', { class: 'badge ' + levels[lv][0], text: levels[lv][1] }), ' ',
    x.subsystem ? el('code', { text: x.subsystem }) : null, ' ', x.text,
      x.age_s !== undefined ? el('span', { class: 'muted small', text: ' · ' + t('{t} ago', { t: fmtUptime(x.age_s) }) }) : null);
  });
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
