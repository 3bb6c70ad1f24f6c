package io.tessera.kernel.iam.api;

import java.util.List;

/** Classpath locations of the IAM CRDs, as {@code KernelModule.crdResources()} returns them. */
public final class IamCrds {

    public static final List<String> RESOURCES = List.of(
            "crds/iam/users.iam.kubesphere.io.yaml",
            "crds/iam/loginrecords.iam.kubesphere.io.yaml",
            "crds/iam/globalroles.iam.kubesphere.io.yaml",
            "crds/iam/globalrolebindings.iam.kubesphere.io.yaml",
            "crds/iam/workspaceroles.iam.kubesphere.io.yaml",
            "crds/iam/workspacerolebindings.iam.kubesphere.io.yaml",
            "crds/iam/clusterroles.iam.kubesphere.io.yaml",
            "crds/iam/clusterrolebindings.iam.kubesphere.io.yaml",
            "crds/iam/roles.iam.kubesphere.io.yaml",
            "crds/iam/rolebindings.iam.kubesphere.io.yaml",
            "crds/iam/roletemplates.iam.kubesphere.io.yaml",
            "crds/iam/categories.iam.kubesphere.io.yaml",
            "crds/iam/builtinroles.iam.kubesphere.io.yaml",
            "crds/iam/serviceaccounts.kubesphere.io.yaml");

    private IamCrds() {
    }
}
