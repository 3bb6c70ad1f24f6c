/**
 * The contract that extensions compile against. Small, documented, and versioned by package
 * (semantic versioning, see docs/extension-api.md).
 */
package io.tessera.extension.api;
