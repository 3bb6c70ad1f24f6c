// English and Chinese labels; the choice is kept per browser.
const L = {
  en: {
    signIn: 'Log In', username: 'Username or email', password: 'Password', loginTitle: 'Log in to Tessera',
    loginWith: 'Log in with {0}', loginFailed: 'Login failed: {0}',
    changePassword: 'Change password', changePasswordHint: 'The default administrator password must be changed before you continue.',
    currentPassword: 'Current password', newPassword: 'New password', confirmPassword: 'Confirm new password', mismatch: 'The passwords do not match.',
    save: 'Save', cancel: 'Cancel', create: 'Create', edit: 'Edit', delete: 'Delete', search: 'Search',
    logout: 'Log Out', userMenu: 'User menu for {0}', language: 'Language',
    platform: 'Platform', overview: 'Overview', users: 'Users', platformRoles: 'Platform Roles', workspaces: 'Workspaces',
    cluster: 'Cluster', nodes: 'Nodes', namespaces: 'Namespaces', marketplace: 'Marketplace', extensions: 'Extensions',
    name: 'Name', email: 'Email', role: 'Platform role', status: 'Status', lastLogin: 'Last login', created: 'Created', actions: 'Actions', description: 'Description',
    active: 'Active', disabled: 'Disabled', disable: 'Disable', enable: 'Enable', resetPassword: 'Reset password',
    createUser: 'Create user', editUser: 'Edit user', confirmDelete: 'Delete {0}?', none: 'Nothing here yet.',
    platformVersion: 'Platform version', kubernetesVersion: 'Kubernetes version', signedInAs: 'Signed in as',
    createWorkspace: 'Create workspace', manager: 'Administrator', unavailable: 'This part of the platform is not available: {0}',
    schedulable: 'Schedulable', cordon: 'Cordon', uncordon: 'Uncordon', unschedulable: 'Unschedulable', roles: 'Roles',
    extensionFailed: 'The extension page could not be loaded: {0}', loading: 'Loading…', notFound: 'Page not found.',
  },
  zh: {
    signIn: '登录', username: '用户名或邮箱', password: '密码', loginTitle: '登录 Tessera',
    loginWith: '通过 {0} 登录', loginFailed: '登录失败：{0}',
    changePassword: '修改密码', changePasswordHint: '继续之前必须修改默认管理员密码。',
    currentPassword: '当前密码', newPassword: '新密码', confirmPassword: '确认新密码', mismatch: '两次输入的密码不一致。',
    save: '保存', cancel: '取消', create: '创建', edit: '编辑', delete: '删除', search: '搜索',
    logout: '退出登录', userMenu: '{0} 的用户菜单', language: '语言',
    platform: '平台', overview: '概览', users: '用户', platformRoles: '平台角色', workspaces: '企业空间',
    cluster: '集群', nodes: '节点', namespaces: '命名空间', marketplace: '扩展市场', extensions: '扩展组件',
    name: '名称', email: '邮箱', role: '平台角色', status: '状态', lastLogin: '最近登录', created: '创建时间', actions: '操作', description: '描述',
    active: '活跃', disabled: '已禁用', disable: '禁用', enable: '启用', resetPassword: '重置密码',
    createUser: '创建用户', editUser: '编辑用户', confirmDelete: '删除 {0}？', none: '暂无数据。',
    platformVersion: '平台版本', kubernetesVersion: 'Kubernetes 版本', signedInAs: '当前用户',
    createWorkspace: '创建企业空间', manager: '管理员', unavailable: '平台的这一部分不可用：{0}',
    schedulable: '可调度', cordon: '停止调度', uncordon: '启用调度', unschedulable: '不可调度', roles: '角色',
    extensionFailed: '扩展页面加载失败：{0}', loading: '加载中…', notFound: '页面不存在。',
  },
};

export function lang() { return localStorage.getItem('tessera.lang') === 'zh' ? 'zh' : 'en'; }
export function setLang(l) { localStorage.setItem('tessera.lang', l); document.documentElement.lang = l; }
export function t(key, ...args) {
  const s = (L[lang()][key] ?? L.en[key] ?? key);
  return s.replace(/\{(\d)\}/g, (_, i) => args[i] ?? '');
}
