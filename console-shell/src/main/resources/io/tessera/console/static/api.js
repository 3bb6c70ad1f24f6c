// Every call goes to a public API with the signed-in user's own token, exactly as curl would.
const TOKEN_KEY = 'tessera.token';

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set(t) { sessionStorage.setItem(TOKEN_KEY, JSON.stringify(t)); },
  access() { const t = session.token; return t ? JSON.parse(t).access_token : null; },
  clear() { sessionStorage.removeItem(TOKEN_KEY); },
  /** The JWT's claims: who is signed in and whether the bootstrap password is still set. */
  claims() {
    const t = session.access();
    if (!t) return null;
    try { return JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))); } catch { return null; }
  },
};

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

let onUnauthorized = () => {};
export function whenUnauthorized(fn) { onUnauthorized = fn; }

export async function api(method, path, body, contentType = 'application/json') {
  const headers = { Accept: 'application/json' };
  const token = session.access();
  if (token) headers.Authorization = 'Bearer ' + token;
  let payload;
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    payload = typeof body === 'string' || body instanceof URLSearchParams ? body : JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) {
    if (res.status === 401 && token) onUnauthorized();
    const msg = (data && (data.message || data.error_description || data.error)) || res.statusText || ('HTTP ' + res.status);
    throw new ApiError(res.status, msg);
  }
  return data;
}

export const get = p => api('GET', p);

/**
 * fetch() with the signed-in user's token, for extension pages (the page contract's
 * `tessera.fetch`). The token goes only to this origin, never to another host.
 */
export function authFetch(input, init = {}) {
  const url = new URL(input instanceof Request ? input.url : String(input), location.href);
  const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
  const token = session.access();
  if (token && url.origin === location.origin && !headers.has('Authorization')) headers.set('Authorization', 'Bearer ' + token);
  return fetch(input, { ...init, headers }).then(res => {
    if (res.status === 401 && token && url.origin === location.origin) onUnauthorized();
    return res;
  });
}

export async function login(username, password, provider) {
  const form = new URLSearchParams({ grant_type: 'password', username, password, client_id: 'kubesphere', client_secret: 'kubesphere' });
  if (provider) form.set('provider', provider);
  // Never send the previous token: after a password change it is revoked, and the kernel
  // rejects a revoked bearer even on the public token endpoint.
  session.clear();
  const t = await api('POST', '/oauth/token', form, 'application/x-www-form-urlencoded');
  session.set(t);
  return t;
}

export async function logout() {
  try { await api('GET', '/oauth/logout'); } finally { session.clear(); }
}

/**
 * Asks the platform what the user may do (SubjectAccessReview, one batch), so menus and buttons
 * show only what the APIs would allow. Each check: {verb, resource, group?, workspace?, namespace?, scope?}.
 */
export async function can(checks) {
  const user = session.claims();
  const items = checks.map(c => ({
    apiVersion: 'iam.kubesphere.io/v1beta1', kind: 'SubjectAccessReview',
    spec: { user: user.username, groups: ['system:authenticated'],
      resourceAttributes: { resourceScope: c.scope || '', workspace: c.workspace || '', namespace: c.namespace || '',
        verb: c.verb, group: c.group || '', version: '', resource: c.resource, subresource: c.subresource || '', name: c.name || '' } },
  }));
  const res = await api('POST', '/kapis/iam.kubesphere.io/v1beta1/subjectaccessreviews', { items });
  const list = res.items || [res];
  return list.map(r => !!(r.status && r.status.allowed));
}
