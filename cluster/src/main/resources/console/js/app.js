// The console: one page per route of the location's hash (#/tenants, #/tenants/NAME, #/metrics, #/cluster, #/tokens).
import { setToken, token } from './api.js';
import { tenantsPage } from './tenants.js';
import { tenantPage } from './tenant.js';
import { metricsPage } from './metrics.js';
import { clusterPage } from './cluster.js';
import { tokensPage } from './tokens.js';

const page = document.getElementById('page');
let leave = null; // what the current page closes when the route changes (a change stream, a timer)

function route() {
  if (leave) { leave(); leave = null; }
  const parts = (location.hash.replace(/^#\/?/, '') || 'tenants').split('/').map(decodeURIComponent);
  const [name, ...rest] = parts;
  for (const link of document.querySelectorAll('header nav a')) {
    link.classList.toggle('current', link.dataset.page === name);
  }
  const pages = { tenants: rest.length ? tenantPage : tenantsPage, metrics: metricsPage, cluster: clusterPage, tokens: tokensPage };
  const render = pages[name] || tenantsPage;
  document.title = 'Shardview · ' + (rest[0] || name);
  leave = render(page, rest) || null;
}

function tokenDialog() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = token();
  dialog.showModal();
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save') setToken(input.value.trim());
    if (dialog.returnValue === 'clear') setToken('');
    updateTokenButton();
    route();
  }, { once: true });
}

function updateTokenButton() {
  document.getElementById('token-button').textContent = token() ? 'Token ✓' : 'Token';
}

document.getElementById('token-button').addEventListener('click', tokenDialog);
window.addEventListener('hashchange', route);
updateTokenButton();
route();
