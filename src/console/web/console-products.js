/* console-products.js — the console's products page and product form (loaded after console.js,
 * whose helpers it uses: the words, el, api and the state S). */
'use strict';

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
  if (m.ok) { S.models = m.data.models || []; refreshModelSelect(); }
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

/* "console-models/14f3a9c2….glb": an uploaded model's generated name, shortened. */
function shortPath(path) {
  const m = /^(.*\/)?([0-9a-f]{8})[0-9a-f]{8,}(\.[a-z]+)$/i.exec(path);
  return m ? (m[1] || '') + m[2] + '…' + m[3] : path;
}

function fillModels(current) {
  const sel = $('f-model');
  const opts = [el('option', { value: '', text: t('No model') })];
  const seen = new Set();
  for (const m of S.models) {
    seen.add(m.path);
    /* The name the staff know first; the stored path after it (and whole as the tooltip). */
    const text = m.original && m.original !== m.path ? m.original + ' — ' + shortPath(m.path) : m.path;
    opts.push(el('option', { value: m.path, text: text, title: m.path }));
  }
  if (current && !seen.has(current)) opts.push(el('option', { value: current, text: current }));
  sel.replaceChildren(...opts);
  sel.value = current || '';
}

/* The models list arrived (or changed) while the form is open: offer its models, keeping the choice. */
function refreshModelSelect() {
  if ($('product-dialog').open) fillModels($('f-model').value);
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
  if (!S.models.length) {   /* opened before the products page's models list arrived */
    api('GET', '/api/v1/models').then((r) => { if (r.ok) { S.models = r.data.models || []; refreshModelSelect(); } });
  }
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
    /* Only what really changed; an absent "active" means shown. */
    const base = Object.assign({}, S.base, { active: S.base.active !== false });
    for (const [k, v] of Object.entries(p)) if (!same(base[k], v)) patch[k] = v;
    if (!Object.keys(patch).length) { $('save-product').disabled = false; $('product-dialog').close(); return; }
    r = await api('PATCH', '/api/v1/products/' + encodeURIComponent(S.editing), patch, { ifMatch: S.base.etag });
  } else {
    const body = { id: $('f-id').value };
    for (const [k, v] of Object.entries(p)) if (v !== null && !(k === 'active' && v === true)) body[k] = v;
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
