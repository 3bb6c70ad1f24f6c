package io.tessera.kernel.iam.authz;

import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /kapis/iam.kubesphere.io/v1beta1/subjectaccessreviews} (reference §2.4): one review
 * or {@code {"items":[…]}}; each is echoed with {@code status{allowed, denied, reason}}. Reviewing
 * someone else needs global {@code get users} (their permissions are theirs to know).
 */
@Path("subjectaccessreviews")
@Produces(MediaType.APPLICATION_JSON)
public final class SubjectAccessReviewResource {

    private final RbacAuthorizer rbac;

    public SubjectAccessReviewResource(RbacAuthorizer rbac) {
        this.rbac = rbac;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response review(Map<String, Object> body, @Context HttpServletRequest request) {
        Object u = request.getAttribute(RequestAttributes.USER);
        UserInfo caller = u instanceof UserInfo info ? info : UserInfo.ANONYMOUS;
        if (body == null) {
            return bad("request body must be a SubjectAccessReview or a list of them");
        }
        try {
            if (body.get("items") instanceof List<?> items) {
                List<Object> out = new ArrayList<>();
                for (Object item : items) {
                    if (!(item instanceof Map<?, ?> m)) {
                        return bad("items must be SubjectAccessReview objects");
                    }
                    Object reviewed = reviewOne((Map<String, Object>) m, caller);
                    if (reviewed == null) {
                        return Response.status(403).type(MediaType.TEXT_PLAIN).entity("cannot review another user's access").build();
                    }
                    out.add(reviewed);
                }
                Map<String, Object> list = new LinkedHashMap<>(body);
                list.put("items", out);
                return Response.ok(list).build();
            }
            Object reviewed = reviewOne(body, caller);
            if (reviewed == null) {
                return Response.status(403).type(MediaType.TEXT_PLAIN).entity("cannot review another user's access").build();
            }
            return Response.ok(reviewed).build();
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> reviewOne(Map<String, Object> review, UserInfo caller) {
        Map<String, Object> spec = review.get("spec") instanceof Map<?, ?> s ? (Map<String, Object>) s : null;
        if (spec == null) {
            throw new IllegalArgumentException("spec is required");
        }
        String user = Objects.toString(spec.get("user"), "");
        if (user.isEmpty()) {
            throw new IllegalArgumentException("spec.user is required");
        }
        List<String> groups = spec.get("groups") instanceof List<?> g ? g.stream().map(String::valueOf).toList() : List.of();
        if (!user.equals(caller.name()) && !rbac.check(caller, AccessRequest.resource("get", IamTypes.GROUP, "users", "", user, "", "",
                RequestInfo.Scope.GLOBAL)).allowed()) {
            return null;
        }
        AccessRequest access;
        if (spec.get("resourceAttributes") instanceof Map<?, ?> ra) {
            Map<String, Object> a = (Map<String, Object>) ra;
            String ns = s(a, "namespace");
            String ws = s(a, "workspace");
            RequestInfo.Scope scope = !ns.isEmpty() ? RequestInfo.Scope.NAMESPACE : !ws.isEmpty() ? RequestInfo.Scope.WORKSPACE
                    : parseScope(s(a, "resourceScope"));
            access = AccessRequest.resource(s(a, "verb"), s(a, "group"), s(a, "resource"), s(a, "subresource"), s(a, "name"), ws, ns,
                    scope);
        } else if (spec.get("nonResourceAttributes") instanceof Map<?, ?> na) {
            Map<String, Object> a = (Map<String, Object>) na;
            access = new AccessRequest(false, false, s(a, "verb"), "", "", "", "", "", "", RequestInfo.Scope.CLUSTER, s(a, "path"));
        } else {
            throw new IllegalArgumentException("spec.resourceAttributes or spec.nonResourceAttributes is required");
        }
        UserInfo subject = new UserInfo(user, Objects.toString(spec.get("uid"), ""), groups, Map.of());
        Authorizer.Decision d = rbac.check(subject, access);
        if (!d.allowed() && access.resourceRequest() && RbacAuthorizer.isUserListing(access) && rbac.canManageMembersSomewhere(subject)) {
            d = new Authorizer.Decision(true, "RBAC: allowed to list user names as a member manager");
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("allowed", d.allowed());
        status.put("denied", !d.allowed());
        status.put("reason", d.reason());
        Map<String, Object> out = new LinkedHashMap<>(review);
        out.putIfAbsent("apiVersion", IamTypes.API_VERSION);
        out.putIfAbsent("kind", "SubjectAccessReview");
        out.put("status", status);
        return out;
    }

    private static RequestInfo.Scope parseScope(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "global" -> RequestInfo.Scope.GLOBAL;
            case "workspace" -> RequestInfo.Scope.WORKSPACE;
            case "namespace" -> RequestInfo.Scope.NAMESPACE;
            case "", "cluster" -> RequestInfo.Scope.CLUSTER;
            default -> throw new IllegalArgumentException("unknown resourceScope " + s);
        };
    }

    private static String s(Map<String, Object> m, String k) {
        return Objects.toString(m.get(k), "");
    }

    private static Response bad(String message) {
        return Response.status(400).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}
