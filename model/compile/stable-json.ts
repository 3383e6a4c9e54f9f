// The definition lives in machines/node: the node's transition memo makes snapshot texts with it, and
// machines/ may not import from model/. Node keys must be the very same text, so this is a re-export.
export { stableJson } from '../../machines/index.js';
