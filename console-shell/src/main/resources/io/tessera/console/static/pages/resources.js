import { h, clear, dialogForm, field } from '../dom.js';
import { api, get } from '../api.js';
import { t } from '../i18n.js';
import { table, age } from './platform.js';
import { extensionTabs } from '../extensions.js';

const TENANT = '/kapis/tenant.kubesphere.io/v1beta1';

/** Workspaces the user belongs to (the tenancy API filters by membership). */
export async function workspacesPage(main, { allowed }) {
  const list = await get(TENANT + '/workspacetemplates');
  const rows = (list.items || []).map(w => h('tr', {},
    h('td', {}, h('a', { href: '#/workspaces/' + encodeURIComponent(w.metadata.name) }, w.metadata.name)),
    h('td', {}, (w.spec && w.spec.template && w.spec.template.spec && w.spec.template.spec.manager) || ''),
    h('td', {}, age(w.metadata.creationTimestamp))));
  const create = allowed.manageWorkspaces ? h('button', { class: 'primary', id: 'create-workspace', onclick: async () => {
    const r = await dialogForm(t('createWorkspace'), [field(t('name'), 'name', { required: true }), field(t('manager'), 'manager', { value: '' })], t('create'), t('cancel'));
    if (!r) return;
    try {
      await api('POST', TENANT + '/workspacetemplates', { apiVersion: 'tenant.kubesphere.io/v1beta1', kind: 'WorkspaceTemplate',
        metadata: { name: r.data.get('name') }, spec: { template: { spec: { manager: r.data.get('manager') || undefined } } } });
      r.close();
      await workspacesPage(main, { allowed });
    } catch (e) { r.error.textContent = e.message; }
  } }, t('createWorkspace')) : null;
  clear(main, h('h1', { id: 'page-title' }, t('workspaces')), h('div', { class: 'toolbar' }, create), table([t('name'), t('manager'), t('created')], rows, 'workspaces-table'));
}

const IAM = '/kapis/iam.kubesphere.io/v1beta1';
const enc = encodeURIComponent;

/** Tabs as a keyboard-usable tablist; each tab loads its view when chosen. */
export function tabs(main, title, views, selected) {
  const panel = h('section', { role: 'tabpanel', id: 'tab-panel' });
  const bar = h('div', { role: 'tablist', class: 'toolbar' });
  const show = async (i) => {
    [...bar.children].forEach((b, j) => { b.setAttribute('aria-selected', String(i === j)); b.tabIndex = i === j ? 0 : -1; b.className = i === j ? 'primary' : ''; });
    clear(panel, h('p', { class: 'loading' }, t('loading')));
    try { await views[i][1](panel); } catch (e) { clear(panel, h('div', { class: 'card error-card', role: 'alert' }, t('unavailable', e.message))); }
  };
  views.forEach(([label], i) => bar.append(h('button', { role: 'tab', id: 'tab-' + i, 'aria-controls': 'tab-panel',
    onclick: () => show(i), onkeydown: e => {
      const n = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (n) { const j = (i + n + views.length) % views.length; bar.children[j].focus(); show(j); }
    } }, label)));
  clear(main, h('h1', { id: 'page-title' }, title), bar, panel);
  return show(selected || 0);
}

function createButton(id, label, title, fields, submit, reload) {
  return h('button', { class: 'primary', id, onclick: async () => {
    const r = await dialogForm(title, fields(), t('create'), t('cancel'));
    if (!r) return;
    try { await submit(r.data); r.close(); await reload(); } catch (e) { r.error.textContent = e.message; }
  } }, label);
}

