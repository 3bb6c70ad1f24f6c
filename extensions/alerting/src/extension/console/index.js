// Console page of the alerting extension (ES module at /dist/alerting/index.js): the alert list
// with firing/silenced/inhibited state and a one-click 2-hour silence for an alert's rule.
const API = '/kapis/alerting.kubesphere.io/v2beta1';
const locales = {
  en: { ALERTING_ALERTS: 'Alerts', ALERTING_ALERTS_DESC: 'Firing, silenced and inhibited alerts', SILENCE_2H: 'Silence 2 h',
        STATE: 'State', ALERT: 'Alert', SEVERITY: 'Severity', SINCE: 'Since', UNAVAILABLE: 'Alerting unavailable' },
  zh: { ALERTING_ALERTS: '告警', ALERTING_ALERTS_DESC: '触发中、已静默与被抑制的告警', SILENCE_2H: '静默 2 小时',
        STATE: '状态', ALERT: '告警', SEVERITY: '级别', SINCE: '开始时间', UNAVAILABLE: '告警不可用' },
};

async function call(method, path, body) {
  const r = await fetch(API + path, { method, credentials: 'include',
    headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  const out = await r.json();
  if (!r.ok) throw new Error(out.message || String(r.status));
  return out;
}

/** The silence that matches one alert's rule: alertname plus its identifying labels. */
export function silenceFor(alert, hours = 2) {
  const keys = ['alertname', 'node', 'namespace', 'pod'].filter(k => alert.labels[k] !== undefined);
  return { matchers: keys.map(k => ({ name: k, value: alert.labels[k], isRegex: false })), duration: `${hours}h`,
    comment: `silenced from the console: ${alert.labels.alertname}` };
}

function AlertsPage({ React, t = k => k }) {
  const [items, setItems] = React.useState(null);
  const [error, setError] = React.useState(null);
  const load = () => call('GET', '/alerts').then(b => setItems(b.items), e => setError(e.message));
  React.useEffect(() => { load(); }, []);
  const h = React.createElement;
  if (error) return h('p', { role: 'alert' }, `${t('UNAVAILABLE')}: ${error}`);
  if (!items) return h('p', null, '…');
  return h('table', null,
    h('thead', null, h('tr', null, ['ALERT', 'SEVERITY', 'STATE', 'SINCE', ''].map(c => h('th', { key: c }, c && t(c))))),
    h('tbody', null, items.map(a => h('tr', { key: a.fingerprint },
      h('td', null, a.labels.alertname), h('td', null, a.labels.severity), h('td', null, a.state), h('td', null, a.startsAt),
      h('td', null, a.state === 'firing' ? h('button', { onClick: () => call('POST', '/silences', silenceFor(a)).then(load, e => setError(e.message)) }, t('SILENCE_2H')) : null)))));
}

export default {
  name: 'alerting',
  routes: [{ path: '/alerting/alerts', element: AlertsPage }],
  locales,
};
