export { renderSwitchRoleMenu, type SwitchRoleMenuOptions } from './render-switch-role-menu.js';
