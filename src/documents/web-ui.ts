import type { Config } from '../config.js';

/** The Temporal Web UI's page of one workflow (DOCKET_WEB_UI_URL, in the configured namespace). */
export function workflowUrl(config: Pick<Config, 'webUiUrl' | 'temporal'>, workflowId: string): string {
  return `${namespaceUrl(config)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The Temporal Web UI's list of the workflows a visibility query matches. */
export function workflowListUrl(config: Pick<Config, 'webUiUrl' | 'temporal'>, query: string): string {
  return `${namespaceUrl(config)}/workflows?query=${encodeURIComponent(query)}`;
}

function namespaceUrl(config: Pick<Config, 'webUiUrl' | 'temporal'>): string {
  return `${config.webUiUrl}/namespaces/${encodeURIComponent(config.temporal.namespace)}`;
}
