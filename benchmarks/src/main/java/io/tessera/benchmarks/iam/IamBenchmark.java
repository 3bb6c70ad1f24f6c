package io.tessera.benchmarks.iam;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.tessera.benchmarks.Benchmark;
import io.tessera.kernel.iam.authz.RbacAuthorizer;
import io.tessera.kernel.iam.authz.RbacIndex;
import io.tessera.kernel.iam.token.TokenClaims;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RequestInfoResolver;
import io.tessera.kernel.security.UserInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Issue 4's figures: the authorization decision time with 10,000 role bindings (goal p50 < 20 µs)
 * against a same-run baseline that scans every binding (what an un-indexed evaluator does), and
 * the time to verify an access token.
 */
public final class IamBenchmark implements Benchmark {

    static final int BINDINGS = 10_000;
    static final int ITERATIONS = 200_000;

    @Override
    public String name() {
        return "IAM";
    }

    @Override
    public List<Row> run() throws Exception {
        RbacIndex index = new RbacIndex();
        List<GenericKubernetesResource> all = new ArrayList<>();
        index.putRole(role("Role", "viewer", "p0", List.of("get", "list", "watch")));
        for (int i = 0; i < 100; i++) {
            index.putNamespace(new NamespaceBuilder().withNewMetadata().withName("p" + i)
                    .withLabels(Map.of("kubesphere.io/workspace", "ws" + (i % 10))).endMetadata().build());
            index.putRole(role("Role", "viewer", "p" + i, List.of("get", "list", "watch")));
        }
        for (int i = 0; i < BINDINGS; i++) {
            GenericKubernetesResource b = binding("RoleBinding", "b" + i, "p" + (i % 100), "user" + i, "Role", "viewer");
            index.putBinding(b);
            all.add(b);
        }
        RbacAuthorizer rbac = new RbacAuthorizer(index);
        UserInfo user = new UserInfo("user4242", "", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of());
        RequestInfo allowed = RequestInfoResolver.resolve("GET", "/api/v1/namespaces/p42/pods", null);
        RequestInfo denied = RequestInfoResolver.resolve("DELETE", "/api/v1/namespaces/p42/pods/x", null);
        if (!rbac.authorize(user, allowed).allowed() || rbac.authorize(user, denied).allowed()) {
            throw new IllegalStateException("benchmark setup does not decide as expected");
        }
        long[] indexed = measure(() -> rbac.authorize(user, allowed).allowed() ^ rbac.authorize(user, denied).allowed());
        long[] scan = measure(() -> linearScan(all, "user4242", "p42"));

        io.tessera.kernel.iam.token.TokenService tokens = new io.tessera.kernel.iam.token.TokenService(
                io.tessera.kernel.iam.token.SigningKeys.ephemeral(), java.time.Clock.systemUTC());
        String token = tokens.issue("http://bench", "admin", TokenClaims.ACCESS, java.time.Duration.ofHours(2), Map.of(),
                java.time.Instant.EPOCH);
        long[] verify = measure(() -> {
            try {
                return tokens.verify(token).username().equals("admin");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        return List.of(
                new Row("authorization decision, 10,000 role bindings (p50, 2 decisions)", micros(p50(indexed)), "p50 < 20 µs per decision",
                        "linear scan " + micros(p50(scan)) + " (" + ratio(p50(scan), p50(indexed)) + ")"),
                new Row("authorization decision, 10,000 role bindings (p99, 2 decisions)", micros(p99(indexed)), "", ""),
                new Row("access-token verification HS256 (p50)", micros(p50(verify)), "", ""));
    }

    /** Runs this group alone: {@code java -cp … io.tessera.benchmarks.iam.IamBenchmark}. */
    public static void main(String[] args) throws Exception {
        for (Row row : new IamBenchmark().run()) {
            System.out.println(row.metric() + " | " + row.value() + " | " + row.goal() + " | " + row.baseline());
        }
    }

    /** What an evaluator without an index does: look at every binding for the subject. */
    static boolean linearScan(List<GenericKubernetesResource> bindings, String user, String namespace) {
        for (GenericKubernetesResource b : bindings) {
            if (namespace.equals(b.getMetadata().getNamespace()) && b.getAdditionalProperties().get("subjects") instanceof List<?> l) {
                for (Object s : l) {
                    if (s instanceof Map<?, ?> m && user.equals(m.get("name"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    interface Op {
        boolean run();
    }

    static long[] measure(Op op) {
        boolean sink = false;
        for (int i = 0; i < ITERATIONS / 4; i++) {
            sink ^= op.run();
        }
        int samples = 20_000;
        long[] t = new long[samples];
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            sink ^= op.run();
            t[i] = System.nanoTime() - start;
        }
        if (sink && t.length < 0) {
            throw new IllegalStateException();
        }
        Arrays.sort(t);
        return t;
    }

    static long p50(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    static long p99(long[] sorted) {
        return sorted[(int) (sorted.length * 0.99)];
    }

    static String micros(long nanos) {
        return String.format("%.2f µs", nanos / 1000.0);
    }

    static String ratio(long baseline, long value) {
        return String.format("%.0fx slower", (double) baseline / Math.max(1, value));
    }

    static GenericKubernetesResource role(String kind, String name, String ns, List<String> verbs) {
        GenericKubernetesResource r = new GenericKubernetesResource();
        r.setKind(kind);
        r.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        r.getAdditionalProperties().put("rules", List.of(Map.of("apiGroups", List.of("*"), "resources", List.of("*"), "verbs", verbs)));
        return r;
    }

    static GenericKubernetesResource binding(String kind, String name, String ns, String user, String roleKind, String role) {
        GenericKubernetesResource b = new GenericKubernetesResource();
        b.setKind(kind);
        b.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        b.getAdditionalProperties().put("subjects", List.of(Map.of("kind", "User", "apiGroup", "iam.kubesphere.io", "name", user)));
        b.getAdditionalProperties().put("roleRef", Map.of("apiGroup", "iam.kubesphere.io", "kind", roleKind, "name", role));
        return b;
    }
}