/** A workspace: projects, members, roles, departments, quota. */
export async function workspacePage(main, { params }) {
  const ws = params[0];
  const W = `${TENANT}/workspaces/${enc(ws)}`;
  const projects = async panel => {
    const list = await get(`${W}/namespaces`);
    clear(panel, h('div', { class: 'toolbar' }, createButton('create-project', 'Create project', 'Create project',
      () => [field(t('name'), 'name', { required: true })],
      d => api('POST', `${W}/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: d.get('name') } }), () => projects(panel))),
    table([t('name'), t('status'), t('created')], (list.items || []).map(n => h('tr', { 'data-project': n.metadata.name },
      h('td', {}, h('a', { href: `#/workspaces/${enc(ws)}/projects/${enc(n.metadata.name)}` }, n.metadata.name)),
      h('td', {}, (n.status && n.status.phase) || ''), h('td', {}, age(n.metadata.creationTimestamp)))), 'projects-table'));
  };
  const members = async panel => {
    const [list, roles] = await Promise.all([get(`${IAM}/workspaces/${enc(ws)}/workspacemembers`), get(`${IAM}/workspaces/${enc(ws)}/workspaceroles`)]);
    clear(panel, h('div', { class: 'toolbar' }, createButton('invite-member', 'Invite member', 'Invite member',
      () => [field(t('name'), 'username', { required: true }), h('label', { for: 'f-role' }, t('roles')),
        h('select', { id: 'f-role', name: 'role' }, (roles.items || []).map(r => h('option', { value: r.metadata.name }, r.metadata.name)))],
      d => api('POST', `${IAM}/workspaces/${enc(ws)}/workspacemembers`, [{ username: d.get('username'), roleRef: d.get('role') }]), () => members(panel))),
    table([t('name'), t('roles')], (list.items || []).map(m => h('tr', { 'data-member': m.metadata.name }, h('td', {}, m.metadata.name),
      h('td', {}, (m.metadata.annotations || {})['iam.kubesphere.io/workspacerole'] || ''))), 'members-table'));
  };
  const roles = async panel => {
    const list = await get(`${IAM}/workspaces/${enc(ws)}/workspaceroles`);
    clear(panel, table([t('name'), t('description')], (list.items || []).map(r => h('tr', {}, h('td', {}, r.metadata.name),
      h('td', {}, (r.metadata.annotations || {})['kubesphere.io/description'] || ''))), 'workspace-roles-table'));
  };
  const departments = async panel => {
    const list = await get(`${IAM}/workspaces/${enc(ws)}/groups`);
    clear(panel, table([t('name'), t('created')], (list.items || []).map(g => h('tr', {}, h('td', {}, g.metadata.name), h('td', {}, age(g.metadata.creationTimestamp)))), 'departments-table'));
  };
  const quota = async panel => {
    const list = await get(`${W}/resourcequotas`);
    clear(panel, table([t('name'), 'Hard', 'Used'], (list.items || []).map(q => h('tr', {}, h('td', {}, q.metadata.name),
      h('td', {}, kv(q.spec && q.spec.quota && q.spec.quota.hard)), h('td', {}, kv(q.status && q.status.total && q.status.total.used)))), 'quota-table'));
  };
  await tabs(main, ws, [['Projects', projects], ['Members', members], [t('roles'), roles], ['Departments', departments], ['Quota', quota]]);
}

function kv(m) { return Object.entries(m || {}).map(([k, v]) => k + ': ' + v).join(', '); }

const KINDS = {
  deployments: { api: '/apis/apps/v1', kind: 'Deployment', label: 'Workloads' },
  services: { api: '/api/v1', kind: 'Service', label: 'Services' },
  configmaps: { api: '/api/v1', kind: 'ConfigMap', label: 'Config maps' },
  secrets: { api: '/api/v1', kind: 'Secret', label: 'Secrets' },
};

