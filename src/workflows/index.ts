export { classifyDocumentWorkflow } from './classify-document.js';
