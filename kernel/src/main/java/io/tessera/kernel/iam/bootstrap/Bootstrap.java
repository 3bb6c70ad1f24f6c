package io.tessera.kernel.iam.bootstrap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.iam.users.Passwords;
import io.tessera.kernel.kube.YamlDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates what IAM needs to exist: built-in roles, role templates, categories and the admin user.
 * Every replica runs it at start; it is idempotent and tolerates racing replicas (409 = someone
 * else created it). Built-in objects are updated when their shipped definition changes (tracked by
 * a hash annotation), so an upgrade reaches existing clusters without clobbering user objects.
 */
public final class Bootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(Bootstrap.class);
    static final String BUILTIN_HASH = "iam.tessera.io/builtin-hash";
    /** Requests in flight at once: enough to overlap the round trips, few enough not to crowd a small API server. */
    private static final int PARALLEL_REQUESTS = 4;
    /**
     * Kinds read object by object: GlobalRoleBindings are also made for every user, so a list of
     * them grows with the users (10,000 on a large platform) while only three are built in.
     */
    private static final Set<String> READ_ONE_BY_ONE = Set.of("GlobalRoleBinding");
    public static final List<String> RESOURCES =
            List.of("/iam/builtin/categories.yaml", "/iam/builtin/roletemplates.yaml", "/iam/builtin/roles.yaml");

    private final KubernetesClient client;
    private final ObjectMapper json = new ObjectMapper();

    public Bootstrap(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Ensures every built-in object and the admin. What exists is read with one list per kind
     * (about 90 objects of six kinds), except for kinds that also hold one object per user; then
     * each missing or outdated object is created or updated. The objects are independent of each
     * other, so these round trips run a few at a time, and the admin's bcrypt hash, which is CPU
     * work, runs meanwhile; it returns when all are done and throws the first failure.
     */
    public void run(String adminUsername, String adminPassword) {
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_REQUESTS, DaemonThreads.named("iam-bootstrap"));
        try {
            List<CompletableFuture<Void>> work = new ArrayList<>();
            work.add(CompletableFuture.runAsync(() -> ensureAdmin(adminUsername, adminPassword), pool));
            Map<String, CompletableFuture<Map<String, GenericKubernetesResource>>> listed = new HashMap<>();
            for (String resource : RESOURCES) {
                for (GenericKubernetesResource obj : load(resource)) {
                    String kind = obj.getKind();
                    if (READ_ONE_BY_ONE.contains(kind)) {
                        work.add(CompletableFuture.runAsync(() -> ensureBuiltin(obj,
                                client.genericKubernetesResources(contextOf(kind)).withName(obj.getMetadata().getName()).get()), pool));
                    } else {
                        work.add(listed.computeIfAbsent(kind, k -> CompletableFuture.supplyAsync(() -> byName(k), pool))
                                .thenAcceptAsync(existing -> ensureBuiltin(obj, existing.get(obj.getMetadata().getName())), pool));
                    }
                }
            }
            RuntimeException first = null;
            for (CompletableFuture<Void> step : work) {
                try {
                    step.join();
                } catch (CompletionException e) {
                    if (first == null) {
                        first = e.getCause() instanceof RuntimeException cause ? cause : e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdown();
        }
    }

    /** The built-in objects as shipped (also used by tests and the authorization matrix). */
    public List<GenericKubernetesResource> load(String resource) {
        try {
            List<GenericKubernetesResource> out = new ArrayList<>();
            for (Object document : YamlDocuments.read(Bootstrap.class.getClassLoader(), resource.substring(1))) {
                GenericKubernetesResource r = json.convertValue(document, GenericKubernetesResource.class);
                if (r.getKind() != null) {
                    out.add(r);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in objects " + resource + ": " + e.getMessage(), e);
        }
    }

    /** Every object of {@code kind} by name. */
    private Map<String, GenericKubernetesResource> byName(String kind) {
        Map<String, GenericKubernetesResource> out = new HashMap<>();
        for (GenericKubernetesResource r : client.genericKubernetesResources(contextOf(kind)).list().getItems()) {
            out.put(r.getMetadata().getName(), r);
        }
        return out;
    }

    /** @param existing the object as stored, or null when it does not exist */
    private void ensureBuiltin(GenericKubernetesResource desired, GenericKubernetesResource existing) {
        ResourceDefinitionContext ctx = contextOf(desired.getKind());
        String hash = hash(desired);
        IamTypes.putAnnotation(desired, BUILTIN_HASH, hash);
        try {
            if (existing == null) {
                client.genericKubernetesResources(ctx).resource(desired).create();
                return;
            }
            if (hash.equals(IamTypes.annotation(existing, BUILTIN_HASH))) {
                return;
            }
            desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            client.genericKubernetesResources(ctx).resource(desired).update();
            LOG.info("event=builtin-updated kind={} name={}", desired.getKind(), desired.getMetadata().getName());
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // another replica won the race; its object is the same definition
        }
    }

    private void ensureAdmin(String username, String password) {
        var users = client.genericKubernetesResources(IamTypes.USERS);
        if (users.withName(username).get() == null) {
            GenericKubernetesResource user = new GenericKubernetesResource();
            user.setApiVersion(IamTypes.API_VERSION);
            user.setKind("User");
            Map<String, String> annotations = new LinkedHashMap<>();
            // the console asks the admin to change this password at first login (reference §3.1)
            annotations.put(IamTypes.ANN_UNINITIALIZED, "true");
            annotations.put(IamTypes.ANN_GLOBALROLE, "platform-admin");
            annotations.put(IamTypes.ANN_LAST_PASSWORD_CHANGE, Instant.now().toString());
            user.setMetadata(new ObjectMetaBuilder().withName(username).withAnnotations(annotations).build());
            Map<String, Object> spec = IamTypes.section(user, "spec");
            spec.put("email", "admin@kubesphere.io");
            spec.put("password", Passwords.hashForBootstrapAdmin(password));
            Map<String, Object> status = IamTypes.section(user, "status");
            status.put("state", IamTypes.STATE_ACTIVE);
            status.put("lastTransitionTime", Instant.now().toString());
            try {
                users.resource(user).create();
                LOG.info("event=admin-created user={}", username);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        var bindings = client.genericKubernetesResources(IamTypes.GLOBAL_ROLE_BINDINGS);
        if (bindings.withName(username).get() == null) {
            try {
                bindings.resource(globalRoleBinding(username, username, "platform-admin")).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
    }

    /** A GlobalRoleBinding as KubeSphere names and labels it. */
    public static GenericKubernetesResource globalRoleBinding(String name, String user, String role) {
        GenericKubernetesResource b = new GenericKubernetesResource();
        b.setApiVersion(IamTypes.API_VERSION);
        b.setKind("GlobalRoleBinding");
        b.setMetadata(new ObjectMetaBuilder().withName(name)
                .withLabels(Map.of(IamTypes.LABEL_USER_REF, user, IamTypes.LABEL_ROLE_REF, role)).build());
        b.getAdditionalProperties().put("subjects",
                List.of(Map.of("apiGroup", IamTypes.GROUP, "kind", "User", "name", user)));
        b.getAdditionalProperties().put("roleRef",
                Map.of("apiGroup", IamTypes.GROUP, "kind", "GlobalRole", "name", role));
        return b;
    }

    private static ResourceDefinitionContext contextOf(String kind) {
        return IamTypes.BY_PLURAL.values().stream().filter(c -> c.getKind().equals(kind)).findFirst()
                .orElseThrow(() -> new IllegalStateException("not an IAM kind: " + kind));
    }

    private String hash(GenericKubernetesResource r) {
        try {
            byte[] bytes = json.writeValueAsBytes(r);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
