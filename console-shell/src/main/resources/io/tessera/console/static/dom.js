// A tiny element builder: no framework, so the console needs no build step.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  return el;
}

/** A modal form; resolves with the FormData on submit, or null when cancelled. */
export function dialogForm(title, fields, submitLabel, cancelLabel) {
  return new Promise(resolve => {
    const error = h('p', { class: 'error', role: 'alert' });
    const form = h('form', { method: 'dialog' }, h('h2', {}, title), fields, error,
      h('div', { class: 'buttons' },
        h('button', { type: 'button', onclick: () => { dlg.close(); dlg.remove(); resolve(null); } }, cancelLabel),
        h('button', { type: 'submit', class: 'primary' }, submitLabel)));
    const dlg = h('dialog', { 'aria-label': title }, form);
    form.addEventListener('submit', e => { e.preventDefault(); resolve({ data: new FormData(form), error, close: () => { dlg.close(); dlg.remove(); } }); });
    dlg.addEventListener('cancel', () => { resolve(null); dlg.remove(); });
    document.body.append(dlg);
    dlg.showModal();
  });
}

export function field(label, name, attrs = {}) {
  const id = 'f-' + name;
  return [h('label', { for: id }, label), h('input', { id, name, ...attrs })];
}
