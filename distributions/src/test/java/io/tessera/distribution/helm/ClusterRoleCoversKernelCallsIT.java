package io.tessera.distribution.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's ClusterRole allows every Kubernetes API call the kernel makes. The calls come from the
 * kernel's recorder (kube/ApiCallRecorder): the kernel's integration tests write theirs to
 * {@code <module>/target/api-calls/} in the same build, and this test adds its own by booting a kernel
 * and exercising login, user management, a request through the Kubernetes proxy (whose impersonation
 * the recorder notes) and logout, so the check never runs on an empty record.
 */
class ClusterRoleCoversKernelCallsIT {

    private static final String RECORD = "tessera.kube.recordCalls";

    @TempDir
    Path tmp;

    @Test
    void everyRecordedCallIsAllowedByTheChartsClusterRole() throws Exception {
        Path own = tmp.resolve("api-calls");
        recordAKernelsMainFlows(own);
        TreeSet<String> calls = new TreeSet<>(readCalls(own));
        // a meaningful record: the boot applied CRDs, IAM used Secrets, the proxy impersonated the caller
        assertThat(calls).contains("create apiextensions.k8s.io customresourcedefinitions", "impersonate core users",
                "impersonate core groups").anyMatch(c -> c.endsWith(" core secrets"));
        List<Path> fromIts = recordsOfOtherModules();
        for (Path dir : fromIts) {
            calls.addAll(readCalls(dir));
        }

        RenderedChart chart = RenderedChart.render(HelmChartIT.defaultInstallCommand(), HelmChartIT.CHART);
        List<PolicyRule> rules = chart.all(ClusterRole.class).get(0).getRules();
        // Calls on the groups of the extensions in the image's built-in repository (recorded by their
        // ITs in the same build) must be allowed by the default rbac.extensionRules; calls on other
        // custom groups come from test-only extensions (e.g. the kernel ITs' test.tessera.io widgets).
        Set<String> platformGroups = chartCrdGroups();
        List<String> extensionGroups = BuiltInExtensions.groups().stream().filter(g -> !g.equals("core")).toList();
        platformGroups.addAll(extensionGroups);
        List<String> extensionCalls = calls.stream().filter(c -> !isPlatformCall(c, platformGroups)).toList();
        calls.removeAll(extensionCalls);
        System.out.println("ClusterRoleCoversKernelCallsIT: " + calls.size() + " platform and built-in extension calls checked "
                + "(of those, on the built-in extensions' groups: " + calls.stream().filter(c -> extensionGroups.contains(c.split(" ")[1])).toList() + "); test-only extension calls left out: " + extensionCalls);
        assertThat(calls).as("built-in and platform calls").hasSizeGreaterThan(20);
        List<String> denied = calls.stream().filter(c -> !RbacRules.allows(rules, c)).toList();
        assertThat(denied).as("calls the chart's ClusterRole denies (records: %s and %s)", own, fromIts).isEmpty();

        // negative control: the same check without the CRD rule finds the boot's CRD calls
        List<PolicyRule> withoutCrds = rules.stream()
                .filter(r -> !r.getApiGroups().contains("apiextensions.k8s.io")).toList();
        assertThat(calls.stream().filter(c -> !RbacRules.allows(withoutCrds, c)))
                .contains("create apiextensions.k8s.io customresourcedefinitions");
        // and without the impersonate rules, the proxy's impersonation
        List<PolicyRule> withoutImpersonation = rules.stream().filter(r -> !r.getVerbs().contains("impersonate")).toList();
        assertThat(calls.stream().filter(c -> !RbacRules.allows(withoutImpersonation, c)))
                .contains("impersonate core users", "impersonate core groups");
    }