/** A project: overview, members, roles, quota and limit range, and its resources. */
export async function projectPage(main, { params }) {
  const [ws, ns] = params;
  const N = `/api/v1/namespaces/${enc(ns)}`;
  const overview = async panel => {
    const n = await get(`${TENANT}/workspaces/${enc(ws)}/namespaces/${enc(ns)}`);
    clear(panel, h('div', { class: 'cards' }, h('div', { class: 'card' }, h('div', {}, t('workspaces')), h('div', { class: 'num' }, ws)),
      h('div', { class: 'card' }, h('div', {}, t('status')), h('div', { class: 'num' }, (n.status && n.status.phase) || ''))));
  };
  const members = async panel => {
    const [list, roles] = await Promise.all([get(`${IAM}/namespaces/${enc(ns)}/namespacemembers`), get(`${IAM}/namespaces/${enc(ns)}/roles`)]);
    clear(panel, h('div', { class: 'toolbar' }, createButton('invite-project-member', 'Invite member', 'Invite member',
      () => [field(t('name'), 'username', { required: true }), h('label', { for: 'f-role' }, t('roles')),
        h('select', { id: 'f-role', name: 'role' }, (roles.items || []).map(r => h('option', { value: r.metadata.name }, r.metadata.name)))],
      d => api('POST', `${IAM}/namespaces/${enc(ns)}/namespacemembers`, [{ username: d.get('username'), roleRef: d.get('role') }]), () => members(panel))),
    table([t('name'), t('roles')], (list.items || []).map(m => h('tr', {}, h('td', {}, m.metadata.name),
      h('td', {}, (m.metadata.annotations || {})['iam.kubesphere.io/role'] || ''))), 'project-members-table'));
  };
  const roles = async panel => {
    const list = await get(`${IAM}/namespaces/${enc(ns)}/roles`);
    clear(panel, table([t('name')], (list.items || []).map(r => h('tr', {}, h('td', {}, r.metadata.name))), 'project-roles-table'));
  };
  const quota = async panel => {
    const [q, lr] = await Promise.all([get(`${N}/resourcequotas`), get(`${N}/limitranges`)]);
    clear(panel, h('h2', {}, 'Quota'), table([t('name'), 'Hard', 'Used'], (q.items || []).map(x => h('tr', {}, h('td', {}, x.metadata.name),
      h('td', {}, kv(x.spec && x.spec.hard)), h('td', {}, kv(x.status && x.status.used))))),
    h('h2', {}, 'Limit range'), table([t('name'), 'Limits'], (lr.items || []).map(x => h('tr', {}, h('td', {}, x.metadata.name),
      h('td', {}, ((x.spec && x.spec.limits) || []).map(l => l.type + ' ' + kv(l.default)).join('; '))))));
  };
  const list = plural => async panel => {
    const k = KINDS[plural];
    const base = `${k.api}/namespaces/${enc(ns)}/${plural}`;
    const items = (await get(base)).items || [];
    const reload = () => list(plural)(panel);
    clear(panel, h('div', { class: 'toolbar' }, createButton('create-' + plural, t('create'), t('create') + ' ' + k.kind, () => createFields(plural),
      d => api('POST', base, createBody(plural, ns, d)), reload)),
    table([t('name'), t('status'), t('created'), t('actions')], items.map(o => h('tr', { 'data-name': o.metadata.name },
      h('td', {}, plural === 'deployments' ? h('a', { href: `#/workspaces/${enc(ws)}/projects/${enc(ns)}/deployments/${enc(o.metadata.name)}` },
        o.metadata.name) : o.metadata.name), h('td', {}, statusOf(plural, o)), h('td', {}, age(o.metadata.creationTimestamp)),
      h('td', {}, h('div', { class: 'actions' }, h('button', { 'aria-label': 'YAML ' + o.metadata.name, onclick: () => editYaml(base + '/' + enc(o.metadata.name), reload) }, 'YAML'),
        h('button', { class: 'danger', 'aria-label': t('delete') + ' ' + o.metadata.name, onclick: async () => {
          if (confirm(t('confirmDelete', o.metadata.name))) { try { await api('DELETE', base + '/' + enc(o.metadata.name)); await reload(); } catch (e) { alert(e.message); } } } }, t('delete')))))), plural + '-table'));
  };
  await tabs(main, ns, [[t('overview'), overview], ['Members', members], [t('roles'), roles], ['Quota', quota],
    ...Object.keys(KINDS).map(p => [KINDS[p].label, list(p)]), ...extensionTabs('project.tabs', { namespace: ns, workspace: ws })]);
}

function statusOf(plural, o) {
  if (plural === 'deployments') {
    // No kubelet on the embedded cluster: ready replicas stay 0, and the list says so.
    const s = o.status || {};
    return `${s.readyReplicas || 0}/${(o.spec && o.spec.replicas) ?? 1} pods ready`;
  }
  if (plural === 'services') return (o.spec && o.spec.type) || '';
  return Object.keys(o.data || {}).length + ' keys';
}

function createFields(plural) {
  const f = [field(t('name'), 'name', { required: true, pattern: '[a-z0-9]([\\-a-z0-9]*[a-z0-9])?' })];
  if (plural === 'deployments') f.push(field('Image', 'image', { required: true }), field('Replicas', 'replicas', { type: 'number', min: 0, value: 1 }));
  if (plural === 'services') f.push(field('Port', 'port', { type: 'number', min: 1, max: 65535, required: true }), field('Selector app', 'app', { required: true }));
  if (plural === 'configmaps' || plural === 'secrets') f.push(field('Key', 'key', { required: true }), field('Value', 'value', { required: true }));
  return f;
}

