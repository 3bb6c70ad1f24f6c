// Console pages of the monitoring extension: a plain ES module imported from /dist/monitoring/index.js.
// Charts are drawn as inline SVG; nothing is fetched but this platform's own kapis.
const API = '/kapis/monitoring.kubesphere.io/v1alpha3';
const locales = {
  en: { MONITORING_CLUSTER: 'Cluster Status', MONITORING_CLUSTER_DESC: 'Cluster resource usage over time',
        MONITORING_NODES: 'Node Ranking', MONITORING_NODES_DESC: 'Nodes ranked by a metric',
        CPU: 'CPU usage (cores)', MEMORY: 'Memory usage (bytes)', LOAD: 'Load average (1 min)',
        NET_IN: 'Network in (B/s)', NET_OUT: 'Network out (B/s)', NODE: 'Node', UNAVAILABLE: 'Monitoring unavailable',
        MONITORING_TAB: 'Monitoring', PODS: 'Pods' },
  zh: { MONITORING_CLUSTER: '集群状态', MONITORING_CLUSTER_DESC: '集群资源用量趋势',
        MONITORING_NODES: '节点排行', MONITORING_NODES_DESC: '按指标排序的节点',
        CPU: 'CPU 用量（核）', MEMORY: '内存用量（字节）', LOAD: '平均负载（1 分钟）',
        NET_IN: '网络流入 (B/s)', NET_OUT: '网络流出 (B/s)', NODE: '节点', UNAVAILABLE: '监控不可用',
        MONITORING_TAB: '监控', PODS: '容器组' },
};

// the console shell's authenticated fetch (docs/console.md, "Extension page contract")
let api = { fetch: (url, init) => fetch(url, init) };

async function get(path) {
  const r = await api.fetch(API + path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.message || String(r.status));
  return body;
}

/** Points [[t, v], …] of a range result's first series. */
export function points(result) {
  const series = result && result.data && result.data.result && result.data.result[0];
  return series ? series.values.map(([t, v]) => [Number(t), Number(v)]) : [];
}

/** An SVG polyline path for points scaled into width × height. */
export function path(pts, width, height) {
  if (pts.length === 0) return '';
  const t0 = pts[0][0], t1 = pts[pts.length - 1][0] || t0 + 1;
  const max = Math.max(...pts.map(p => p[1]), 0) || 1;
  return pts.map(([t, v], i) => `${i ? 'L' : 'M'}${((t - t0) / (t1 - t0 || 1) * width).toFixed(1)},${(height - v / max * height).toFixed(1)}`).join(' ');
}

/** A caption's value: four significant digits, grouped, never in exponent form (524288000 → 524,300,000, not 5.243e+8). */
export function formatValue(v) {
  return Number.isFinite(v) ? v.toLocaleString('en-US', { maximumSignificantDigits: 4 }) : String(v);
}

function Chart({ React, title, pts }) {
  const h = React.createElement;
  const last = pts.length ? pts[pts.length - 1][1] : null;
  return h('figure', { className: 'tsr-chart' },
    h('figcaption', null, title, last === null ? '' : `: ${formatValue(last)}`),
    h('svg', { viewBox: '0 0 300 80', width: 300, height: 80, role: 'img', 'aria-label': title },
      h('path', { d: path(pts, 300, 80), fill: 'none', stroke: 'currentColor', strokeWidth: 1.5 })));
}

const CHARTS = [['cluster_cpu_usage', 'CPU'], ['cluster_memory_usage_wo_cache', 'MEMORY'], ['cluster_load1', 'LOAD'],
  ['cluster_net_bytes_received', 'NET_IN'], ['cluster_net_bytes_transmitted', 'NET_OUT']];

/**
 * Charts of one scope (the project, workload or pod tab) over the last 30 minutes: the series are
 * the monitoring API's range results (KubeSphere's v1alpha3 shape), read from Prometheus.
 */
function ScopeCharts({ React, t, path, charts }) {
  const [results, setResults] = React.useState(null);
  const [error, setError] = React.useState(null);
  React.useEffect(() => {
    const end = Math.floor(Date.now() / 1000);
    const filter = charts.map(c => c[0]).join('|');
    get(`${path}?metrics_filter=${encodeURIComponent(`^(${filter})$`)}&start=${end - 1800}&end=${end}&step=15s`)
      .then(b => setResults(b.results), e => setError(e.message));
  }, [path]);
  const h = React.createElement;
  if (error) return h('p', { role: 'alert' }, `${t('UNAVAILABLE')}: ${error}`);
  if (!results) return h('p', null, '…');
  const byName = Object.fromEntries(results.map(r => [r.metric_name, r]));
  return h('section', { className: 'tsr-metrics' }, charts.map(([m, title]) => h(Chart, { key: m, React, title: t(title), pts: points(byName[m]) })));
}

