export * from './classification.js';
export * from './errors.js';
export * from './messages.js';
export * from './names.js';
export * from './search-attributes.js';
export * from './status.js';
export * from './taxonomy.js';
export * from './workflow-types.js';