    /** Built-in Kubernetes groups have no dot or end in .k8s.io; platform groups are those of the chart's CRDs. */
    private static boolean isPlatformCall(String call, Set<String> platformGroups) {
        String[] c = call.split(" ");
        if (c[1].equals("nonResourceURL") || c[1].equals("core")) {
            return true;
        }
        return !c[1].contains(".") || c[1].endsWith(".k8s.io") || platformGroups.contains(c[1]);
    }

    private static Set<String> chartCrdGroups() throws Exception {
        Set<String> groups = new TreeSet<>();
        try (Stream<Path> files = Files.list(HelmChartIT.CHART.resolve("crds"))) {
            for (Path f : files.toList()) {
                RenderedChart.parse(Files.readString(f)).all(CustomResourceDefinition.class)
                        .forEach(crd -> groups.add(crd.getSpec().getGroup()));
            }
        }
        assertThat(groups).contains("iam.kubesphere.io");
        return groups;
    }

    /** Boots a kernel on the embedded cluster with the recorder on and drives IAM's main flows. */
    private void recordAKernelsMainFlows(Path record) throws Exception {
        String before = System.getProperty(RECORD);
        System.setProperty(RECORD, record.toString());
        try (Kernel kernel = Kernel.start(KernelConfig.defaults(tmp.resolve("data")).withPort(0))) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = kernel.baseUri();
            String form = Stream.of(Map.entry("grant_type", "password"), Map.entry("username", "admin"),
                    Map.entry("password", "P@88w0rd"), Map.entry("client_id", "kubesphere"), Map.entry("client_secret", "kubesphere"))
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(base.resolve("/oauth/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
            String bearer = "Bearer " + token.body().replaceAll("(?s).*\"access_token\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String user = "{\"apiVersion\":\"iam.kubesphere.io/v1beta1\",\"kind\":\"User\",\"metadata\":{\"name\":\"alice\","
                    + "\"annotations\":{\"iam.kubesphere.io/globalrole\":\"platform-regular\"}},"
                    + "\"spec\":{\"email\":\"alice@example.com\",\"password\":\"Alice1234\"}}";
            List<HttpRequest> requests = new ArrayList<>();
            requests.add(HttpRequest.newBuilder(base.resolve("/kapis/iam.kubesphere.io/v1beta1/users")).header("Authorization", bearer)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(user)).build());
            requests.add(HttpRequest.newBuilder(base.resolve("/kapis/iam.kubesphere.io/v1beta1/users")).header("Authorization", bearer).build());
            requests.add(HttpRequest.newBuilder(base.resolve("/kapis/iam.kubesphere.io/v1beta1/users/alice/loginrecords"))
                    .header("Authorization", bearer).build());
            requests.add(HttpRequest.newBuilder(base.resolve("/kapis/iam.kubesphere.io/v1beta1/users/alice")).header("Authorization", bearer)
                    .DELETE().build());
            // through the Kubernetes proxy: forwarded with Impersonate-User/-Group (recorded by ApiCallRecorder)
            requests.add(HttpRequest.newBuilder(base.resolve("/api/v1/namespaces")).header("Authorization", bearer).build());
            requests.add(HttpRequest.newBuilder(base.resolve("/oauth/logout")).header("Authorization", bearer).build());
            for (HttpRequest r : requests) {
                HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(r.method() + " " + r.uri() + ": " + response.body()).isLessThan(300);
            }
        } finally {
            if (before == null) {
                System.clearProperty(RECORD);
            } else {
                System.setProperty(RECORD, before);
            }
        }
    }

    /** target/api-calls of every module of this build whose integration tests recorded calls. */
    private static List<Path> recordsOfOtherModules() throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.walk(RenderedChart.REPOSITORY, 4)) {
            modules.filter(p -> p.endsWith(Path.of("target", "api-calls")) && Files.isDirectory(p)).forEach(out::add);
        }
        return out;
    }

    private static List<String> readCalls(Path dir) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".txt")).toList()) {
                out.addAll(Files.readAllLines(f).stream().filter(l -> !l.isBlank()).toList());
            }
        }
        return out;
    }
}
