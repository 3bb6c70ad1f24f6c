package io.tessera.kernel.tenancy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.tessera.kernel.iam.authz.AccessRequest;
import io.tessera.kernel.iam.authz.RbacAuthorizer;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.tenancy.departments.Departments;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who sees which workspaces and projects (issue 5 §7): platform-wide readers see all; anyone else
 * exactly the workspaces where they (or a department they belong to) hold a WorkspaceRoleBinding,
 * and the projects where they hold a RoleBinding, or all projects of a workspace whose role lets
 * them list namespaces there. Everything comes from the RBAC index: no API call per request.
 */
public final class Visibility {

    private final RbacAuthorizer authorizer;
    private final Departments departments;

    public Visibility(RbacAuthorizer authorizer, Departments departments) {
        this.authorizer = authorizer;
        this.departments = departments;
    }

    /** The user's subject keys plus {@code g:<department>} for every department they are in. */
    public List<String> keys(UserInfo user) {
        List<String> keys = new ArrayList<>(RbacAuthorizer.subjectKeys(user));
        for (String g : departments.groupsOf(user.name())) {
            keys.add("g:" + g);
        }
        return keys;
    }

    public boolean seesAllWorkspaces(UserInfo user) {
        return allowed(user, "list", TenancyTypes.TENANT_GROUP, "workspacetemplates", "", "", RequestInfo.Scope.GLOBAL);
    }

    public boolean seesWorkspace(UserInfo user, String ws) {
        return seesAllWorkspaces(user) || authorizer.index().workspacesWithBindings(keys(user)).contains(ws);
    }

    public Set<String> workspacesOf(UserInfo user) {
        return authorizer.index().workspacesWithBindings(keys(user));
    }

    /** May the user see every project of this workspace? */
    public boolean seesAllProjectsOf(UserInfo user, String ws) {
        return allowed(user, "list", "", "namespaces", ws, "", RequestInfo.Scope.WORKSPACE)
                || allowed(user, "list", "", "namespaces", "", "", RequestInfo.Scope.CLUSTER);
    }

    public Set<String> projectsWithBindings(UserInfo user) {
        return authorizer.index().namespacesWithBindings(keys(user));
    }

    public boolean seesProject(UserInfo user, String ws, String ns) {
        return seesAllProjectsOf(user, ws) || projectsWithBindings(user).contains(ns);
    }

    /** A plain RBAC question over the user's role bindings (not the self-access rules). */
    public boolean allowed(UserInfo user, String verb, String group, String resource, String ws, String ns, RequestInfo.Scope scope) {
        return authorizer.checkBindings(withDepartments(user), AccessRequest.resource(verb, group, resource, "", "", ws, ns, scope))
                .allowed();
    }

    /** The user with their departments added to their groups (bearer tokens carry none). */
    public UserInfo withDepartments(UserInfo user) {
        Set<String> groups = departments.groupsOf(user.name());
        if (groups.isEmpty() || user.anonymous()) {
            return user;
        }
        List<String> all = new ArrayList<>(user.groups());
        groups.stream().filter(g -> !all.contains(g)).forEach(all::add);
        return new UserInfo(user.name(), user.uid(), all, user.extra());
    }

    /** Helper for handlers working with templates from an informer. */
    public static String name(GenericKubernetesResource r) {
        return r.getMetadata().getName();
    }

}
