package io.tessera.kernel.audit;

import java.time.Instant;
import java.util.List;

/**
 * What the audit stage records for one request: who, what, where, outcome. Never a request or
 * response body (those may hold secrets).
 */
public record AuditEvent(
        String requestId,
        Instant received,
        Instant completed,
        String user,
        List<String> groups,
        String sourceAddress,
        String userAgent,
        String method,
        String path,
        String verb,
        String apiGroup,
        String apiVersion,
        String resource,
        String subresource,
        String name,
        String workspace,
        String namespace,
        String cluster,
        int statusCode) {

    public AuditEvent {
        groups = List.copyOf(groups);
    }
}
