package io.tessera.kernel.iam.serviceaccount;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.token.TokenClaims;
import io.tessera.kernel.iam.token.TokenService;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeSphere's service accounts for machines (reference §6.5): a {@code kubesphere.io/v1alpha1
 * ServiceAccount} gets a token Secret (type {@code kubesphere.io/service-account-token},
 * annotations {@code kubesphere.io/service-account.name|uid}, data {@code token}) holding a
 * non-expiring {@code static_token} whose subject is {@code kubesphere:serviceaccount:<ns>:<name>}.
 * A token is valid while its Secret and its ServiceAccount exist: deleting the Secret revokes it
 * on every replica (both are read from informers).
 */
public final class ServiceAccounts implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceAccounts.class);
    public static final String PREFIX = "kubesphere:serviceaccount:";
    public static final String SECRET_TYPE = "kubesphere.io/service-account-token";
    static final String ANN_NAME = "kubesphere.io/service-account.name";
    static final String ANN_UID = "kubesphere.io/service-account.uid";
    /** Lets the informer select token Secrets by label (field selectors on type are not portable). */
    static final String LABEL_TOKEN = "iam.tessera.io/service-account-token";

    private final KubernetesClient client;
    private final TokenService tokens;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(DaemonThreads.named("iam-serviceaccounts"));
    /** sha256(token) → "ns/serviceaccount" of every token Secret. */
    private final Map<String, String> tokenOwners = new ConcurrentHashMap<>();
    private SharedIndexInformer<GenericKubernetesResource> accounts;
    private SharedIndexInformer<Secret> secrets;

    public ServiceAccounts(KubernetesClient client, TokenService tokens) {
        this.client = client;
        this.tokens = tokens;
    }

    public void start() {
        secrets = client.secrets().inAnyNamespace().withLabel(LABEL_TOKEN, "true").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret s) {
                index(s);
            }

            @Override
            public void onUpdate(Secret o, Secret s) {
                unindex(o);
                index(s);
            }

            @Override
            public void onDelete(Secret s, boolean unknown) {
                unindex(s);
            }
        });
        accounts = client.genericKubernetesResources(IamTypes.SERVICE_ACCOUNTS).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource sa) {
                worker.submit(() -> ensureToken(sa));
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource sa) {
                worker.submit(() -> ensureToken(sa));
            }

            @Override
            public void onDelete(GenericKubernetesResource sa, boolean unknown) {
            }
        });
    }

    public boolean synced() {
        return accounts != null && accounts.hasSynced() && secrets.hasSynced();
    }

    /** True when the token belongs to a token Secret of this existing service account. */
    public boolean valid(String username, String token) {
        if (!username.startsWith(PREFIX)) {
            return false;
        }
        String[] parts = username.substring(PREFIX.length()).split(":", 2);
        if (parts.length != 2) {
            return false;
        }
        String key = parts[0] + "/" + parts[1];
        return key.equals(tokenOwners.get(sha256(token))) && accounts.getStore().getByKey(key) != null;
    }

    private void ensureToken(GenericKubernetesResource sa) {
        try {
            Object existing = sa.getAdditionalProperties().get("secrets");
            if (existing instanceof List<?> l && !l.isEmpty()) {
                return;
            }
            String ns = sa.getMetadata().getNamespace();
            String name = sa.getMetadata().getName();
            String token = tokens.issue("kubesphere", PREFIX + ns + ":" + name, TokenClaims.STATIC, Duration.ZERO, Map.of(),
                    Instant.EPOCH);
            // a fixed name, so two replicas reconciling the same account collide (409) instead of
            // minting two tokens
            String secretName = name + "-token";
            Secret secret = new SecretBuilder().withNewMetadata().withName(secretName).withNamespace(ns)
                    .withLabels(Map.of(LABEL_TOKEN, "true"))
                    .withAnnotations(Map.of(ANN_NAME, name, ANN_UID, String.valueOf(sa.getMetadata().getUid())))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(sa.getApiVersion()).withKind("ServiceAccount")
                            .withName(name).withUid(sa.getMetadata().getUid()).build())
                    .endMetadata().withType(SECRET_TYPE)
                    .withData(Map.of("token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)))).build();
            try {
                client.secrets().inNamespace(ns).resource(secret).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
                Secret taken = client.secrets().inNamespace(ns).withName(secretName).get();
                if (taken == null || !name.equals(taken.getMetadata().getAnnotations() == null ? null
                        : taken.getMetadata().getAnnotations().get(ANN_NAME))) {
                    LOG.warn("event=serviceaccount-token-name-taken namespace={} secret={}", ns, secretName);
                    return;
                }
            }
            var op = client.genericKubernetesResources(IamTypes.SERVICE_ACCOUNTS).inNamespace(ns).withName(name);
            GenericKubernetesResource current = op.get();
            if (current == null) {
                client.secrets().inNamespace(ns).withName(secretName).delete();
                return;
            }
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("name", secretName);
            ref.put("namespace", ns);
            current.getAdditionalProperties().put("secrets", List.of(ref));
            client.genericKubernetesResources(IamTypes.SERVICE_ACCOUNTS).inNamespace(ns).resource(current).update();
            LOG.info("event=serviceaccount-token-created namespace={} serviceaccount={} secret={}", ns, name, secretName);
        } catch (KubernetesClientException e) {
            // 409: another replica made the token; it will show up through the informers
            if (e.getCode() != 409) {
                LOG.warn("event=serviceaccount-token-failed code={}", e.getCode());
            }
        }
    }

    private void index(Secret s) {
        String token = decode(s);
        String owner = s.getMetadata().getAnnotations() == null ? null : s.getMetadata().getAnnotations().get(ANN_NAME);
        if (token != null && owner != null && SECRET_TYPE.equals(s.getType())) {
            tokenOwners.put(sha256(token), s.getMetadata().getNamespace() + "/" + owner);
        }
    }

    private void unindex(Secret s) {
        String token = decode(s);
        if (token != null) {
            tokenOwners.remove(sha256(token));
        }
    }

    private static String decode(Secret s) {
        String b64 = s.getData() == null ? null : s.getData().get("token");
        return b64 == null ? null : new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (accounts != null) {
            accounts.close();
        }
        if (secrets != null) {
            secrets.close();
        }
        worker.shutdownNow();
    }
}