function createBody(plural, ns, d) {
  const metadata = { name: d.get('name'), namespace: ns };
  if (plural === 'deployments') {
    const labels = { app: d.get('name') };
    return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { ...metadata, labels }, spec: { replicas: Number(d.get('replicas')),
      selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'main', image: d.get('image') }] } } } };
  }
  if (plural === 'services') {
    return { apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: d.get('app') }, ports: [{ port: Number(d.get('port')) }] } };
  }
  if (plural === 'configmaps') return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { [d.get('key')]: d.get('value') } };
  // data (base64 of the UTF-8 bytes) rather than stringData, which only a real API server folds into data
  const bytes = new TextEncoder().encode(d.get('value'));
  return { apiVersion: 'v1', kind: 'Secret', metadata, type: 'Opaque', data: { [d.get('key')]: btoa(String.fromCharCode(...bytes)) } };
}

/** The object as JSON (YAML's subset that needs no parser), editable and saved with PUT. */
async function editYaml(url, reload) {
  const o = await get(url);
  const text = h('textarea', { id: 'f-yaml', name: 'yaml', rows: 20, 'aria-label': 'YAML' });
  text.value = JSON.stringify(o, null, 2);
  const r = await dialogForm(o.metadata.name, [text], t('save'), t('cancel'));
  if (!r) return;
  try { await api('PUT', url, JSON.parse(r.data.get('yaml'))); r.close(); await reload(); } catch (e) { r.error.textContent = e.message; }
}

function nodeReady(n) {
  const c = ((n.status && n.status.conditions) || []).find(x => x.type === 'Ready');
  return c ? c.status === 'True' : false;
}

/** Cluster nodes through the Kubernetes API with the user's identity. */
export async function nodesPage(main, ctx) {
  const list = await get('/api/v1/nodes');
  const rows = (list.items || []).map(n => {
    const unsched = !!(n.spec && n.spec.unschedulable);
    return h('tr', { 'data-node': n.metadata.name }, h('td', {}, h('a', { href: '#/cluster/nodes/' + encodeURIComponent(n.metadata.name) }, n.metadata.name)),
      h('td', {}, h('span', { class: 'badge ' + (nodeReady(n) ? 'ok' : 'off') }, nodeReady(n) ? 'Ready' : 'NotReady')),
      h('td', {}, unsched ? t('unschedulable') : t('schedulable')),
      ctx.allowed.manageNodes ? h('td', {}, h('button', { 'aria-label': (unsched ? t('uncordon') : t('cordon')) + ' ' + n.metadata.name, onclick: async () => { await cordon(n.metadata.name, !unsched); await nodesPage(main, ctx); } }, unsched ? t('uncordon') : t('cordon'))) : null);
  });
  clear(main, h('h1', { id: 'page-title' }, t('nodes')), table([t('name'), t('status'), t('schedulable'), ctx.allowed.manageNodes ? t('actions') : null].filter(Boolean), rows, 'nodes-table'));
}

function cordon(name, on) {
  return api('PATCH', '/api/v1/nodes/' + encodeURIComponent(name), { spec: { unschedulable: on ? true : null } }, 'application/merge-patch+json');
}

/** A node: labels and taints, editable by whoever may patch nodes; the API's own checks decide. */
export async function nodePage(main, ctx) {
  const url = '/api/v1/nodes/' + encodeURIComponent(ctx.params[0]);
  const n = await get(url);
  const reload = () => nodePage(main, ctx);
  const labels = Object.entries(n.metadata.labels || {}).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v)));
  const taints = ((n.spec && n.spec.taints) || []).map(x => h('tr', {}, h('td', {}, x.key), h('td', {}, x.value || ''), h('td', {}, x.effect)));
  const can = ctx.allowed.manageNodes;
  clear(main, h('h1', { id: 'page-title' }, n.metadata.name),
    h('div', { class: 'toolbar' }, h('h2', {}, t('labels')), can ? h('button', { id: 'edit-labels', onclick: () => editLabels(url, n, reload) }, t('editLabels')) : null),
    table([t('key'), t('value')], labels, 'node-labels'),
    h('div', { class: 'toolbar' }, h('h2', {}, t('taints')), can ? h('button', { id: 'edit-taints', onclick: () => editTaints(url, n, reload) }, t('editTaints')) : null),
    table([t('key'), t('value'), t('effect')], taints, 'node-taints'));
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Rows of inputs with an Add button; each row is removable. */
function rowsEditor(prefix, initial, makeRow) {
  const list = h('div', { id: prefix + '-rows' });
  let count = 0;
  const add = v => {
    const i = count++;
    const row = h('div', { class: 'kv-row' + (prefix === 'taint' ? ' taint' : ''), 'data-row': i }, makeRow(i, v),
      h('button', { type: 'button', class: 'danger', 'aria-label': t('remove') + ' ' + (i + 1), onclick: () => row.remove() }, t('remove')));
    list.append(row);
  };
  initial.forEach(add);
  return [list, h('button', { type: 'button', id: prefix + '-add', onclick: () => add(null) }, t('addRow'))];
}

