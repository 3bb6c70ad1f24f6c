import { h, clear } from '../dom.js';
import { api, get, session } from '../api.js';
import { t, lang } from '../i18n.js';
import { table } from './platform.js';
import { schemaForm } from './schema-form.js';

// The catalog is read from the marketplace API; installing goes through InstallPlan objects in the
// Kubernetes API, exactly as KubeSphere's console does (docs/console.md, "Marketplace").
const PKG = '/kapis/package.kubesphere.io/v1alpha1';
const PLANS = '/apis/kubesphere.io/v1alpha1/installplans';
const PAGE_SIZE = 10;
const enc = encodeURIComponent;
/** End states of an InstallPlan (the contract); a failed one carries its reason in a condition. */
const FAILED = ['InstallFailed', 'UpgradeFailed', 'UninstallFailed'];

/** A localized field ({en, zh} or a plain string). */
export function local(v) {
  if (!v || typeof v === 'string') return v || '';
  return v[lang()] || v.en || Object.values(v)[0] || '';
}

function stateBadge(state) {
  if (!state) return h('span', { class: 'badge' }, t('notInstalled'));
  const cls = state === 'Installed' ? 'ok' : FAILED.includes(state) ? 'off' : '';
  return h('span', { class: 'badge ' + cls }, state);
}

/** Catalog: search, category and installed filters, pages of PAGE_SIZE; state kept in the hash query. */
export async function marketplacePage(main, ctx) {
  const query = new URLSearchParams(ctx.query || '');
  const page = Math.max(1, Number(query.get('page')) || 1);
  const go = changes => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) { if (v) next.set(k, v); else next.delete(k); }
    if (!('page' in changes)) next.delete('page');
    location.hash = '#/marketplace' + (next.toString() ? '?' + next : '');
  };
  const params = new URLSearchParams({ page: String(page), limit: String(PAGE_SIZE) });
  for (const k of ['q', 'category', 'installed']) if (query.get(k)) params.set(k, query.get(k));
  const [list, categories] = await Promise.all([get(`${PKG}/extensions?${params}`), get(`${PKG}/categories`)]);

  const search = h('input', { type: 'search', id: 'extension-search', 'aria-label': t('search'), placeholder: t('search'), value: query.get('q') || '' });
  search.addEventListener('keydown', e => { if (e.key === 'Enter') go({ q: search.value.trim() }); });
  search.addEventListener('search', () => go({ q: search.value.trim() }));
  const category = h('select', { id: 'extension-category', 'aria-label': t('category'), onchange: e => go({ category: e.target.value }) },
    h('option', { value: '' }, t('allCategories')),
    (categories.items || []).map(c => h('option', { value: c.metadata.name, selected: c.metadata.name === query.get('category') },
      local(c.spec && c.spec.displayName) || c.metadata.name)));
  const installed = h('select', { id: 'extension-installed', 'aria-label': t('installedFilter'), onchange: e => go({ installed: e.target.value }) },
    h('option', { value: '' }, t('allExtensions')),
    h('option', { value: 'true', selected: query.get('installed') === 'true' }, t('installedOnly')),
    h('option', { value: 'false', selected: query.get('installed') === 'false' }, t('notInstalled')));

  const rows = (list.items || []).map(e => {
    const name = e.metadata.name;
    const s = e.status || {};
    return h('tr', { 'data-extension': name },
      h('td', {}, h('a', { href: '#/marketplace/' + enc(name) }, local(e.spec && e.spec.displayName) || name), h('div', { class: 'muted' }, name)),
      h('td', {}, local(e.spec && e.spec.description)),
      h('td', {}, s.recommendedVersion || (e.spec && e.spec.version) || ''),
      h('td', {}, s.installedVersion || ''),
      h('td', {}, stateBadge(s.state)));
  });
  const total = list.totalItems || 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const pager = h('nav', { class: 'toolbar pager', 'aria-label': t('pages') },
    h('button', { id: 'page-prev', disabled: page <= 1, onclick: () => go({ page: String(page - 1) }) }, t('previous')),
    h('span', { id: 'page-info' }, t('pageOf', page, pages, total)),
    h('button', { id: 'page-next', disabled: page >= pages, onclick: () => go({ page: String(page + 1) }) }, t('next')));
  clear(main, h('h1', { id: 'page-title' }, t('marketplace')),
    h('div', { class: 'toolbar' }, search, h('button', { id: 'extension-search-go', onclick: () => go({ q: search.value.trim() }) }, t('search')), category, installed),
    table([t('name'), t('description'), t('latestVersion'), t('installedVersion'), t('status')], rows, 'extensions-table'), pager);
}

