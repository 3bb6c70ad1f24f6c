package io.tessera.kernel.iam.loginrecord;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.tessera.kernel.iam.api.IamTypes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoginRecord objects (reference §1.7): one per login attempt of an existing user, named
 * {@code {user}-xxxxx}, labelled with the user. Also the retention rules: records older than the
 * retention period or beyond the per-user maximum are deleted.
 */
public final class LoginRecords {

    private static final Logger LOG = LoggerFactory.getLogger(LoginRecords.class);
    public static final Duration RETENTION = Duration.ofHours(168);
    public static final int MAX_ENTRIES_PER_USER = 100;

    public enum Type { Password, OAuth, Token }

    private final KubernetesClient client;
    private final Clock clock;

    public LoginRecords(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    public GenericKubernetesResource write(String username, Type type, String provider, String sourceIp, String userAgent,
                                           boolean success, String reason) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setApiVersion(IamTypes.API_VERSION);
        r.setKind("LoginRecord");
        r.setMetadata(new ObjectMetaBuilder().withGenerateName(username + "-")
                .withLabels(Map.of(IamTypes.LABEL_USER_REF, username)).build());
        Map<String, Object> spec = IamTypes.section(r, "spec");
        spec.put("type", type.name());
        spec.put("provider", provider == null ? "" : provider);
        spec.put("sourceIP", sourceIp == null ? "" : sourceIp);
        spec.put("userAgent", userAgent == null ? "" : userAgent);
        spec.put("success", success);
        spec.put("reason", reason);
        return client.genericKubernetesResources(IamTypes.LOGIN_RECORDS).resource(r).create();
    }

    /** Newest first, read from the API (the failure path and the records API are not hot). */
    public List<GenericKubernetesResource> of(String username) {
        return client.genericKubernetesResources(IamTypes.LOGIN_RECORDS).withLabel(IamTypes.LABEL_USER_REF, username).list()
                .getItems().stream().sorted(Comparator.comparing(LoginRecords::created).reversed()).toList();
    }

    /** Failed logins created after {@code since} (the user's last state transition) within {@code window}. */
    public long failuresSince(String username, Instant since, Duration window) {
        Instant from = clock.instant().minus(window);
        Instant lower = since.isAfter(from) ? since : from;
        return of(username).stream()
                .filter(r -> !Boolean.TRUE.equals(IamTypes.read(r, "spec").get("success")))
                .filter(r -> !created(r).isBefore(lower))
                .count();
    }

    /** Applies retention; idempotent, so any replica may run it. */
    public void purge() {
        Instant oldest = clock.instant().minus(RETENTION);
        Map<String, List<GenericKubernetesResource>> byUser = new java.util.HashMap<>();
        for (GenericKubernetesResource r : client.genericKubernetesResources(IamTypes.LOGIN_RECORDS).list().getItems()) {
            byUser.computeIfAbsent(IamTypes.label(r, IamTypes.LABEL_USER_REF), k -> new java.util.ArrayList<>()).add(r);
        }
        byUser.forEach((user, records) -> {
            records.sort(Comparator.comparing(LoginRecords::created).reversed());
            for (int i = 0; i < records.size(); i++) {
                GenericKubernetesResource r = records.get(i);
                if (i >= MAX_ENTRIES_PER_USER || created(r).isBefore(oldest)) {
                    delete(r);
                }
            }
        });
    }

    public void deleteAllOf(String username) {
        client.genericKubernetesResources(IamTypes.LOGIN_RECORDS).withLabel(IamTypes.LABEL_USER_REF, username).delete();
    }

    private void delete(GenericKubernetesResource r) {
        try {
            client.genericKubernetesResources(IamTypes.LOGIN_RECORDS).withName(r.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("event=loginrecord-purge-failed name={} code={}", r.getMetadata().getName(), e.getCode());
        }
    }

    public static Instant created(GenericKubernetesResource r) {
        String ts = r.getMetadata().getCreationTimestamp();
        return ts == null || ts.isEmpty() ? Instant.EPOCH : Instant.parse(ts);
    }
}
