package io.tessera.kernel.extensions;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The extension framework's resources (KubeSphere reference §6), all cluster-scoped. */
final class ExtensionTypes {

    static final String CORE_GROUP = "kubesphere.io";
    static final String EXT_GROUP = "extensions.kubesphere.io";
    static final String VERSION = "v1alpha1";
    static final String EXTENSION_REF = "kubesphere.io/extension-ref";
    static final String FORCE_DELETE = "kubesphere.io/force-delete";

    static final ResourceDefinitionContext EXTENSIONS = cluster(CORE_GROUP, "Extension", "extensions");
    static final ResourceDefinitionContext EXTENSION_VERSIONS = cluster(CORE_GROUP, "ExtensionVersion", "extensionversions");
    static final ResourceDefinitionContext INSTALL_PLANS = cluster(CORE_GROUP, "InstallPlan", "installplans");

    private ExtensionTypes() {
    }

    private static ResourceDefinitionContext cluster(String group, String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(false).build();
    }
}
