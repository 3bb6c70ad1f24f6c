// The YAML an extension manifest uses (docs/extension-package.md): block mappings and sequences,
// one-line flow collections, plain and quoted scalars, comments, `|` and `>` block scalars. No
// anchors, tags or multi-line flow collections; those throw, never guess.

export function parseYaml(text) {
  const lines = [];
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = stripComment(raw).replace(/\s+$/, '');
    if (line.trim() === '' || line === '---') { lines.push(null); continue; }
    if (/^\s*(&|\*|!)/.test(line.trimStart().replace(/^- /, ''))) throw new Error('unsupported YAML: ' + raw.trim());
    lines.push(line);
  }
  const p = { lines, i: 0 };
  skipBlank(p);
  if (p.i >= lines.length) return null;
  return node(p, indentOf(lines[p.i]));
}

function indentOf(line) { return line.length - line.trimStart().length; }
function skipBlank(p) { while (p.i < p.lines.length && p.lines[p.i] === null) p.i++; }

function stripComment(line) {
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) { if (c === quote) quote = null; else if (c === '\\' && quote === '"') i++; continue; }
    if (c === '"' || c === "'") { if (i === 0 || /[\s:\[{,-]/.test(line[i - 1])) quote = c; continue; }
    if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i);
  }
  return line;
}

function node(p, indent) {
  const first = p.lines[p.i].trimStart();
  return first === '-' || first.startsWith('- ') ? sequence(p, indent) : mapping(p, indent);
}

function sequence(p, indent) {
  const out = [];
  for (skipBlank(p); p.i < p.lines.length; skipBlank(p)) {
    const line = p.lines[p.i];
    const rest = line.trimStart();
    if (indentOf(line) !== indent || !(rest === '-' || rest.startsWith('- '))) break;
    const item = rest.slice(1).trimStart();
    if (item === '') { p.i++; out.push(child(p, indent)); continue; }
    if (keyValue(item)) {
      // "- key: value" opens a mapping indented past the dash
      const inner = indent + (rest.length - item.length);
      p.lines[p.i] = ' '.repeat(inner) + item;
      out.push(mapping(p, inner));
      continue;
    }
    p.i++;
    out.push(inlineValue(item, p, indent));
  }
  return out;
}

function mapping(p, indent) {
  const out = {};
  for (skipBlank(p); p.i < p.lines.length; skipBlank(p)) {
    const line = p.lines[p.i];
    if (indentOf(line) < indent) break;
    if (indentOf(line) > indent) throw new Error('bad indentation: ' + line.trim());
    const kv = keyValue(line.trimStart());
    if (!kv) break;
    p.i++;
    if (kv.value === '') {
      skipBlank(p);
      const next = p.lines[p.i];
      const seqHere = next != null && indentOf(next) === indent && /^-( |$)/.test(next.trimStart());
      out[kv.key] = seqHere ? sequence(p, indent) : child(p, indent);
    } else {
      out[kv.key] = inlineValue(kv.value, p, indent);
    }
  }
  return out;
}

function child(p, indent) {
  skipBlank(p);
  const next = p.lines[p.i];
  return next != null && indentOf(next) > indent ? node(p, indentOf(next)) : null;
}

function keyValue(s) {
  let m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:(?:\s+(.*))?$/.exec(s);
  if (m) return { key: scalar(m[1]), value: (m[2] || '').trim() };
  m = /^([^\s:{}\[\],"'][^:]*?)\s*:(?:\s+(.*))?$/.exec(s);
  return m ? { key: m[1], value: (m[2] || '').trim() } : null;
}

function inlineValue(v, p, indent) {
  if (/^[|>][+-]?$/.test(v)) return blockScalar(v, p, indent);
  if (v.startsWith('{') || v.startsWith('[')) {
    const f = { s: v, i: 0 };
    const out = flow(f);
    if (f.s.slice(f.i).trim()) throw new Error('unsupported YAML flow value: ' + v);
    return out;
  }
  return scalar(v);
}

function blockScalar(style, p, indent) {
  const body = [];
  let inner = null;
  while (p.i < p.lines.length) {
    const line = p.lines[p.i];
    if (line !== null && indentOf(line) <= indent) break;
    if (line !== null && inner === null) inner = indentOf(line);
    body.push(line === null ? '' : line.slice(inner));
    p.i++;
  }
  while (body.length && body[body.length - 1] === '') body.pop();
  const text = style[0] === '|' ? body.join('\n') : body.join(' ').replace(/ ?\n ?/g, '\n');
  return style.endsWith('-') ? text : text + '\n';
}

function flow(f) {
  ws(f);
  const c = f.s[f.i];
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']';
    const out = c === '{' ? {} : [];
    f.i++;
    for (;;) {
      ws(f);
      if (f.s[f.i] === close) { f.i++; return out; }
      if (c === '{') {
        const key = flowScalar(f, true);
        ws(f);
        if (f.s[f.i] !== ':') throw new Error('expected ":" in ' + f.s);
        f.i++;
        out[key] = flow(f);
      } else {
        out.push(flow(f));
      }
      ws(f);
      if (f.s[f.i] === ',') { f.i++; continue; }
      if (f.s[f.i] !== close) throw new Error('unterminated flow collection: ' + f.s);
    }
  }
  return flowScalar(f, false);
}

function flowScalar(f, isKey) {
  ws(f);
  const c = f.s[f.i];
  if (c === '"' || c === "'") {
    const re = c === '"' ? /^"(?:[^"\\]|\\.)*"/ : /^'(?:[^']|'')*'/;
    const m = re.exec(f.s.slice(f.i));
    if (!m) throw new Error('unterminated string: ' + f.s);
    f.i += m[0].length;
    return scalar(m[0]);
  }
  const m = (isKey ? /^[^,:{}\[\]]*/ : /^(?:[^,{}\[\]:]|:(?=\S))*/).exec(f.s.slice(f.i));
  f.i += m[0].length;
  return isKey ? m[0].trim() : scalar(m[0].trim());
}

function ws(f) { while (f.i < f.s.length && /\s/.test(f.s[f.i])) f.i++; }

function scalar(v) {
  if (v.startsWith('"')) return JSON.parse(v);
  if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v === '' || v === '~' || v === 'null') return null;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^-?(0|[1-9]\d*)$/.test(v)) return Number(v);
  if (/^-?(0|[1-9]\d*)?\.\d+([eE][-+]?\d+)?$/.test(v)) return Number(v);
  return v;
}
