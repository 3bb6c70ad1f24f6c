// The console page of sample-hello: an ES module the console imports from /dist/sample-hello/index.js.
// It registers one route and its locales; the menu entry comes from extension.yaml (console.entries).
const locales = {
  en: { SAMPLE_HELLO: 'Hello', SAMPLE_HELLO_DESC: 'Greetings from the sample extension' },
  zh: { SAMPLE_HELLO: '你好', SAMPLE_HELLO_DESC: '示例扩展的问候' },
};

// tessera.fetch (from the console) sends the signed-in user's token: the API answers as that user.
async function loadGreetings(tessera) {
  const r = await tessera.fetch('/kapis/samples.tessera.io/v1alpha1/greetings');
  if (!r.ok) throw new Error(`greetings: ${r.status}`);
  return (await r.json()).items;
}

function HelloPage({ React, tessera, t }) {
  const [items, setItems] = React.useState(null);
  const [error, setError] = React.useState(null);
  React.useEffect(() => { loadGreetings(tessera).then(setItems, e => setError(e.message)); }, []);
  if (error) return React.createElement('p', { role: 'alert' }, error);
  if (!items) return React.createElement('p', null, '…');
  return React.createElement('section', { 'aria-label': t('SAMPLE_HELLO') },
    React.createElement('h1', { id: 'sample-hello-title' }, t('SAMPLE_HELLO_DESC')),
    React.createElement('p', { id: 'sample-hello-count' }, `${items.length} greetings`),
    React.createElement('ul', null, items.map(g =>
    React.createElement('li', { key: `${g.metadata.namespace}/${g.metadata.name}` },
      (g.status && g.status.message) || g.spec.name))));
}

export default {
  name: 'sample-hello',
  routes: [{ path: '/sample-hello', element: HelloPage }],
  locales,
};
