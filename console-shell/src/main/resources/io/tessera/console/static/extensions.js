import { h, clear } from './dom.js';
import { session, authFetch } from './api.js';
import { t, lang } from './i18n.js';

const BASE = '/kapis/extensions.tessera.io/v1alpha1/consoleentries';

/**
 * The installed extensions' console entries, kept current by the kernel's server-sent-events
 * stream. fetch() reads the stream because EventSource cannot send the Authorization header.
 */
export const extensions = {
  items: [],
  controller: null,
  start(onChange) {
    if (this.controller) return;
    this.controller = new AbortController();
    this.loop(onChange, this.controller.signal);
  },
  stop() { if (this.controller) this.controller.abort(); this.controller = null; this.items = []; },
  async loop(onChange, signal) {
    let delay = 1000;
    while (!signal.aborted) {
      try {
        // The list first: the page can use the entries even when a proxy holds the stream back.
        const list = await fetch(BASE, { headers: { Authorization: 'Bearer ' + session.access(), Accept: 'application/json' }, signal });
        if (list.ok) this.accept((await list.json()).items || [], onChange);
        const res = await fetch(BASE + '/watch', { headers: { Authorization: 'Bearer ' + session.access(), Accept: 'text/event-stream' }, signal });
        if (!res.ok) throw new Error('HTTP ' + res.status);
        delay = 1000;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value.replace(/\r\n/g, '\n');
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block.split('\n').filter(l => l.startsWith('data:')).map(l => l.slice(5).replace(/^ /, '')).join('\n');
            const event = (block.split('\n').find(l => l.startsWith('event:')) || 'event: message').slice(6).trim();
            if (data && event === 'entries') this.accept(JSON.parse(data).items || [], onChange);
          }
        }
      } catch (e) {
        if (signal.aborted) return;
      }
      // The stream ended or is not served (yet): reconnect with a capped back-off.
      await new Promise(r => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  },
  accept(items, onChange) {
    this.items = items;
    onChange();
    // Menu titles are locale keys the extension's module defines: load them, then redraw.
    loadLocales(this.items).then(changed => { if (changed) onChange(); });
  },
  /** Menu entries an extension puts in the global menu (or the top bar, which the shell folds into it). */
  entries() {
    const out = [];
    for (const ext of this.items) {
      for (const e of ext.entries || []) {
        if (['global', 'topbar', 'cluster'].includes(e.parent) && e.link) {
          out.push({ extension: ext.name, link: e.link.startsWith('/') ? e.link : '/' + e.link, label: label(ext, e) });
        }
      }
    }
    return out;
  },
};

const modules = new Map();

/**
 * What the console gives extension pages (docs/console.md, "Extension page contract"): `fetch` sends
 * the signed-in user's token to the platform's APIs, so a page calls its extension's API as the
 * user. Also on `window.tessera` for modules that call it outside a component.
 */
export const tessera = Object.freeze({
  fetch: authFetch,
  get lang() { return lang(); },
  get user() { const c = session.claims(); return c ? c.username : null; },
});
window.tessera = tessera;

/** The extension's ES module, once per extension version (resourceVersion busts the cache). */
function load(ext) {
  const url = ext.link + '?resourceVersion=' + encodeURIComponent(ext.version || '');
  if (!modules.has(url)) modules.set(url, import(url).then(m => m.default || m));
  return modules.get(url);
}

async function loadLocales(items) {
  let changed = false;
  await Promise.all(items.map(async ext => {
    if (ext.locales) return;
    try { const m = await load(ext); if (m.locales) { ext.locales = m.locales; changed = true; } } catch { /* shown when its page opens */ }
  }));
  return changed;
}

function label(ext, e) {
  const locales = ext.locales && ext.locales[lang()];
  return (locales && locales[e.title]) || e.displayName || e.title || e.name;
}

/** The page host: loads the extension's ES module and lets it draw into its own frame. */
export async function extensionPage(main, { params }) {
  const link = '/' + params[0];
  const ext = extensions.items.find(x => (x.entries || []).some(e => ('/' + (e.link || '').replace(/^\//, '')) === link));
  const frame = h('section', { class: 'ext-frame', 'aria-label': link });
  clear(main, frame);
  if (!ext) { clear(frame, h('p', {}, t('notFound'))); return; }
  await renderModule(frame, ext, link, {});
}

/**
 * Tabs extensions add to a page (entries whose parent is e.g. `project.tabs`): [label, view] pairs
 * for the page's tablist; each view renders the entry's route with the page's `props`
 * (namespace, workspace, workload, pod).
 */
export function extensionTabs(parent, props) {
  const out = [];
  for (const ext of extensions.items) {
    for (const e of ext.entries || []) {
      if (e.parent === parent && e.link) {
        const link = e.link.startsWith('/') ? e.link : '/' + e.link;
        out.push([label(ext, e), panel => renderModule(panel, ext, link, props)]);
      }
    }
  }
  return out;
}

async function renderModule(frame, ext, link, props) {
  clear(frame, h('p', { class: 'loading' }, t('loading')));
  try {
    const entry = await load(ext);
    // KubeSphere's contract (reference §6.4): {routes: [{path, element}], locales}; the element is
    // a React-style component, rendered here by Preact with a React-compatible object.
    const route = (entry.routes || []).find(r => r.path === link) || (entry.routes || [])[0];
    if (route && typeof route.element === 'function') {
      const preact = await import('preact');
      const hooks = await import('preact/hooks');
      const React = { createElement: preact.h, Fragment: preact.Fragment, ...hooks };
      clear(frame);
      preact.render(preact.h(ErrorBoundary(preact), null, preact.h(route.element, { ...props, React, tessera,
        t: key => (entry.locales && entry.locales[lang()] && entry.locales[lang()][key]) || key })), frame);
    } else if (typeof entry.mount === 'function') {
      clear(frame);
      await entry.mount(frame, { ...props, path: link, tessera, lang: lang() });
    } else {
      throw new Error('the module has no route for ' + link);
    }
  } catch (e) {
    // Only this frame shows the failure; the shell and its menu keep working.
    clear(frame, h('div', { class: 'card error-card', role: 'alert' }, t('extensionFailed', e.message)));
  }
}

/** A render error in the extension's component stays inside its frame. */
function ErrorBoundary(preact) {
  return class extends preact.Component {
    componentDidCatch(error) { this.setState({ error }); }
    render() {
      if (this.state && this.state.error) {
        return preact.h('div', { class: 'card error-card', role: 'alert' }, t('extensionFailed', this.state.error.message));
      }
      return this.props.children;
    }
  };
}
