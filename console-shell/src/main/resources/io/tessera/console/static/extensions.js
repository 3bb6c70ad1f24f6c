import { h, clear } from './dom.js';
import { session } from './api.js';
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
            if (data && event === 'entries') { this.items = JSON.parse(data).items || []; onChange(); }
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
  /** Menu entries an extension puts in the global menu (or the top bar, which the shell folds into it). */
  entries() {
    const out = [];
    for (const ext of this.items) {
      for (const e of ext.entries || []) {
        if (['global', 'topbar'].includes(e.parent) && e.link) {
          out.push({ extension: ext.name, link: e.link.startsWith('/') ? e.link : '/' + e.link, label: label(ext, e) });
        }
      }
    }
    return out;
  },
};

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
  clear(frame, h('p', { class: 'loading' }, t('loading')));
  try {
    const mod = await import(ext.link + '?resourceVersion=' + encodeURIComponent(ext.version || ''));
    const entry = mod.default || mod;
    const mount = entry.mount || entry.render;
    if (typeof mount !== 'function') throw new Error('the module exports no mount(element, context) function');
    clear(frame);
    await mount(frame, { path: link, token: () => session.access(), lang: lang() });
  } catch (e) {
    // Only this frame shows the failure; the shell and its menu keep working.
    clear(frame, h('div', { class: 'card error-card', role: 'alert' }, t('extensionFailed', e.message)));
  }
}
