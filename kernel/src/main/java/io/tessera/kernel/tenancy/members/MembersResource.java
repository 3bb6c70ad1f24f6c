package io.tessera.kernel.tenancy.members;

import static io.tessera.kernel.tenancy.api.TenancyTypes.badRequest;
import static io.tessera.kernel.tenancy.api.TenancyTypes.notFound;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.query.ListQuery;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workspace, project and cluster members under {@code /kapis/iam.kubesphere.io/v1beta1}
 * (reference §3.2): bodies are {@code [{username, roleRef}]}, bindings follow
 * {@link MemberBindings}. The kernel chain has authorized the caller ({@code create
 * workspacemembers} etc.). As in KubeSphere's console flow, a user must be a member of the
 * workspace before being invited to one of its projects.
 */
@Path("")
@Produces(MediaType.APPLICATION_JSON)
public final class MembersResource {

    private static final Logger LOG = LoggerFactory.getLogger(MembersResource.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /** A member as the API carries it. */
    public record Member(String username, String roleRef) {
    }

    private final KubernetesClient client;
    private final MemberBindings bindings;

    public MembersResource(KubernetesClient client) {
        this.client = client;
        this.bindings = new MemberBindings(client);
    }

    // ---- workspace

    @GET
    @Path("workspaces/{ws}/workspacemembers")
    public Response listWorkspaceMembers(@PathParam("ws") String ws, @Context UriInfo uri) {
        return list(MemberBindings.Scope.WORKSPACE, ws, "iam.kubesphere.io/workspacerole", uri.getQueryParameters().getFirst("workspacerole"), uri);
    }

    @GET
    @Path("workspaces/{ws}/workspacemembers/{m}")
    public Response getWorkspaceMember(@PathParam("ws") String ws, @PathParam("m") String m) {
        return get(MemberBindings.Scope.WORKSPACE, ws, m, "iam.kubesphere.io/workspacerole");
    }

    @POST
    @Path("workspaces/{ws}/workspacemembers")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addWorkspaceMembers(@PathParam("ws") String ws, List<Member> members, @Context HttpServletRequest req) {
        if (client.genericKubernetesResources(TenancyTypes.WORKSPACE_TEMPLATES).withName(ws).get() == null) {
            return notFound("workspacetemplates.tenant.kubesphere.io", ws);
        }
        return add(MemberBindings.Scope.WORKSPACE, ws, members, req);
    }

    @PUT
    @Path("workspaces/{ws}/workspacemembers/{m}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateWorkspaceMember(@PathParam("ws") String ws, @PathParam("m") String m, Member member,
                                          @Context HttpServletRequest req) {
        return update(MemberBindings.Scope.WORKSPACE, ws, m, member, req);
    }

    @DELETE
    @Path("workspaces/{ws}/workspacemembers/{m}")
    public Response removeWorkspaceMember(@PathParam("ws") String ws, @PathParam("m") String m, @Context HttpServletRequest req) {
        return remove(MemberBindings.Scope.WORKSPACE, ws, m, req);
    }

    // ---- project

    @GET
    @Path("namespaces/{ns}/namespacemembers")
    public Response listProjectMembers(@PathParam("ns") String ns, @Context UriInfo uri) {
        return list(MemberBindings.Scope.NAMESPACE, ns, "iam.kubesphere.io/role", uri.getQueryParameters().getFirst("role"), uri);
    }

    @GET
    @Path("namespaces/{ns}/namespacemembers/{m}")
    public Response getProjectMember(@PathParam("ns") String ns, @PathParam("m") String m) {
        return get(MemberBindings.Scope.NAMESPACE, ns, m, "iam.kubesphere.io/role");
    }

    @POST
    @Path("namespaces/{ns}/namespacemembers")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addProjectMembers(@PathParam("ns") String ns, List<Member> members, @Context HttpServletRequest req) {
        if (client.namespaces().withName(ns).get() == null) {
            return notFound("namespaces", ns);
        }
        return add(MemberBindings.Scope.NAMESPACE, ns, members, req);
    }

    @PUT
    @Path("namespaces/{ns}/namespacemembers/{m}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateProjectMember(@PathParam("ns") String ns, @PathParam("m") String m, Member member,
                                        @Context HttpServletRequest req) {
        return update(MemberBindings.Scope.NAMESPACE, ns, m, member, req);
    }

    @DELETE
    @Path("namespaces/{ns}/namespacemembers/{m}")
    public Response removeProjectMember(@PathParam("ns") String ns, @PathParam("m") String m, @Context HttpServletRequest req) {
        return remove(MemberBindings.Scope.NAMESPACE, ns, m, req);
    }

    // ---- cluster

    @GET
    @Path("clustermembers")
    public Response listClusterMembers(@Context UriInfo uri) {
        return list(MemberBindings.Scope.CLUSTER, "", "iam.kubesphere.io/clusterrole", uri.getQueryParameters().getFirst("clusterrole"), uri);
    }

    @GET
    @Path("clustermembers/{m}")
    public Response getClusterMember(@PathParam("m") String m) {
        return get(MemberBindings.Scope.CLUSTER, "", m, "iam.kubesphere.io/clusterrole");
    }

    @POST
    @Path("clustermembers")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response addClusterMembers(List<Member> members, @Context HttpServletRequest req) {
        return add(MemberBindings.Scope.CLUSTER, "", members, req);
    }

    @PUT
    @Path("clustermembers/{m}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response updateClusterMember(@PathParam("m") String m, Member member, @Context HttpServletRequest req) {
        return update(MemberBindings.Scope.CLUSTER, "", m, member, req);
    }

    @DELETE
    @Path("clustermembers/{m}")
    public Response removeClusterMember(@PathParam("m") String m, @Context HttpServletRequest req) {
        return remove(MemberBindings.Scope.CLUSTER, "", m, req);
    }

    // ---- shared

    private Response list(MemberBindings.Scope scope, String where, String annotation, String roleFilter, UriInfo uri) {
        ListQuery query;
        try {
            query = ListQuery.from(uri.getQueryParameters());
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        Map<String, GenericKubernetesResource> stubs = new LinkedHashMap<>();
        for (GenericKubernetesResource b : bindings.all(scope, where)) {
            String user = IamTypes.label(b, IamTypes.LABEL_USER_REF);
            String role = IamTypes.str(b, "roleRef", "name");
            if (roleFilter != null && !roleFilter.isEmpty() && !roleFilter.equals(role)) {
                continue;
            }
            GenericKubernetesResource stub = new GenericKubernetesResource();
            stub.setApiVersion(IamTypes.API_VERSION);
            stub.setKind("User");
            stub.setMetadata(new ObjectMetaBuilder().withName(user).withCreationTimestamp(b.getMetadata().getCreationTimestamp())
                    .withAnnotations(Map.of(annotation, role)).build());
            stubs.put(user, stub);
        }
        return Response.ok(query.apply(new ArrayList<>(stubs.values()), x -> x)).build();
    }

    private Response get(MemberBindings.Scope scope, String where, String m, String annotation) {
        List<GenericKubernetesResource> mine = bindings.of(scope, where, m);
        GenericKubernetesResource user = client.genericKubernetesResources(IamTypes.USERS).withName(m).get();
        if (mine.isEmpty() || user == null) {
            return notFound("members", m);
        }
        // the full user minus its password hash, plus the role annotation (reference §3.2)
        IamTypes.section(user, "spec").remove("password");
        IamTypes.putAnnotation(user, annotation, IamTypes.str(mine.get(0), "roleRef", "name"));
        return Response.ok(user).build();
    }

    private Response add(MemberBindings.Scope scope, String where, List<Member> members, HttpServletRequest req) {
        if (members == null || members.isEmpty()) {
            return badRequest("the request body must be a list of members [{\"username\": …, \"roleRef\": …}]");
        }
        // validate everything before writing anything, so a bad entry leaves no half-applied list
        for (Member m : members) {
            Response bad = validate(scope, where, m);
            if (bad != null) {
                return bad;
            }
        }
        for (Member m : members) {
            bindings.bind(scope, where, m.username(), m.roleRef());
            LOG.info("event=member-bound scope={} where={} user={} role={} by={}", scope, where, m.username(), m.roleRef(),
                    user(req).name());
        }
        return Response.ok(members).build();
    }

    private Response update(MemberBindings.Scope scope, String where, String m, Member member, HttpServletRequest req) {
        if (member == null || !m.equals(member.username())) {
            return badRequest("incorrect username " + (member == null ? "" : member.username()) + ", the username must equal to the member");
        }
        if (bindings.of(scope, where, m).isEmpty()) {
            return badRequest("member " + m + " not exist");
        }
        return add(scope, where, List.of(member), req);
    }

    private Response remove(MemberBindings.Scope scope, String where, String m, HttpServletRequest req) {
        if (!bindings.unbind(scope, where, m)) {
            return badRequest("member " + m + " not exist");
        }
        if (scope == MemberBindings.Scope.WORKSPACE) {
            // leaving a workspace means leaving its projects (KubeSphere's member removal does the same)
            for (var ns : client.namespaces().withLabel(TenancyTypes.LABEL_WORKSPACE, where).list().getItems()) {
                bindings.unbind(MemberBindings.Scope.NAMESPACE, ns.getMetadata().getName(), m);
            }
        }
        LOG.info("event=member-removed scope={} where={} user={} by={}", scope, where, m, user(req).name());
        return Response.ok(Map.of("message", "success")).build();
    }

    private Response validate(MemberBindings.Scope scope, String where, Member m) {
        if (m == null || m.username() == null || !NAME.matcher(m.username()).matches() || m.roleRef() == null || m.roleRef().isEmpty()) {
            return badRequest("every member needs a valid username and a roleRef");
        }
        if (client.genericKubernetesResources(IamTypes.USERS).withName(m.username()).get() == null) {
            return notFound("users.iam.kubesphere.io", m.username());
        }
        ResourceDefinitionContext roles = switch (scope) {
            case WORKSPACE -> IamTypes.WORKSPACE_ROLES;
            case NAMESPACE -> IamTypes.ROLES;
            case CLUSTER -> IamTypes.CLUSTER_ROLES;
        };
        var op = client.genericKubernetesResources(roles);
        GenericKubernetesResource role = (scope == MemberBindings.Scope.NAMESPACE ? op.inNamespace(where) : op).withName(m.roleRef()).get();
        if (role == null || (scope == MemberBindings.Scope.WORKSPACE && !where.equals(IamTypes.label(role, IamTypes.LABEL_WORKSPACE)))) {
            return notFound(roles.getPlural() + "." + IamTypes.GROUP, m.roleRef());
        }
        if (scope == MemberBindings.Scope.NAMESPACE) {
            var ns = client.namespaces().withName(where).get();
            String ws = ns == null || ns.getMetadata().getLabels() == null ? ""
                    : ns.getMetadata().getLabels().getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
            if (!ws.isEmpty() && bindings.of(MemberBindings.Scope.WORKSPACE, ws, m.username()).isEmpty()) {
                return badRequest("user \"" + m.username() + "\" is not a member of workspace \"" + ws
                        + "\"; invite them to the workspace before inviting them to project \"" + where + "\"");
            }
        }
        return null;
    }

    private static UserInfo user(HttpServletRequest req) {
        return (UserInfo) req.getAttribute(RequestAttributes.USER);
    }
}
