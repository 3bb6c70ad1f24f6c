package io.tessera.kernel.iam.token;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single tokens revoked before they expire (logout), shared by all replicas: one ConfigMap per
 * token id in {@code kubesphere-system}, labelled {@value #LABEL}, read through an informer so a
 * check is a map lookup. The record carries the token's expiry; {@link #purgeExpired()} deletes
 * records whose token could no longer be used anyway. ConfigMaps rather than a CRD: the records
 * are internal bookkeeping, not an API.
 */
public final class RevocationList implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationList.class);
    public static final String LABEL = "iam.tessera.io/revoked-token";
    static final String PREFIX = "revoked-token-";

    private final KubernetesClient client;
    private final Clock clock;
    private final SharedIndexInformer<ConfigMap> informer;
    /** Revocations made by this replica (id → token expiry), visible before the watch event arrives. */
    private final Map<String, Instant> local = new ConcurrentHashMap<>();

    public RevocationList(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
        this.informer = client.configMaps().inNamespace(IamTypes.SYSTEM_NAMESPACE).withLabel(LABEL, "true").inform();
    }

    public boolean synced() {
        return informer.hasSynced();
    }

    public boolean isRevoked(String tokenId) {
        if (tokenId == null || tokenId.isEmpty()) {
            return false;
        }
        return local.containsKey(tokenId)
                || informer.getStore().getByKey(IamTypes.SYSTEM_NAMESPACE + "/" + PREFIX + tokenId) != null;
    }

    /** @param expiresAt the token's own expiry; null for tokens without one (kept until deleted by hand) */
    public void revoke(String tokenId, String username, Instant expiresAt) {
        local.put(tokenId, expiresAt == null ? Instant.MAX : expiresAt);
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(PREFIX + tokenId).withNamespace(IamTypes.SYSTEM_NAMESPACE)
                .withLabels(Map.of(LABEL, "true", IamTypes.LABEL_USER_REF, username)).endMetadata()
                .withData(Map.of("expiresAt", expiresAt == null ? "" : expiresAt.toString())).build();
        try {
            client.configMaps().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(cm).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Deletes records of tokens that have expired; safe to run on every replica. */
    public void purgeExpired() {
        Instant now = clock.instant();
        local.values().removeIf(expiry -> expiry.isBefore(now));
        for (ConfigMap cm : informer.getStore().list()) {
            String exp = cm.getData() == null ? "" : cm.getData().getOrDefault("expiresAt", "");
            if (!exp.isEmpty() && Instant.parse(exp).isBefore(now)) {
                try {
                    client.configMaps().inNamespace(IamTypes.SYSTEM_NAMESPACE).withName(cm.getMetadata().getName()).delete();
                } catch (KubernetesClientException e) {
                    LOG.warn("event=revocation-purge-failed name={} code={}", cm.getMetadata().getName(), e.getCode());
                }
            }
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
