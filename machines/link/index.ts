/**
 * machines/link: the links between a primary and a secondary, pure (see links.ts).
 * @packageDocumentation
 */
export * from './links.js';
