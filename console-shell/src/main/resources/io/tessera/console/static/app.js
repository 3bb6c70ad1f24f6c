import { h, clear } from './dom.js';
import { session, can, logout, whenUnauthorized } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { loginPage, passwordPage } from './pages/login.js';
import { overviewPage, usersPage, rolesPage } from './pages/platform.js';
import { workspacesPage, workspacePage, projectPage, nodesPage, nodePage, namespacesPage } from './pages/resources.js';
import { marketplacePage, extensionDetailPage } from './pages/marketplace.js';
import { extensions, extensionPage } from './extensions.js';
import { workloadPage, podPage } from './pages/workloads.js';

const root = document.getElementById('app');
setLang(lang());

// What the signed-in user may reach, asked once per sign-in (SubjectAccessReview).
let allowed = null;

async function permissions() {
  const checks = [
    { key: 'users', verb: 'list', group: 'iam.kubesphere.io', resource: 'users', scope: 'global' },
    { key: 'roles', verb: 'list', group: 'iam.kubesphere.io', resource: 'globalroles', scope: 'global' },
    { key: 'workspaces', verb: 'list', group: 'tenant.kubesphere.io', resource: 'workspacetemplates', scope: 'global' },
    { key: 'nodes', verb: 'list', resource: 'nodes', scope: 'cluster' },
    { key: 'namespaces', verb: 'list', resource: 'namespaces', scope: 'cluster' },
    // Installing is creating an InstallPlan in the Kubernetes API (cluster scope).
    { key: 'manageExtensions', verb: 'create', group: 'kubesphere.io', resource: 'installplans', scope: 'cluster' },
    { key: 'manageUsers', verb: 'create', group: 'iam.kubesphere.io', resource: 'users', scope: 'global' },
    { key: 'manageWorkspaces', verb: 'create', group: 'tenant.kubesphere.io', resource: 'workspacetemplates', scope: 'global' },
    { key: 'manageNodes', verb: 'patch', resource: 'nodes', scope: 'cluster' },
  ];
  const answers = await can(checks);
  return Object.fromEntries(checks.map((c, i) => [c.key, answers[i]]));
}

const routes = [
  [/^overview$/, () => overviewPage],
  [/^users$/, () => usersPage, 'users'],
  [/^roles$/, () => rolesPage, 'roles'],
  [/^workspaces$/, () => workspacesPage],
  [/^workspaces\/([^/]+)$/, () => workspacePage],
  [/^workspaces\/([^/]+)\/projects\/([^/]+)$/, () => projectPage],
  [/^workspaces\/([^/]+)\/projects\/([^/]+)\/deployments\/([^/]+)$/, () => workloadPage],
  [/^workspaces\/([^/]+)\/projects\/([^/]+)\/pods\/([^/]+)$/, () => podPage],
  [/^cluster\/nodes$/, () => nodesPage, 'nodes'],
  [/^cluster\/nodes\/([^/]+)$/, () => nodePage, 'nodes'],
  [/^cluster\/namespaces$/, () => namespacesPage, 'namespaces'],
  // Any signed-in user may read the catalog (the marketplace contract).
  [/^marketplace$/, () => marketplacePage],
  [/^marketplace\/([^/]+)$/, () => extensionDetailPage],
  [/^ext\/(.+)$/, () => extensionPage],
];

function menu(current) {
  const link = (href, label) => h('a', { href: '#/' + href, 'aria-current': current === href ? 'page' : null }, label);
  const group = (title, links) => links.some(Boolean) ? [h('h2', {}, title), links] : [];
  const extLinks = extensions.entries().map(e => link('ext' + e.link, e.label));
  return h('nav', { class: 'side', 'aria-label': t('platform') },
    group(t('platform'), [link('overview', t('overview')), allowed.users && link('users', t('users')), allowed.roles && link('roles', t('platformRoles'))]),
    group(t('workspaces'), [link('workspaces', t('workspaces'))]),
    group(t('cluster'), [allowed.nodes && link('cluster/nodes', t('nodes')), allowed.namespaces && link('cluster/namespaces', t('namespaces'))]),
    group(t('marketplace'), [link('marketplace', t('extensions'))]),
    group(t('extensions'), extLinks));
}

