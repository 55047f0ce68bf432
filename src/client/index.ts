export * from './docket-client.js';
