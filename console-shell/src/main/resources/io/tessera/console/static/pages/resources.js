import { h, clear, dialogForm, field } from '../dom.js';
import { api, get } from '../api.js';
import { t } from '../i18n.js';
import { table, age } from './platform.js';

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

/** A workspace: its projects and members. */
export async function workspacePage(main, { params }) {
  const ws = params[0];
  const [projects, members] = await Promise.all([
    get(`${TENANT}/workspaces/${encodeURIComponent(ws)}/namespaces`),
    get(`/kapis/iam.kubesphere.io/v1beta1/workspaces/${encodeURIComponent(ws)}/workspacemembers`)]);
  clear(main, h('h1', { id: 'page-title' }, ws),
    h('h2', {}, 'Projects'), table([t('name'), t('status'), t('created')], (projects.items || []).map(n => h('tr', {},
      h('td', {}, n.metadata.name), h('td', {}, (n.status && n.status.phase) || ''), h('td', {}, age(n.metadata.creationTimestamp)))), 'projects-table'),
    h('h2', {}, 'Members'), table([t('name'), t('roles')], (members.items || []).map(m => h('tr', {},
      h('td', {}, m.metadata.name), h('td', {}, ((m.metadata.annotations || {})['iam.kubesphere.io/workspacerole']) || ''))), 'members-table'));
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
    return h('tr', {}, h('td', {}, h('a', { href: '#/cluster/nodes/' + encodeURIComponent(n.metadata.name) }, n.metadata.name)),
      h('td', {}, h('span', { class: 'badge ' + (nodeReady(n) ? 'ok' : 'off') }, nodeReady(n) ? 'Ready' : 'NotReady')),
      h('td', {}, unsched ? t('unschedulable') : t('schedulable')),
      ctx.allowed.manageNodes ? h('td', {}, h('button', { onclick: async () => { await cordon(n.metadata.name, !unsched); await nodesPage(main, ctx); } }, unsched ? t('uncordon') : t('cordon'))) : null);
  });
  clear(main, h('h1', { id: 'page-title' }, t('nodes')), table([t('name'), t('status'), t('schedulable'), ctx.allowed.manageNodes ? t('actions') : null].filter(Boolean), rows, 'nodes-table'));
}

function cordon(name, on) {
  return api('PATCH', '/api/v1/nodes/' + encodeURIComponent(name), { spec: { unschedulable: on ? true : null } }, 'application/merge-patch+json');
}

export async function nodePage(main, { params }) {
  const n = await get('/api/v1/nodes/' + encodeURIComponent(params[0]));
  const labels = Object.entries(n.metadata.labels || {}).map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, v)));
  const taints = ((n.spec && n.spec.taints) || []).map(x => h('tr', {}, h('td', {}, x.key), h('td', {}, x.value || ''), h('td', {}, x.effect)));
  clear(main, h('h1', { id: 'page-title' }, n.metadata.name),
    h('h2', {}, 'Labels'), table(['Key', 'Value'], labels), h('h2', {}, 'Taints'), table(['Key', 'Value', 'Effect'], taints));
}

export async function namespacesPage(main) {
  const list = await get('/api/v1/namespaces');
  const rows = (list.items || []).map(n => h('tr', {}, h('td', {}, n.metadata.name),
    h('td', {}, ((n.metadata.labels || {})['kubesphere.io/workspace']) || ''), h('td', {}, (n.status && n.status.phase) || ''), h('td', {}, age(n.metadata.creationTimestamp))));
  clear(main, h('h1', { id: 'page-title' }, t('namespaces')), table([t('name'), t('workspaces'), t('status'), t('created')], rows, 'namespaces-table'));
}

/** The marketplace catalog: Extension objects (reference §6.1) with a text search. */
export async function marketplacePage(main) {
  const list = await get('/apis/kubesphere.io/v1alpha1/extensions');
  const search = h('input', { type: 'search', id: 'extension-search', 'aria-label': t('search'), placeholder: t('search') });
  const body = h('div');
  const show = () => {
    const q = search.value.trim().toLowerCase();
    const rows = (list.items || []).filter(e => !q || e.metadata.name.includes(q)).map(e => h('tr', {},
      h('td', {}, e.metadata.name), h('td', {}, (e.status && e.status.installedVersion) || ''), h('td', {}, (e.status && e.status.state) || '')));
    clear(body, table([t('name'), 'Version', t('status')], rows, 'extensions-table'));
  };
  search.addEventListener('input', show);
  clear(main, h('h1', { id: 'page-title' }, t('marketplace')), h('div', { class: 'toolbar' }, search), body);
  show();
}
