/** The extension's scoped access to the Kubernetes cluster. */
package io.tessera.extension.api.kube;
