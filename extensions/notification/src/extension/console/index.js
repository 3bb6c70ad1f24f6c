// Console page of the notification extension (ES module at /dist/notification/index.js):
// receivers (never their credentials), a "send test" button, and the delivery log.
const API = '/kapis/notification.kubesphere.io/v2beta2';
const locales = {
  en: { NOTIFICATION_RECEIVERS: 'Notification', NOTIFICATION_RECEIVERS_DESC: 'Receivers and delivery log',
        SEND_TEST: 'Send test', DELIVERIES: 'Delivery log', UNAVAILABLE: 'Notification unavailable' },
  zh: { NOTIFICATION_RECEIVERS: '通知管理', NOTIFICATION_RECEIVERS_DESC: '接收器与投递日志',
        SEND_TEST: '发送测试', DELIVERIES: '投递日志', UNAVAILABLE: '通知不可用' },
};

async function call(method, path) {
  const r = await fetch(API + path, { method, credentials: 'include' });
  const out = await r.json();
  if (!r.ok) throw new Error(out.message || String(r.status));
  return out;
}

function ReceiversPage({ React, t = k => k }) {
  const [receivers, setReceivers] = React.useState([]);
  const [log, setLog] = React.useState([]);
  const [error, setError] = React.useState(null);
  const load = () => Promise.all([call('GET', '/receivers'), call('GET', '/deliveries')])
    .then(([r, d]) => { setReceivers(r.items); setLog(d.items); }, e => setError(e.message));
  React.useEffect(() => { load(); }, []);
  const h = React.createElement;
  if (error) return h('p', { role: 'alert' }, `${t('UNAVAILABLE')}: ${error}`);
  return h('section', null,
    h('ul', null, receivers.map(r => h('li', { key: r.name }, `${r.name} (${r.type}, ${r.language}) `,
      h('button', { onClick: () => call('POST', `/receivers/${encodeURIComponent(r.name)}/test`).then(load, e => setError(e.message)) }, t('SEND_TEST'))))),
    h('h3', null, t('DELIVERIES')),
    h('table', null, h('tbody', null, log.map(e => h('tr', { key: `${e.id}-${e.attempt}` },
      h('td', null, e.time), h('td', null, e.receiver), h('td', null, e.title), h('td', null, `#${e.attempt}`),
      h('td', null, e.status), h('td', null, e.error || '')))))));
}

export default {
  name: 'notification',
  routes: [{ path: '/notification/receivers', element: ReceiversPage }],
  locales,
};
