import { h } from '../dom.js';
import { t, lang } from '../i18n.js';

/**
 * A form generated from an extension's configuration JSON Schema (an object schema): strings
 * (enum → select, format password → password field), integers and numbers (min/max), booleans,
 * arrays of scalars (one item per line) and nested objects (a fieldset each). Fields start from
 * the current value, else the schema's default. value() returns the object to store, or throws
 * an Error naming the field that is wrong.
 */
export function schemaForm(schema, current) {
  const readers = [];
  const element = h('div', { class: 'schema-form' }, objectFields(schema, current || {}, 'cfg', readers, []));
  return {
    element,
    value() {
      const out = {};
      for (const read of readers) read(out);
      return out;
    },
  };
}

function titleOf(name, s) {
  const title = s.title && (typeof s.title === 'string' ? s.title : s.title[lang()] || s.title.en);
  return title || name;
}

function put(out, path, v) {
  let o = out;
  for (const k of path.slice(0, -1)) o = (o[k] = o[k] || {});
  o[path[path.length - 1]] = v;
}

function objectFields(schema, current, prefix, readers, path) {
  const required = new Set(schema.required || []);
  return Object.entries(schema.properties || {}).map(([name, s]) => {
    const id = prefix + '-' + name;
    const value = current[name] !== undefined ? current[name] : s.default;
    const here = [...path, name];
    const title = titleOf(name, s);
    const label = title + (required.has(name) ? ' *' : '');
    const help = s.description ? h('small', { class: 'muted', id: id + '-help' }, typeof s.description === 'string' ? s.description : s.description[lang()] || s.description.en) : null;
    const described = help ? id + '-help' : null;
    if (s.type === 'object') {
      return h('fieldset', { id }, h('legend', {}, label), help, objectFields(s, value || {}, id, readers, here));
    }
    if (s.type === 'boolean') {
      const box = h('input', { type: 'checkbox', id, name: here.join('.'), checked: value === true, 'aria-describedby': described });
      readers.push(out => put(out, here, box.checked));
      return h('div', { class: 'check' }, box, h('label', { for: id }, label), help);
    }
    if (Array.isArray(s.enum)) {
      const sel = h('select', { id, name: here.join('.'), 'aria-describedby': described },
        required.has(name) ? null : h('option', { value: '' }, '—'),
        s.enum.map(v => h('option', { value: String(v), selected: v === value }, String(v))));
      readers.push(out => { if (sel.value !== '') put(out, here, s.enum.find(v => String(v) === sel.value)); });
      return [h('label', { for: id }, label), sel, help];
    }
    if (s.type === 'array') {
      const area = h('textarea', { id, name: here.join('.'), rows: 3, 'aria-describedby': described, placeholder: t('onePerLine') });
      area.value = Array.isArray(value) ? value.join('\n') : '';
      const item = (s.items && s.items.type) || 'string';
      readers.push(out => {
        const lines = area.value.split('\n').map(x => x.trim()).filter(Boolean);
        if (!lines.length && !required.has(name)) return;
        put(out, here, lines.map(x => scalar(item, x, title)));
      });
      return [h('label', { for: id }, label), area, help];
    }
    const numeric = s.type === 'integer' || s.type === 'number';
    const input = h('input', { id, name: here.join('.'), type: numeric ? 'number' : s.format === 'password' ? 'password' : 'text',
      step: s.type === 'integer' ? 1 : numeric ? 'any' : null, min: s.minimum, max: s.maximum, minlength: s.minLength, maxlength: s.maxLength,
      pattern: s.pattern, required: required.has(name), 'aria-describedby': described });
    input.value = value === undefined || value === null ? '' : String(value);
    readers.push(out => {
      const raw = input.value.trim();
      if (raw === '') {
        if (required.has(name)) throw new Error(t('fieldRequired', title));
        return;
      }
      put(out, here, scalar(s.type || 'string', raw, title));
    });
    return [h('label', { for: id }, label), input, help];
  });
}

function scalar(type, raw, label) {
  if (type === 'integer' || type === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) throw new Error(t('fieldNotNumber', label));
    return n;
  }
  if (type === 'boolean') return raw === 'true';
  return raw;
}
