/* console-network.js — the console's Network page (a console given --network URL): every kiosk
 * of the shop network, its store, when it was last seen, its catalog version, frame rate, camera
 * and warnings; the figures per store; and publishing this catalog to a store. */
'use strict';

function networkAge(s) {
  if (s === null || s === undefined) return t('never');
  return t('{t} ago', { t: fmtUptime(s) });
}

async function loadNetwork() {
  S.timers.network = null;
  const r = await api('GET', '/api/v1/network');
  if (S.route !== 'network') return;
  if (r.ok) { msg('network-error', ''); renderNetwork(r.data); } else msg('network-error', r.data.error);
  S.timers.network = setTimeout(loadNetwork, 5000);
}

function renderNetwork(n) {
  const kiosks = n.kiosks || [], stores = n.stores || [], stats = n.stats || {};
  const online = kiosks.filter((k) => k.online).length, totals = stats.totals || {};
  const tile = (id, label, value, kind) => el('div', { class: 'tile ' + (kind || ''), id: id },
    el('div', { class: 'tile-v', text: value }), el('div', { class: 'tile-k', text: label }));
  $('network-tiles').replaceChildren(
    tile('network-online', t('Kiosks online'), t('{n} of {total}', { n: nf(online), total: nf(kiosks.length) }), online < kiosks.length ? 'warn' : ''),
    tile('network-stores-n', t('Stores'), nf(stores.length)),
    tile('network-visits', t('Visits'), nf(totals.found || 0)),
    tile('network-adds', t('Basket adds'), nf(totals.basket_adds || 0)));
  $('network-kiosks-body').replaceChildren(...kiosks.map((k) => el('tr', { dataKiosk: k.name },
    el('td', { text: k.name }), el('td', { text: k.store }),
    el('td', { text: networkAge(k.seconds_since_seen), title: k.last_seen ? fmtWhen(k.last_seen) : '' }),
    el('td', {}, el('span', { class: 'badge ' + (k.online ? 'on' : 'bad'), text: k.online ? t('online') : t('offline') })),
    el('td', { class: 'num', text: k.catalog_version ? String(k.catalog_version) : '—' }),
    el('td', { class: 'num', text: typeof k.fps === 'number' ? nf(k.fps, 1) : '—' }),
    el('td', { text: cameraText(k.camera) }),
    el('td', { class: 'small' }, ...(k.warnings ? String(k.warnings).split('\n').map((w) => el('div', { text: w })) : [])))));
  msg('network-kiosks-empty', kiosks.length ? '' : t('No kiosk yet. Add one with vitrine network add-kiosk.'));
  const per = {};
  for (const s of stats.stores || []) per[s.store] = s;
  $('network-stores-body').replaceChildren(...stores.map((s) => {
    const x = per[s.name] || {};
    return el('tr', { dataStore: s.name }, el('td', { text: s.name }), el('td', { class: 'num', text: nf(s.kiosks || 0) }),
      el('td', { class: 'num', text: s.catalog_version ? String(s.catalog_version) : '—' }),
      el('td', { class: 'num', text: nf(x.found || 0) }), el('td', { class: 'num', text: nf(x.dwell_seconds || 0, 1) }),
      el('td', { class: 'num', text: nf(x.card_opens || 0) }), el('td', { class: 'num', text: nf(x.basket_adds || 0) }));
  }));
  const sel = $('network-store'), was = sel.value;
  sel.replaceChildren(...stores.map((s) => el('option', { value: s.name, text: s.name })));
  if (was && stores.some((s) => s.name === was)) sel.value = was;
  $('network-publish-btn').disabled = !stores.length;
  $('network-updated').textContent = t('Updated {time}', { time: new Date().toLocaleTimeString(S.locale) });
}

function wireNetwork() {
  $('network-publish').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const store = $('network-store').value;
    if (!store) return;
    if (!(await confirmBox(t('Publish this catalog to every kiosk of {store}?', { store: store })))) return;
    $('network-publish-btn').disabled = true;
    msg('network-message', t('Checking and publishing…'));
    const r = await api('POST', '/api/v1/network/publish', { store: store, summary: $('network-summary').value });
    $('network-publish-btn').disabled = false;
    if (r.ok) {
      msg('network-message', t('Published to {store} as version {n}.', { store: store, n: r.data.version }), 'ok');
      $('network-summary').value = '';
      loadNetwork();
    } else {
      const more = (r.data.problems || []).join(' ');
      msg('network-message', t('Not published: {why}', { why: r.data.error + (more ? ' ' + more : '') }), 'error');
    }
  });
}
