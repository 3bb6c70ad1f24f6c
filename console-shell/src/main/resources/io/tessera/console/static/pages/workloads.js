import { h, clear } from '../dom.js';
import { get } from '../api.js';
import { t } from '../i18n.js';
import { table, age } from './platform.js';
import { tabs } from './resources.js';
import { extensionTabs } from '../extensions.js';

const enc = encodeURIComponent;

/** A Deployment: its pods (by its selector), then the tabs extensions add (`project.workloads.tabs`). */
export async function workloadPage(main, { params }) {
  const [ws, ns, name] = params;
  const pods = async panel => {
    const d = await get(`/apis/apps/v1/namespaces/${enc(ns)}/deployments/${enc(name)}`);
    const labels = (d.spec && d.spec.selector && d.spec.selector.matchLabels) || {};
    const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    const list = await get(`/api/v1/namespaces/${enc(ns)}/pods?labelSelector=${enc(selector)}`);
    clear(panel, table([t('name'), t('status'), t('created')], (list.items || []).map(p => h('tr', { 'data-name': p.metadata.name },
      h('td', {}, h('a', { href: `#/workspaces/${enc(ws)}/projects/${enc(ns)}/pods/${enc(p.metadata.name)}` }, p.metadata.name)),
      h('td', {}, (p.status && p.status.phase) || ''), h('td', {}, age(p.metadata.creationTimestamp)))), 'workload-pods-table'));
  };
  await tabs(main, `${ns} / ${name}`, [['Pods', pods],
    ...extensionTabs('project.workloads.tabs', { namespace: ns, workspace: ws, workload: { kind: 'deployment', name } })]);
}

/** A pod: its containers, then the tabs extensions add (`project.pods.tabs`). */
export async function podPage(main, { params }) {
  const [ws, ns, name] = params;
  const containers = async panel => {
    const p = await get(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`);
    clear(panel, table([t('name'), 'Image'], ((p.spec && p.spec.containers) || []).map(c => h('tr', {}, h('td', {}, c.name),
      h('td', {}, c.image))), 'pod-containers-table'));
  };
  await tabs(main, `${ns} / ${name}`, [['Containers', containers],
    ...extensionTabs('project.pods.tabs', { namespace: ns, workspace: ws, pod: name })]);
}