function topbar() {
  const user = session.claims().username;
  const items = h('div', { role: 'menu', hidden: true },
    h('button', { role: 'menuitem', onclick: () => { location.hash = '#/password'; } }, t('changePassword')),
    h('button', { role: 'menuitem', id: 'logout', onclick: async () => { await logout(); allowed = null; extensions.stop(); location.hash = '#/login'; } }, t('logout')));
  const toggle = h('button', { id: 'user-menu', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-label': t('userMenu', user),
    onclick: () => { items.hidden = !items.hidden; toggle.setAttribute('aria-expanded', String(!items.hidden)); if (!items.hidden) items.querySelector('button').focus(); } }, user + ' ▾');
  items.addEventListener('keydown', e => {
    const buttons = [...items.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (e.key === 'Escape') { items.hidden = true; toggle.focus(); }
    if (e.key === 'ArrowDown') { e.preventDefault(); buttons[(i + 1) % buttons.length].focus(); }
    if (e.key === 'ArrowUp') { e.preventDefault(); buttons[(i - 1 + buttons.length) % buttons.length].focus(); }
  });
  const language = h('select', { id: 'language', 'aria-label': t('language'), onchange: e => { setLang(e.target.value); render(); } },
    h('option', { value: 'en', selected: lang() === 'en' }, 'English'), h('option', { value: 'zh', selected: lang() === 'zh' }, '简体中文'));
  return h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '#/overview' }, 'Tessera'), language, h('div', { class: 'usermenu' }, toggle, items));
}

// Installed extensions changed (pushed by the kernel): swap the menu in place, and re-render the
// page only when it is an extension page, so a form being filled elsewhere is never lost.
function onExtensionsChanged() {
  const nav = root.querySelector('nav.side');
  const path = location.hash.replace(/^#\/?/, '').split('?')[0];
  if (!nav) return;
  if (path.startsWith('ext/')) { render(); return; }
  nav.replaceWith(menu(path));
}

let renderCount = 0;
// What the page on screen asked to run when it is left (a watch to close).
let leaving = [];
export async function render() {
  const mine = ++renderCount;
  leaving.splice(0).forEach(fn => fn());
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  if (!session.access()) {
    if (path !== 'login') { location.hash = '#/login'; return; }
    clear(root, await loginPage(() => { location.hash = '#/overview'; }));
    return;
  }
  const claims = session.claims();
  const mustChange = claims && claims.extra && claims.extra.uninitialized && claims.extra.uninitialized[0] === 'true';
  if (path === 'login' || path === '') { location.hash = mustChange ? '#/password' : '#/overview'; return; }
  if (path === 'password' || mustChange) {
    if (path !== 'password') { location.hash = '#/password'; return; }
    clear(root, passwordPage(mustChange, () => { location.hash = '#/overview'; }));
    return;
  }
  if (!allowed) allowed = await permissions();
  extensions.start(onExtensionsChanged);
  let page = null, params = [];
  for (const [re, p, need] of routes) {
    const m = path.match(re);
    if (m && (!need || allowed[need])) { page = p(); params = m.slice(1).map(decodeURIComponent); break; }
  }
  const main = h('main', { id: 'main', tabindex: '-1' });
  if (mine !== renderCount) return;
  clear(root, topbar(), h('div', { class: 'layout' }, menu(path), main));
  if (!page) { clear(main, h('p', {}, t('notFound'))); return; }
  try {
    await page(main, { params, query, allowed, rerender: render, onLeave: fn => { if (mine === renderCount) leaving.push(fn); else fn(); } });
  } catch (e) {
    clear(main, h('div', { class: 'card error-card', role: 'alert' }, t('unavailable', e.message)));
  }
}

whenUnauthorized(() => { session.clear(); allowed = null; extensions.stop(); location.hash = '#/login'; });
window.addEventListener('hashchange', render);
render();
