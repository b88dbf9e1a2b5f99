// The node's public HTTP API (docs/api.md), with the token this browser session keeps.

const TOKEN = 'shardview.token';

export function token() {
  return sessionStorage.getItem(TOKEN) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN, value);
  else sessionStorage.removeItem(TOKEN);
}

/** An answer of the API's error model ({"error": {code, message, details}}), or a failure to reach the node. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
}

/**
 * Sends a request and answers its JSON (or text when the reply is not JSON); an error reply is thrown as ApiError.
 * `body` is sent as is when a string (with `type`), else as JSON.
 */
export async function api(path, { method = 'GET', body, type, signal } = {}) {
  const headers = {};
  if (token()) headers.Authorization = 'Bearer ' + token();
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    headers['Content-Type'] = type || (typeof body === 'string' ? 'text/plain' : 'application/json');
  }
  let reply;
  try {
    reply = await fetch(path, { method, headers, body: payload, signal });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'unreachable', 'the node did not answer: ' + e.message);
  }
  const text = await reply.text();
  let json = null;
  if ((reply.headers.get('Content-Type') || '').includes('json') && text) {
    try { json = JSON.parse(text); } catch (e) { /* not JSON after all: keep the text */ }
  }
  if (!reply.ok) {
    const error = json && json.error;
    if (error && typeof error === 'object') throw new ApiError(reply.status, error.code, error.message, error.details);
    // The Prometheus API's own form: {"status": "error", "errorType": "bad_data", "error": "1:17: parse error: ..."}
    if (json && json.status === 'error') throw new ApiError(reply.status, json.errorType, json.error);
    throw new ApiError(reply.status, 'http_' + reply.status, text || reply.statusText);
  }
  if (json !== null) return json;
  return text;
}

/** A tenant's path prefix. */
export function tenantPath(tenant) {
  return '/v1/tenants/' + encodeURIComponent(tenant);
}
