// The console page of sample-hello: an ES module the console imports from /dist/sample-hello/index.js.
// It registers one route and its locales; the menu entry comes from extension.yaml (console.entries).
const locales = {
  en: { SAMPLE_HELLO: 'Hello', SAMPLE_HELLO_DESC: 'Greetings from the sample extension' },
  zh: { SAMPLE_HELLO: '你好', SAMPLE_HELLO_DESC: '示例扩展的问候' },
};

async function loadGreetings() {
  const r = await fetch('/kapis/samples.tessera.io/v1alpha1/greetings', { credentials: 'include' });
  if (!r.ok) throw new Error(`greetings: ${r.status}`);
  return (await r.json()).items;
}

function HelloPage({ React }) {
  const [items, setItems] = React.useState([]);
  const [error, setError] = React.useState(null);
  React.useEffect(() => { loadGreetings().then(setItems, e => setError(e.message)); }, []);
  if (error) return React.createElement('p', { role: 'alert' }, error);
  return React.createElement('ul', null, items.map(g =>
    React.createElement('li', { key: `${g.metadata.namespace}/${g.metadata.name}` },
      (g.status && g.status.message) || g.spec.name)));
}

export default {
  name: 'sample-hello',
  routes: [{ path: '/sample-hello', element: HelloPage }],
  locales,
};