function decodeFile(f) {
  const bytes = Uint8Array.from(atob(f.data || ''), c => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * The configuration schema of one version: the JSON Schema file among the version's files (the
 * catalog serves a manifest's `configSchema` as `config.schema.json`). Null when the extension has none.
 */
export async function configSchema(name, version) {
  const files = await get(`${PKG}/extensionversions/${enc(name + '-' + version)}/files`);
  const schemaFile = (files || []).find(f => /(^|\/)[^/]*schema\.json$/.test(f.name));
  return schemaFile ? JSON.parse(decodeFile(schemaFile)) : null;
}

/** The extension's InstallPlan, or null when it is not installed. */
async function plan(name) {
  try { return await get(`${PLANS}/${enc(name)}`); } catch (e) { if (e.status === 404) return null; throw e; }
}

/**
 * Watches one InstallPlan through the Kubernetes API (a watch filtered to its name) and calls
 * onEvent(type, object) for each change until the signal aborts; reconnects if the stream ends.
 */
export async function watchPlan(name, onEvent, signal) {
  let delay = 500;
  while (!signal.aborted) {
    try {
      const res = await fetch(`${PLANS}?watch=true&fieldSelector=${enc('metadata.name=' + name)}`,
        { headers: { Authorization: 'Bearer ' + session.access() }, signal });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      delay = 500;
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line);
          if (ev.type !== 'ERROR') onEvent(ev.type, ev.object);
        }
      }
    } catch (e) {
      if (signal.aborted) return;
    }
    await new Promise(r => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

function failureMessage(p) {
  const conds = (p.status && p.status.conditions) || [];
  const bad = conds.filter(c => c.status === 'False' || /Fail/.test(c.type || '') || /Fail|Refused|Error/.test(c.reason || ''));
  const c = bad[bad.length - 1] || conds[conds.length - 1];
  return c ? [c.reason, c.message].filter(Boolean).join(': ') : '';
}

/** Extension detail: description, readme, versions with permissions and dependencies, and actions. */
export async function extensionDetailPage(main, ctx) {
  const name = ctx.params[0];
  const detail = await get(`${PKG}/extensions/${enc(name)}`);
  const ext = detail.extension;
  const versions = detail.versions || [];
  const canManage = ctx.allowed.manageExtensions;
  let current = canManage ? await plan(name) : null;

  const title = local(ext.spec && ext.spec.displayName) || name;
  const providers = (ext.spec && ext.spec.provider) || {};
  const provider = (providers[lang()] || providers.en || {}).name;
  const stateEl = h('span', { id: 'extension-state' });
  const installedEl = h('span', { id: 'extension-installed-version' });
  const progress = h('ol', { id: 'install-progress', 'aria-label': t('progress') });
  const error = h('p', { class: 'error', role: 'alert', id: 'install-error' });
  const actions = h('div', { class: 'toolbar', id: 'extension-actions' });
  const versionSelect = h('select', { id: 'extension-version', 'aria-label': t('version') },
    versions.map(v => h('option', { value: v.spec.version }, v.spec.version)));
  const versionInfo = h('div', { id: 'version-info' });
  let lastState = null;

  const installedVersion = () => current ? (current.status && current.status.version) || current.spec.extension.version : (ext.status && ext.status.installedVersion) || '';
  function showState() {
    const state = current ? (current.status && current.status.state) || 'Preparing' : (canManage ? null : (ext.status && ext.status.state));
    clear(stateEl, stateBadge(state));
    installedEl.textContent = installedVersion();
    if (current) {
      // The runtime records each transition in status.stateHistory; without it, what this page saw.
      const history = (current.status && current.status.stateHistory) || [];
      if (history.length) {
        clear(progress, history.map(x => h('li', { 'data-state': x.state }, `${new Date(x.lastTransitionTime).toLocaleTimeString()} ${x.state}`)));
      } else if (state !== lastState) {
        progress.append(h('li', { 'data-state': state }, `${new Date().toLocaleTimeString()} ${state}`));
      }
      lastState = state;
    }
    error.textContent = current && FAILED.includes(state) ? t('actionFailed', state, failureMessage(current)) : '';
    drawActions(state);
  }

  async function act(fn) {
    error.textContent = '';
    try { await fn(); } catch (e) { error.textContent = e.message; }
  }

  function drawActions(state) {
    if (!canManage) { clear(actions); return; }
    const chosen = versionSelect.value;
    const busy = ['Preparing', 'Upgrading', 'Uninstalling'].includes(state);
    const buttons = [];
    if (!current) {
      buttons.push(h('button', { class: 'primary', id: 'install-extension', onclick: () => act(() => install(chosen)) }, t('install')));
    } else {
      if (chosen && chosen !== installedVersion()) {
        buttons.push(h('button', { class: 'primary', id: 'upgrade-extension', disabled: busy,
          onclick: () => act(() => api('PATCH', `${PLANS}/${enc(name)}`, { spec: { extension: { version: chosen } } }, 'application/merge-patch+json')) }, t('upgradeTo', chosen)));
      }
      buttons.push(h('button', { id: 'configure-extension', disabled: busy, onclick: () => act(() => configure()) }, t('configure')));
      buttons.push(h('button', { class: 'danger', id: 'uninstall-extension', disabled: state === 'Uninstalling', onclick: () => act(async () => {
        if (confirm(t('confirmUninstall', title))) await api('DELETE', `${PLANS}/${enc(name)}`);
      }) }, t('uninstall')));
    }
    clear(actions, buttons);
  }

  async function install(version) {
    const schema = await configSchema(name, version);
    const config = await editConfig(schema, null, t('installTitle', title, version));
    if (config === undefined) return;
    progress.replaceChildren();
    lastState = null;
    const spec = { enabled: true, extension: { name, version } };
    if (config) spec.config = config;
    current = await api('POST', PLANS, { apiVersion: 'kubesphere.io/v1alpha1', kind: 'InstallPlan', metadata: { name }, spec });
    showState();
  }

  async function configure() {
    const schema = await configSchema(name, installedVersion());
    const config = await editConfig(schema, current.spec.config || '', t('configureTitle', title));
    if (config === undefined) return;
    // spec.config is YAML; JSON is YAML, and an empty form clears it (the defaults apply).
    current = await api('PATCH', `${PLANS}/${enc(name)}`, { spec: { config: config || null } }, 'application/merge-patch+json');
    showState();
  }

  function showVersion() {
    const v = versions.find(x => x.spec.version === versionSelect.value);
    if (!v) { clear(versionInfo); return; }
    const s = v.spec;
    const deps = Object.entries(s.dependencies || {});
    const perms = s.permissions || [];
    clear(versionInfo,
      h('dl', { class: 'facts' },
        h('dt', {}, t('kernelVersion')), h('dd', {}, s.kernelVersion || s.ksVersion || '—'),
        h('dt', {}, t('created')), h('dd', {}, s.created ? new Date(s.created).toLocaleString() : '—')),
      h('h2', {}, t('permissions')),
      table([t('apiGroup'), t('resources'), t('verbs')], perms.map(p => h('tr', {},
        h('td', {}, p.group || 'core'), h('td', {}, (p.resources || []).join(', ')), h('td', {}, (p.verbs || []).join(', ')))), 'extension-permissions'),
      h('h2', {}, t('dependencies')),
      table([t('name'), t('versionRange')], deps.map(([d, range]) => h('tr', {}, h('td', {}, h('a', { href: '#/marketplace/' + enc(d) }, d)), h('td', {}, range))), 'extension-dependencies'),
      h('h2', {}, t('readme')), h('div', { class: 'readme', id: 'extension-readme' }, s.readme || local(ext.spec && ext.spec.description)),
      s.changelog ? [h('h2', {}, t('changelog')), h('div', { class: 'readme', id: 'extension-changelog' }, s.changelog)] : null);
    drawActions(current ? current.status && current.status.state : null);
  }
  versionSelect.addEventListener('change', showVersion);

  clear(main, h('p', {}, h('a', { href: '#/marketplace' }, '← ' + t('marketplace'))),
    h('h1', { id: 'page-title' }, title),
    h('p', { id: 'extension-description' }, local(ext.spec && ext.spec.description)),
    h('dl', { class: 'facts' },
      h('dt', {}, t('name')), h('dd', {}, name),
      provider ? [h('dt', {}, t('provider')), h('dd', {}, provider)] : null,
      h('dt', {}, t('status')), h('dd', {}, stateEl),
      h('dt', {}, t('installedVersion')), h('dd', {}, installedEl)),
    actions, error,
    canManage ? h('section', { class: 'card', 'aria-live': 'polite' }, h('h2', {}, t('progress')), progress) : null,
    h('label', { for: 'extension-version' }, t('version')), versionSelect, versionInfo);
  showVersion();
  showState();

  if (canManage) {
    // Live progress: every change of the plan (created, state, conditions, deleted) redraws the state.
    const stop = new AbortController();
    ctx.onLeave(() => stop.abort());
    watchPlan(name, (type, obj) => {
      if (type === 'DELETED') {
        current = null;
        progress.append(h('li', { 'data-state': 'Uninstalled' }, `${new Date().toLocaleTimeString()} ${t('uninstalled')}`));
        lastState = null;
      } else {
        current = obj;
      }
      showState();
    }, stop.signal);
  }
}

/**
 * The configuration dialog: a form generated from the JSON Schema when there is one, else a YAML
 * text area. Resolves with spec.config (a string, '' for none) or undefined when cancelled.
 */
function editConfig(schema, currentYaml, title) {
  return new Promise(resolve => {
    let values = {};
    let raw = currentYaml || '';
    if (currentYaml) { try { values = JSON.parse(currentYaml); } catch { values = null; } }
    const useForm = schema && schema.type === 'object' && values !== null;
    const form = useForm ? schemaForm(schema, values) : null;
    const text = useForm ? null : h('textarea', { id: 'f-config', rows: 10, 'aria-label': t('configuration') });
    if (text) text.value = raw;
    const error = h('p', { class: 'error', role: 'alert' });
    const body = h('form', { method: 'dialog', id: 'config-form' }, h('h2', {}, title),
      useForm ? form.element : [h('label', { for: 'f-config' }, t('configurationYaml')), text], error,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); resolve(undefined); } }, t('cancel')),
        h('button', { type: 'submit', class: 'primary', id: 'config-submit' }, t('save'))));
    const dlg = h('dialog', { 'aria-label': title }, body);
    body.addEventListener('submit', e => {
      e.preventDefault();
      try {
        const out = useForm ? form.value() : text.value.trim();
        dlg.close(); dlg.remove();
        resolve(useForm ? (Object.keys(out).length ? JSON.stringify(out) : '') : out);
      } catch (err) { error.textContent = err.message; }
    });
    dlg.addEventListener('cancel', () => { dlg.remove(); resolve(undefined); });
    document.body.append(dlg);
    dlg.showModal();
  });
}