const scopeCharts = prefix => [[`${prefix}_cpu_usage`, 'CPU'], [`${prefix}_memory_usage_wo_cache`, 'MEMORY'],
  [`${prefix}_net_bytes_received`, 'NET_IN'], [`${prefix}_net_bytes_transmitted`, 'NET_OUT']];

function ProjectTab({ React, t = k => k, tessera, namespace }) {
  if (tessera) api = tessera;
  return React.createElement(ScopeCharts, { React, t, path: `/namespaces/${encodeURIComponent(namespace)}`,
    charts: [...scopeCharts('namespace'), ['namespace_pod_count', 'PODS']] });
}

function WorkloadTab({ React, t = k => k, tessera, namespace, workload }) {
  if (tessera) api = tessera;
  return React.createElement(ScopeCharts, { React, t,
    path: `/namespaces/${encodeURIComponent(namespace)}/workloads/${encodeURIComponent(workload.kind)}/${encodeURIComponent(workload.name)}`,
    charts: [...scopeCharts('workload'), ['workload_pod_count', 'PODS']] });
}

function PodTab({ React, t = k => k, tessera, namespace, pod }) {
  if (tessera) api = tessera;
  return React.createElement(ScopeCharts, { React, t, path: `/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`,
    charts: scopeCharts('pod') });
}

function ClusterPage({ React, t = k => k, tessera }) {
  if (tessera) api = tessera;
  const [results, setResults] = React.useState(null);
  const [error, setError] = React.useState(null);
  React.useEffect(() => {
    const end = Math.floor(Date.now() / 1000);
    const filter = CHARTS.map(c => c[0]).join('|');
    get(`/cluster?metrics_filter=${encodeURIComponent(`^(${filter})$`)}&start=${end - 3600}&end=${end}&step=60s`)
      .then(b => setResults(b.results), e => setError(e.message));
  }, []);
  const h = React.createElement;
  if (error) return h('p', { role: 'alert' }, `${t('UNAVAILABLE')}: ${error}`);
  if (!results) return h('p', null, '…');
  const byName = Object.fromEntries(results.map(r => [r.metric_name, r]));
  return h('section', null, CHARTS.map(([m, title]) => h(Chart, { key: m, React, title: t(title), pts: points(byName[m]) })));
}

function NodesPage({ React, t = k => k, tessera }) {
  if (tessera) api = tessera;
  const [rows, setRows] = React.useState(null);
  const [error, setError] = React.useState(null);
  const [metric, setMetric] = React.useState('node_cpu_utilisation');
  React.useEffect(() => {
    get(`/nodes?metrics_filter=${encodeURIComponent('^(node_cpu_utilisation|node_memory_utilisation|node_load1)$')}&sort_metric=${metric}&sort_type=desc&page=1&limit=10`)
      .then(b => {
        const out = {};
        for (const r of b.results) for (const s of (r.data && r.data.result) || []) {
          (out[s.metric.node] = out[s.metric.node] || { node: s.metric.node })[r.metric_name] = Number(s.value[1]);
        }
        const sorted = Object.values(out).sort((a, b) => (b[metric] ?? -Infinity) - (a[metric] ?? -Infinity));
        setRows(sorted);
      }, e => setError(e.message));
  }, [metric]);
  const h = React.createElement;
  if (error) return h('p', { role: 'alert' }, `${t('UNAVAILABLE')}: ${error}`);
  if (!rows) return h('p', null, '…');
  const cols = ['node_cpu_utilisation', 'node_memory_utilisation', 'node_load1'];
  return h('table', null,
    h('thead', null, h('tr', null, h('th', null, t('NODE')), cols.map(c => h('th', { key: c, onClick: () => setMetric(c) }, c)))),
    h('tbody', null, rows.map(r => h('tr', { key: r.node }, h('td', null, r.node),
      cols.map(c => h('td', { key: c }, r[c] === undefined ? '-' : r[c].toFixed(3)))))));
}

export default {
  name: 'monitoring',
  routes: [{ path: '/monitoring/cluster', element: ClusterPage }, { path: '/monitoring/nodes', element: NodesPage },
    { path: '/monitoring/project', element: ProjectTab }, { path: '/monitoring/workload', element: WorkloadTab },
    { path: '/monitoring/pod', element: PodTab }],
  locales,
};
