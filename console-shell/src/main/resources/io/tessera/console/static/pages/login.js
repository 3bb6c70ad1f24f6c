import { h } from '../dom.js';
import { api, get, login, session } from '../api.js';
import { t } from '../i18n.js';

const OAUTH_TYPES = ['OIDCIdentityProvider', 'GitHubIdentityProvider', 'CASIdentityProvider', 'AliyunIDaaSProvider'];

/** Login: the password form, plus one button per visible identity provider from configs/oauth. */
export async function loginPage(done) {
  let providers = [];
  let configError = null;
  try {
    const cfg = await get('/kapis/config.kubesphere.io/v1alpha2/configs/oauth');
    providers = (cfg.identityProviders || []).filter(p => !p.hidden);
  } catch (e) { configError = e.message; }
  let provider = '';
  const error = h('p', { class: 'error', role: 'alert', id: 'login-error' }, configError ? t('loginFailed', configError) : '');
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const via = h('p', { id: 'login-provider' });
  const form = h('form', { 'aria-label': t('loginTitle'), onsubmit: async e => {
    e.preventDefault();
    error.textContent = '';
    try { await login(user.value, pass.value, provider); done(); } catch (err) { error.textContent = t('loginFailed', err.message); }
  } },
  h('label', { for: 'username' }, t('username')), user,
  h('label', { for: 'password' }, t('password')), pass, via, error,
  h('button', { type: 'submit', class: 'primary', id: 'login-submit' }, t('signIn')));
  const buttons = providers.map(p => {
    const name = p.displayName || p.name;
    if (OAUTH_TYPES.includes(p.type)) {
      // A browser-redirect provider: its own authorize page, returning to the kernel's callback.
      const ep = (p.provider && p.provider.endpoint) || {};
      const prov = p.provider || {};
      const href = ep.authURL ? ep.authURL + '?' + new URLSearchParams({ client_id: prov.clientID || '', response_type: 'code',
        redirect_uri: prov.redirectURL || (location.origin + '/oauth/callback/' + p.name), scope: (prov.scopes || ['openid']).join(' ') }) : null;
      return h('a', { class: 'idp', href, role: 'button', 'aria-disabled': href ? null : 'true' }, t('loginWith', name));
    }
    // A password provider such as LDAP: the same form, with the provider named in the grant.
    return h('button', { type: 'button', class: 'idp', onclick: () => { provider = p.name; via.textContent = t('loginWith', name); user.focus(); } }, t('loginWith', name));
  });
  return h('div', { class: 'login' }, h('h1', {}, t('loginTitle')), form, buttons.length ? h('div', { class: 'idps' }, buttons) : null);
}

/** Password change; forced while the token says the bootstrap password is still set. */
export function passwordPage(forced, done) {
  const me = session.claims().username;
  const error = h('p', { class: 'error', role: 'alert' });
  const cur = h('input', { id: 'current-password', type: 'password', required: true, autocomplete: 'current-password' });
  const next = h('input', { id: 'new-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const again = h('input', { id: 'confirm-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const form = h('form', { 'aria-label': t('changePassword'), onsubmit: async e => {
    e.preventDefault();
    error.textContent = '';
    if (next.value !== again.value) { error.textContent = t('mismatch'); return; }
    try {
      await api('PUT', `/kapis/iam.kubesphere.io/v1beta1/users/${encodeURIComponent(me)}/password`, { currentPassword: cur.value, password: next.value });
      // A password change revokes the tokens issued before it: sign in again with the new one.
      await login(me, next.value);
      done();
    } catch (err) { error.textContent = err.message; }
  } },
  h('h1', {}, t('changePassword')), forced ? h('p', { id: 'forced-hint' }, t('changePasswordHint')) : null,
  h('label', { for: 'current-password' }, t('currentPassword')), cur,
  h('label', { for: 'new-password' }, t('newPassword')), next,
  h('label', { for: 'confirm-password' }, t('confirmPassword')), again, error,
  h('button', { type: 'submit', class: 'primary', id: 'password-submit' }, t('save')),
  forced ? null : h('button', { type: 'button', onclick: () => history.back() }, t('cancel')));
  return h('div', { class: 'login' }, form);
}
