import { h, clear, dialogForm, field } from '../dom.js';
import { api, get, session } from '../api.js';
import { t } from '../i18n.js';

const IAM = '/kapis/iam.kubesphere.io/v1beta1';
const ROLE_ANN = 'iam.kubesphere.io/globalrole';

export function table(headers, rows, id) {
  return h('table', { id },
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length }, t('none')))));
}

export function age(ts) { return ts ? new Date(ts).toLocaleString() : ''; }

/** Platform overview: real numbers from the APIs the user may read, nothing else. */
export async function overviewPage(main, { allowed }) {
  const version = await get('/version');
  const cards = [
    h('div', { class: 'card' }, h('div', {}, t('signedInAs')), h('div', { class: 'num', id: 'overview-user' }, session.claims().username)),
    h('div', { class: 'card' }, h('div', {}, t('platformVersion')), h('div', { class: 'num' }, version.gitVersion || '')),
  ];
  if (version.kubernetes && version.kubernetes.gitVersion) {
    cards.push(h('div', { class: 'card' }, h('div', {}, t('kubernetesVersion')), h('div', { class: 'num' }, version.kubernetes.gitVersion)));
  }
  if (allowed.users) {
    const users = await get(IAM + '/users?limit=1');
    cards.push(h('div', { class: 'card' }, h('div', {}, t('users')), h('div', { class: 'num', id: 'overview-users' }, String(users.totalItems))));
  }
  clear(main, h('h1', { id: 'page-title' }, t('overview')), h('div', { class: 'cards' }, cards));
}

async function roleOptions(selected) {
  const roles = await get(IAM + '/globalroles');
  return (roles.items || []).map(r => h('option', { value: r.metadata.name, selected: r.metadata.name === selected }, r.metadata.name));
}

/** Users: list, search, create, edit (email, role), disable/enable, reset password, delete. */
export async function usersPage(main, ctx) {
  const search = h('input', { type: 'search', id: 'user-search', 'aria-label': t('search'), placeholder: t('search') });
  const body = h('div');
  const canManage = ctx.allowed.manageUsers;
  async function load() {
    const q = search.value.trim();
    const list = await get(IAM + '/users?sortBy=createTime' + (q ? '&name=' + encodeURIComponent(q) : ''));
    const rows = (list.items || []).map(u => {
      const name = u.metadata.name;
      const state = (u.status && u.status.state) || 'Active';
      const ann = u.metadata.annotations || {};
      const act = async (fn) => { try { await fn(); await load(); } catch (e) { alert(e.message); } };
      return h('tr', { 'data-user': name },
        h('td', {}, name), h('td', {}, u.spec.email || ''), h('td', {}, ann[ROLE_ANN] || ''),
        h('td', {}, h('span', { class: 'badge ' + (state === 'Disabled' ? 'off' : 'ok') }, state === 'Disabled' ? t('disabled') : t('active'))),
        h('td', {}, age(u.status && u.status.lastLoginTime)),
        canManage ? h('td', {}, h('div', { class: 'actions' },
          h('button', { 'aria-label': t('edit') + ' ' + name, onclick: () => act(() => editUser(u)) }, t('edit')),
          name !== session.claims().username ? h('button', { 'aria-label': (state === 'Disabled' ? t('enable') : t('disable')) + ' ' + name,
            onclick: () => act(() => setState(name, state === 'Disabled' ? 'Active' : 'Disabled')) }, state === 'Disabled' ? t('enable') : t('disable')) : null,
          h('button', { 'aria-label': t('resetPassword') + ' ' + name, onclick: () => act(() => resetPassword(name)) }, t('resetPassword')),
          name !== session.claims().username ? h('button', { class: 'danger', 'aria-label': t('delete') + ' ' + name,
            onclick: () => act(async () => { if (confirm(t('confirmDelete', name))) await api('DELETE', `${IAM}/users/${name}`); }) }, t('delete')) : null)) : null);
    });
    clear(body, table([t('name'), t('email'), t('role'), t('status'), t('lastLogin'), canManage ? t('actions') : null].filter(Boolean), rows, 'users-table'));
  }
  search.addEventListener('input', () => load());
  clear(main, h('h1', { id: 'page-title' }, t('users')),
    h('div', { class: 'toolbar' }, search, canManage ? h('button', { class: 'primary', id: 'create-user', onclick: async () => { if (await createUser()) await load(); } }, t('createUser')) : null),
    body);
  await load();
}

async function createUser() {
  const roles = h('select', { id: 'f-role', name: 'role' }, await roleOptions('platform-regular'));
  const fields = [field(t('name'), 'name', { required: true, pattern: '[a-z0-9]([\\-a-z0-9]*[a-z0-9])?' }),
    field(t('email'), 'email', { type: 'email', required: true }),
    h('label', { for: 'f-role' }, t('role')), roles,
    field(t('password'), 'password', { type: 'password', required: true, minlength: 8, autocomplete: 'new-password' })];
  return submitOnce(t('createUser'), fields, d => api('POST', IAM + '/users', {
    apiVersion: 'iam.kubesphere.io/v1beta1', kind: 'User',
    metadata: { name: d.get('name'), annotations: { [ROLE_ANN]: d.get('role') } },
    spec: { email: d.get('email'), password: d.get('password') } }));
}

async function editUser(u) {
  const roles = h('select', { id: 'f-role', name: 'role' }, await roleOptions((u.metadata.annotations || {})[ROLE_ANN]));
  const fields = [field(t('email'), 'email', { type: 'email', required: true, value: u.spec.email || '' }), h('label', { for: 'f-role' }, t('role')), roles];
  return submitOnce(t('editUser'), fields, d => {
    const next = structuredClone(u);
    next.spec.email = d.get('email');
    next.metadata.annotations = { ...(next.metadata.annotations || {}), [ROLE_ANN]: d.get('role') };
    return api('PUT', `${IAM}/users/${u.metadata.name}`, next);
  });
}

async function setState(name, state) {
  const u = await get(`${IAM}/users/${name}`);
  u.status = { ...(u.status || {}), state };
  await api('PUT', `${IAM}/users/${name}`, u);
}

async function resetPassword(name) {
  return submitOnce(t('resetPassword') + ': ' + name, [field(t('newPassword'), 'password', { type: 'password', required: true, minlength: 8, autocomplete: 'new-password' })],
    d => api('PUT', `${IAM}/users/${name}/password`, { password: d.get('password') }));
}

/** One dialog; on an API error it stays open with the message until the user fixes or cancels. */
function submitOnce(title, fields, fn) {
  return new Promise(resolve => {
    dialogForm(title, fields, t('save'), t('cancel')).then(function handle(r) {
      if (!r) { resolve(false); return; }
      fn(r.data).then(() => { r.close(); resolve(true); }, e => {
        r.error.textContent = e.message;
        const form = r.error.closest('form');
        form.addEventListener('submit', ev => { ev.preventDefault(); handle({ ...r, data: new FormData(form) }); }, { once: true });
      });
    });
  });
}

/** Platform roles (GlobalRoles) with their descriptions. */
export async function rolesPage(main) {
  const list = await get(IAM + '/globalroles');
  const rows = (list.items || []).map(r => {
    const ann = r.metadata.annotations || {};
    return h('tr', {}, h('td', {}, r.metadata.name), h('td', {}, ann['kubesphere.io/description'] || ann['kubesphere.io/alias-name'] || ''), h('td', {}, age(r.metadata.creationTimestamp)));
  });
  clear(main, h('h1', { id: 'page-title' }, t('platformRoles')), table([t('name'), t('description'), t('created')], rows, 'roles-table'));
}