/** Sends a merge patch from the dialog; an API refusal (e.g. 422 Invalid) stays in the dialog as the API worded it. */
async function patchFromDialog(title, fields, body, url, reload) {
  for (let r = await dialogForm(title, fields, t('save'), t('cancel')); r; ) {
    try {
      await api('PATCH', url, body(r.data), 'application/merge-patch+json');
      r.close();
      await reload();
      return;
    } catch (e) {
      r.error.textContent = e.message;
      const form = r.error.closest('form');
      r = await new Promise(resolve => form.addEventListener('submit', ev => { ev.preventDefault(); resolve({ ...r, data: new FormData(form) }); }, { once: true }));
    }
  }
}

function editLabels(url, n, reload) {
  const old = n.metadata.labels || {};
  const cell = (name, i, label, value) => h('input', { name, 'aria-label': label + ' ' + (i + 1), value: value || '', id: `label-${name}-${i}` });
  const fields = rowsEditor('label', Object.entries(old), (i, v) => [cell('key', i, t('key'), v && v[0]), cell('value', i, t('value'), v && v[1])]);
  return patchFromDialog(t('editLabels'), fields, d => {
    const keys = d.getAll('key').map(k => k.trim());
    const values = d.getAll('value');
    const next = {};
    keys.forEach((k, i) => { if (k) next[k] = values[i].trim(); });
    // A merge patch removes a label by setting it to null.
    for (const k of Object.keys(old)) if (!(k in next)) next[k] = null;
    return { metadata: { labels: next } };
  }, url, reload);
}

function editTaints(url, n, reload) {
  const fields = rowsEditor('taint', (n.spec && n.spec.taints) || [], (i, x) => [
    h('input', { name: 'key', id: `taint-key-${i}`, 'aria-label': t('key') + ' ' + (i + 1), value: (x && x.key) || '' }),
    h('input', { name: 'value', id: `taint-value-${i}`, 'aria-label': t('value') + ' ' + (i + 1), value: (x && x.value) || '' }),
    h('select', { name: 'effect', id: `taint-effect-${i}`, 'aria-label': t('effect') + ' ' + (i + 1) },
      EFFECTS.concat(x && x.effect && !EFFECTS.includes(x.effect) ? [x.effect] : []).map(e => h('option', { value: e, selected: x && x.effect === e }, e)))]);
  return patchFromDialog(t('editTaints'), fields, d => {
    const values = d.getAll('value');
    const effects = d.getAll('effect');
    // The list is replaced as a whole (a merge patch does not merge lists). Keys are sent as typed:
    // the API server, not the console, decides what is valid.
    const taints = d.getAll('key').map((key, i) => ({ key: key.trim(), value: values[i].trim() || undefined, effect: effects[i] }))
      .filter(x => x.key || x.value);
    return { spec: { taints: taints.length ? taints : null } };
  }, url, reload);
}

export async function namespacesPage(main) {
  const list = await get('/api/v1/namespaces');
  const rows = (list.items || []).map(n => h('tr', { 'data-namespace': n.metadata.name }, h('td', {}, n.metadata.name),
    h('td', {}, ((n.metadata.labels || {})['kubesphere.io/workspace']) || ''), h('td', {}, (n.status && n.status.phase) || ''), h('td', {}, age(n.metadata.creationTimestamp))));
  clear(main, h('h1', { id: 'page-title' }, t('namespaces')), table([t('name'), t('workspaces'), t('status'), t('created')], rows, 'namespaces-table'));
}
