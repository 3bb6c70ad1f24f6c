package io.tessera.kernel.tenancy.quotas;

import static io.tessera.kernel.tenancy.api.TenancyTypes.badRequest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace quota as a validating admission webhook: {@code POST
 * /kapis/tenant.kubesphere.io/v1beta1/admissionreviews} takes an {@code admission.k8s.io/v1
 * AdmissionReview} and answers it with {@link QuotaAdmission}'s decision (a refusal is
 * {@code status{code: 403, reason: Forbidden, message}}, which the API server passes to its
 * client). Like every route it needs a caller allowed to {@code create admissionreviews}; see
 * docs/tenancy.md for the API server's webhook credentials.
 */
@Path("admissionreviews")
@Produces(MediaType.APPLICATION_JSON)
public final class QuotaWebhookResource {

    private static final Logger LOG = LoggerFactory.getLogger(QuotaWebhookResource.class);

    private final QuotaAdmission admission;

    public QuotaWebhookResource(QuotaAdmission admission) {
        this.admission = admission;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Response review(Map<String, Object> review) {
        if (review == null || !(review.get("request") instanceof Map<?, ?> rawRequest)) {
            return badRequest("the request body must be an admission.k8s.io/v1 AdmissionReview with a request");
        }
        Map<String, Object> request = (Map<String, Object>) rawRequest;
        Object uid = request.get("uid");
        if (uid == null) {
            return badRequest("request.uid is required");
        }
        String operation = String.valueOf(request.getOrDefault("operation", ""));
        QuotaAdmission.Decision d = QuotaAdmission.Decision.ALLOW;
        if (request.get("object") instanceof Map<?, ?> rawObject) {
            Map<String, Object> object = new LinkedHashMap<>((Map<String, Object>) rawObject);
            // on CREATE the API server may leave the namespace out of the object; the request has it
            Map<String, Object> meta = object.get("metadata") instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m)
                    : new LinkedHashMap<>();
            if (meta.get("namespace") == null && request.get("namespace") != null) {
                meta.put("namespace", request.get("namespace"));
            }
            object.put("metadata", meta);
            try {
                d = admission.admit(operation, object);
            } catch (RuntimeException e) {
                return badRequest("request.object cannot be read: " + e.getMessage());
            }
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("uid", uid);
        response.put("allowed", d.allowed());
        if (!d.allowed()) {
            response.put("status", Map.of("code", 403, "reason", "Forbidden", "message", d.message()));
            LOG.info("event=quota-webhook-denied uid={} operation={} namespace={}", uid, operation, request.get("namespace"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", "admission.k8s.io/v1");
        out.put("kind", "AdmissionReview");
        out.put("response", response);
        return Response.ok(out).build();
    }
}
