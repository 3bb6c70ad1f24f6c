package io.tessera.extensions.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.tessera.extension.testkit.ConsoleBrowser;
import io.tessera.extension.testkit.TesseraKernel;
import io.tessera.extension.testkit.daemons.Daemons;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The monitoring extension installed from its package into a kernel, reading a real Prometheus
 * that scrapes a real node-exporter and the pod exporter (cAdvisor/kube-state-metrics series for
 * the embedded cluster's pods). Expected values come from the host (/proc/meminfo) or from the
 * exporter's documented rates, never from the extension.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class MonitoringIT {

    static final String NODE = "obs-node-1";
    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "/kapis/monitoring.kubesphere.io/v1alpha3";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    @Order(1)
    static final Daemons daemons = new Daemons();
    static final PodExporter pods;
    static final String prometheusUrl;

    static {
        try {
            pods = new PodExporter(() -> MonitoringIT.tessera == null ? null : MonitoringIT.tessera.kubernetes(), NODE);
            prometheusUrl = daemons.prometheus(daemons.nodeExporter(), NODE, null, pods.address());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @RegisterExtension
    @Order(2)
    static final TesseraKernel tessera = TesseraKernel.installing(Path.of(System.getProperty("tessera.extension.package")))
            .withConfig("prometheus:\n  url: " + prometheusUrl + "\n");

    static final ResourceDefinitionContext PLANS = new ResourceDefinitionContext.Builder().withGroup("kubesphere.io")
            .withVersion("v1alpha1").withKind("InstallPlan").withPlural("installplans").withNamespaced(false).build();
    static final ResourceDefinitionContext MONITORS = new ResourceDefinitionContext.Builder().withGroup("monitoring.tessera.io")
            .withVersion("v1alpha1").withKind("ApplicationMonitor").withPlural("applicationmonitors").withNamespaced(true).build();

    @BeforeAll
    static void workloads() {
        var k = tessera.kubernetes();
        k.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("kubesphere.io/workspace", "retail").endMetadata().build()).create();
        var deployment = k.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder().withNewMetadata()
                .withName("web").endMetadata().withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer()
                .withName("nginx").withImage("nginx").endContainer().endSpec().endTemplate().endSpec().build()).create();
        var rs = k.apps().replicaSets().inNamespace("shop").resource(new ReplicaSetBuilder().withNewMetadata()
                .withName("web-7d9f").addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("web")
                .withUid(deployment.getMetadata().getUid()).endOwnerReference().endMetadata().withNewSpec().withNewSelector()
                .addToMatchLabels("app", "web").endSelector().withNewTemplate().withNewMetadata().addToLabels("app", "web")
                .endMetadata().withNewSpec().addNewContainer().withName("nginx").withImage("nginx").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        for (String name : new String[] {"web-7d9f-a", "web-7d9f-b"}) {
            k.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName(name).addToLabels("app", "web")
                    .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("web-7d9f")
                    .withUid(rs.getMetadata().getUid()).endOwnerReference().endMetadata().withNewSpec().addNewContainer()
                    .withName("nginx").withImage("nginx").endContainer().addNewContainer().withName("sidecar")
                    .withImage("busybox").endContainer().endSpec().build()).create();
        }
        k.pods().inNamespace("shop").resource(new PodBuilder().withNewMetadata().withName("batch-1").endMetadata()
                .withNewSpec().addNewContainer().withName("job").withImage("busybox").endContainer().endSpec().build()).create();
    }

    static JsonNode get(String role, String path) throws Exception {
        HttpResponse<String> r = tessera.http(role).get(API + path);
        assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static JsonNode result(JsonNode body, String metric) {
        for (JsonNode r : body.path("results")) {
            if (r.path("metric_name").asText().equals(metric)) {
                return r;
            }
        }
        throw new AssertionError(metric + " not in " + body);
    }

    static double value(JsonNode body, String metric) {
        JsonNode series = result(body, metric).path("data").path("result");
        if (series.isEmpty()) {
            return Double.NaN;
        }
        return Double.parseDouble(series.get(0).path("value").get(1).asText());
    }

    static String filter(String regex) {
        return URLEncoder.encode(regex, StandardCharsets.UTF_8);
    }

    @Test
    void clusterMemoryTotalIsTheHostsMemTotalThroughNodeExporter() throws Exception {
        long memTotalKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow();
        await().atMost(DEADLINE).until(() -> !Double.isNaN(value(get("platform-admin",
                "/cluster?metrics_filter=" + filter("^cluster_memory_total$")), "cluster_memory_total")));
        JsonNode body = get("platform-admin", "/cluster?metrics_filter=" + filter("^cluster_(memory_total|load1|node_count|cpu_total)$"));
        assertThat(body.path("results")).hasSize(4);
        assertThat(value(body, "cluster_memory_total")).isEqualTo(memTotalKb * 1024.0);
        assertThat(value(body, "cluster_node_count")).isEqualTo(1.0);
        assertThat(value(body, "cluster_cpu_total")).isEqualTo(Runtime.getRuntime().availableProcessors() > 0
                ? (double) countCpus() : 0);
        assertThat(value(body, "cluster_load1")).isGreaterThanOrEqualTo(0);
    }

    static long countCpus() throws Exception {
        return Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu[0-9]+ .*")).count();
    }

    @Test
    void nodeRankingPagesByTheSortMetric() throws Exception {
        await().atMost(DEADLINE).until(() -> !Double.isNaN(value(get("platform-admin",
                "/nodes?metrics_filter=" + filter("^node_load1$")), "node_load1")));
        JsonNode ranked = get("platform-admin", "/nodes?metrics_filter=" + filter("^node_(load1|memory_utilisation)$")
                + "&sort_metric=node_memory_utilisation&sort_type=desc&page=1&limit=5");
        assertThat(ranked.path("total_item").asInt()).isEqualTo(1);
        assertThat(ranked.path("total_page").asInt()).isEqualTo(1);
        assertThat(result(ranked, "node_load1").path("data").path("result").get(0).path("metric").path("node").asText())
                .isEqualTo(NODE);
        double util = value(ranked, "node_memory_utilisation");
        assertThat(util).isBetween(0.0, 1.0);
        JsonNode page2 = get("platform-admin", "/nodes?sort_metric=node_load1&page=2&limit=1&metrics_filter=node_load1");
        assertThat(result(page2, "node_load1").path("data").path("result")).isEmpty();
        assertThat(page2.path("total_item").asInt()).isEqualTo(1);
        JsonNode one = get("platform-admin", "/nodes/" + NODE + "?metrics_filter=" + filter("^node_load(1|5|15)$"));
        assertThat(one.path("results")).hasSize(3);
    }

    @Test
    void podWorkloadProjectAndWorkspaceMetricsComeFromThePodsThatExist() throws Exception {
        await().atMost(DEADLINE).until(() -> value(get("platform-admin", "/namespaces/shop?metrics_filter="
                + filter("^namespace_pod_count$")), "namespace_pod_count") == 3.0);
        JsonNode pod = get("platform-admin", "/namespaces/shop/pods/web-7d9f-a?metrics_filter=" + filter("^pod_memory_usage_wo_cache$"));
        assertThat(value(pod, "pod_memory_usage_wo_cache")).isEqualTo(2.0 * PodExporter.WORKING_SET); // two containers
        JsonNode workload = get("platform-admin", "/namespaces/shop/workloads/deployment/web?metrics_filter="
                + filter("^workload_(memory_usage_wo_cache|pod_count)$"));
        assertThat(value(workload, "workload_pod_count")).isEqualTo(2.0); // batch-1 is not the deployment's
        assertThat(value(workload, "workload_memory_usage_wo_cache")).isEqualTo(4.0 * PodExporter.WORKING_SET);
        assertThat(result(workload, "workload_pod_count").path("data").path("result").get(0).path("metric")
                .path("workload").asText()).isEqualTo("Deployment:web");
        JsonNode ws = get("platform-admin", "/workspaces/retail?metrics_filter=" + filter("^workspace_pod_count$"));
        assertThat(value(ws, "workspace_pod_count")).isEqualTo(3.0);
        JsonNode containers = get("platform-admin", "/namespaces/shop/pods/web-7d9f-b/containers?metrics_filter="
                + filter("^container_memory_usage$"));
        assertThat(result(containers, "container_memory_usage").path("data").path("result")).hasSize(2);
        // CPU: a rate over the counter the exporter grows at CPU_CORES per container per second
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(value(get("platform-admin",
                "/namespaces/shop/pods/batch-1?metrics_filter=" + filter("^pod_cpu_usage$")), "pod_cpu_usage"))
                .isCloseTo(PodExporter.CPU_CORES, org.assertj.core.data.Offset.offset(0.05)));
        JsonNode ranked = get("platform-admin", "/namespaces/shop/pods?metrics_filter=" + filter("^pod_memory_usage_wo_cache$")
                + "&sort_metric=pod_memory_usage_wo_cache&sort_type=asc&limit=1");
        assertThat(ranked.path("total_item").asInt()).isEqualTo(3);
        assertThat(result(ranked, "pod_memory_usage_wo_cache").path("data").path("result").get(0).path("metric")
                .path("pod").asText()).isEqualTo("batch-1");
    }

    @Test
    void rangeQueriesReturnAMatrix() throws Exception {
        await().atMost(DEADLINE).until(() -> !Double.isNaN(value(get("platform-admin",
                "/cluster?metrics_filter=" + filter("^cluster_load1$")), "cluster_load1")));
        long now = System.currentTimeMillis() / 1000;
        String path = "/cluster?metrics_filter=" + filter("^cluster_load1$") + "&start=" + (now - 30) + "&end=" + now + "&step=1s";
        JsonNode body = get("platform-admin", path);
        JsonNode data = result(body, "cluster_load1").path("data");
        assertThat(data.path("resultType").asText()).isEqualTo("matrix");
        assertThat(data.path("result").get(0).path("values").size()).isGreaterThan(0);
        // timestamps as Prometheus and KubeSphere write them (1700000000.5), never in exponent form (1.7000000005E9)
        String raw = tessera.http("platform-admin").get(API + path).body();
        assertThat(raw).containsPattern("\"values\":\\[\\[\\d{10}(\\.\\d+)?,\"").doesNotContainPattern("\\d[eE][+-]?\\d");
    }

    @Test
    void badParametersAreBadRequestStatuses() throws Exception {
        for (String q : new String[] {"/cluster?step=abc&start=1&end=2", "/cluster?start=5&end=1", "/cluster?time=yesterday",
                "/cluster?metrics_filter=" + filter("(("), "/nodes?sort_metric=nope", "/nodes?page=0",
                "/namespaces/shop/workloads/cronjobs/x", "/nodes/Bad_Name"}) {
            HttpResponse<String> r = tessera.http("platform-admin").get(API + q);
            assertThat(r.statusCode()).as(q + " → " + r.body()).isEqualTo(400);
            JsonNode s = JSON.readTree(r.body());
            assertThat(s.path("kind").asText()).isEqualTo("Status");
            assertThat(s.path("message").asText()).isNotBlank();
        }
        assertThat(tessera.http("platform-admin").get(API + "/components/etcd").statusCode()).isEqualTo(404);
    }

    @Test
    void onlyPlatformAdminsSendRawPromQL() throws Exception {
        String q = API + "/query?expr=" + filter("sum(node_load1)");
        HttpResponse<String> regular = tessera.http("platform-regular").get(q);
        assertThat(regular.statusCode()).isEqualTo(403);
        assertThat(tessera.http("platform-regular").get(API + "/cluster").statusCode()).isEqualTo(403);
        await().atMost(DEADLINE).until(() -> !JSON.readTree(tessera.http("platform-admin").get(q).body())
                .path("results").path(0).path("data").path("result").isEmpty());
        HttpResponse<String> bad = tessera.http("platform-admin").get(API + "/query?expr=" + filter("sum(("));
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
    }

    @Test
    void applicationMonitorIsServedAsHttpServiceDiscovery() throws Exception {
        var k = tessera.kubernetes();
        k.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("api").endMetadata()
                .withNewSpec().addNewPort().withName("metrics").withPort(9100).endPort().addToSelector("app", "web").endSpec()
                .build()).create();
        GenericKubernetesResource m = new GenericKubernetesResource();
        m.setApiVersion("monitoring.tessera.io/v1alpha1");
        m.setKind("ApplicationMonitor");
        m.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("api").withNamespace("shop").build());
        m.setAdditionalProperty("spec", Map.of("service", "api", "port", "metrics", "path", "/stats"));
        k.genericKubernetesResources(MONITORS).inNamespace("shop").resource(m).create();
        GenericKubernetesResource broken = new GenericKubernetesResource();
        broken.setApiVersion("monitoring.tessera.io/v1alpha1");
        broken.setKind("ApplicationMonitor");
        broken.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("ghost").withNamespace("shop").build());
        broken.setAdditionalProperty("spec", Map.of("service", "ghost", "port", 80));
        k.genericKubernetesResources(MONITORS).inNamespace("shop").resource(broken).create();

        await().atMost(DEADLINE).until(() -> k.genericKubernetesResources(MONITORS).inNamespace("shop").withName("ghost").get()
                .getAdditionalProperties().get("status") instanceof Map<?, ?> s && String.valueOf(s.get("error")).contains("not found"));
        await().atMost(DEADLINE).until(() -> k.genericKubernetesResources(MONITORS).inNamespace("shop").withName("api").get()
                .getAdditionalProperties().get("status") instanceof Map<?, ?> s && "api.shop.svc:9100/stats".equals(s.get("target")));
        HttpResponse<String> sd = tessera.http("platform-admin").get(API + "/targets");
        assertThat(sd.statusCode()).isEqualTo(200);
        JsonNode groups = JSON.readTree(sd.body());
        assertThat(groups).hasSize(1);
        assertThat(groups.get(0).path("targets").get(0).asText()).isEqualTo("api.shop.svc:9100");
        assertThat(groups.get(0).path("labels").path("__metrics_path__").asText()).isEqualTo("/stats");
        assertThat(tessera.http("platform-regular").get(API + "/targets").statusCode()).isEqualTo(403);
    }

    @Test
    void unreachablePrometheusIsAConditionAnd503UntilItIsBack() throws Exception {
        String dead = "http://127.0.0.1:" + Daemons.freePort();
        setConfig("prometheus:\n  url: " + dead + "\n");
        try {
            await().atMost(DEADLINE).until(() -> "False".equals(condition()));
            HttpResponse<String> r = tessera.http("platform-admin").get(API + "/cluster?metrics_filter=cluster_load1");
            assertThat(r.statusCode()).isEqualTo(503);
            JsonNode s = JSON.readTree(r.body());
            assertThat(s.path("kind").asText()).isEqualTo("Status");
            assertThat(s.path("reason").asText()).isEqualTo("ServiceUnavailable");
        } finally {
            setConfig("prometheus:\n  url: " + prometheusUrl + "\n");
        }
        await().atMost(DEADLINE).until(() -> "True".equals(condition()));
        await().atMost(DEADLINE).until(() -> tessera.http("platform-admin").get(API + "/cluster?metrics_filter=cluster_load1")
                .statusCode() == 200);
    }

    static String condition() {
        GenericKubernetesResource plan = tessera.kubernetes().genericKubernetesResources(PLANS).withName("monitoring").get();
        if (plan.getAdditionalProperties().get("status") instanceof Map<?, ?> st && st.get("conditions") instanceof java.util.List<?> l) {
            for (Object c : l) {
                if (c instanceof Map<?, ?> cm && "PrometheusReachable".equals(cm.get("type"))) {
                    return String.valueOf(cm.get("status"));
                }
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static void setConfig(String yaml) {
        tessera.kubernetes().genericKubernetesResources(PLANS).withName("monitoring").edit(p -> {
            ((Map<String, Object>) p.getAdditionalProperties().get("spec")).put("config", yaml);
            return p;
        });
    }

    /**
     * The monitoring extension's tabs in the console (Chromium): a platform admin signs in, opens the
     * project "shop", its Monitoring tab draws the CPU series of the namespace that the monitoring
     * API read from Prometheus (pod exporter series); the same on the workload page of "web".
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void projectAndWorkloadPagesHaveAMetricsTabDrawingSeriesFromPrometheus() throws Exception {
        // a platform admin who can sign in directly (the bootstrap admin must first change its password)
        String user = "{\"apiVersion\":\"iam.kubesphere.io/v1beta1\",\"kind\":\"User\",\"metadata\":{\"name\":\"ui-admin\","
                + "\"annotations\":{\"iam.kubesphere.io/globalrole\":\"platform-admin\"}},"
                + "\"spec\":{\"email\":\"ui-admin@example.com\",\"password\":\"Tessera-Ui-1\"}}";
        HttpResponse<String> created = tessera.http("platform-admin").send("POST", "/kapis/iam.kubesphere.io/v1beta1/users", user);
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        // the tabs query the last 30 minutes once when opened: wait until Prometheus holds two points of each
        for (String scope : new String[] {"/namespaces/shop", "/namespaces/shop/workloads/deployment/web"}) {
            String metric = scope.contains("workloads") ? "workload_cpu_usage" : "namespace_cpu_usage";
            await().atMost(DEADLINE).until(() -> {
                long now = System.currentTimeMillis() / 1000;
                JsonNode series = result(get("platform-admin", scope + "?metrics_filter=%5E" + metric + "%24&start=" + (now - 1800)
                        + "&end=" + now + "&step=15s"), metric).path("data").path("result");
                return series.size() > 0 && series.get(0).path("values").size() >= 2;
            });
        }
        String base = tessera.baseUri().toString().replaceAll("/$", "");
        try (ConsoleBrowser browser = new ConsoleBrowser(java.time.Duration.ofSeconds(60))) {
            browser.driver().manage().timeouts().scriptTimeout(java.time.Duration.ofSeconds(10));
            try {
                var driver = browser.driver();
                browser.signIn(base, "ui-admin", "Tessera-Ui-1");
                // the extension's menu entry, titled from its module's locales: entries and locales are loaded
                browser.waiting().until(d -> !d.findElements(org.openqa.selenium.By.linkText("Cluster Status")).isEmpty());

                driver.get(base + "/#/workspaces/retail/projects/shop");
                assertChartOf(browser, "CPU usage (cores)");
                // hundreds of MiB: written out, not as 5.243e+8
                String memory = browser.driver().findElements(org.openqa.selenium.By.cssSelector("section.tsr-metrics figcaption")).stream()
                        .map(org.openqa.selenium.WebElement::getText).filter(c -> c.startsWith("Memory usage (bytes): ")).findFirst()
                        .orElseThrow();
                assertThat(memory).matches("Memory usage \\(bytes\\): [1-9][0-9]{2}(,[0-9]{3}){2}");

                driver.get(base + "/#/workspaces/retail/projects/shop/deployments/web");
                browser.waiting().until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("#workload-pods-table tr[data-name]")).isEmpty());
                assertThat(driver.findElements(org.openqa.selenium.By.cssSelector("#workload-pods-table tr[data-name]")))
                        .extracting(e -> e.getAttribute("data-name")).containsExactlyInAnyOrder("web-7d9f-a", "web-7d9f-b");
                assertChartOf(browser, "CPU usage (cores)");
            } catch (RuntimeException | AssertionError e) {
                Object watch = browser.driver().executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                        + "const tok = JSON.parse(sessionStorage.getItem('tessera.token') || '{}').access_token;"
                        + "const ctl = new AbortController(); setTimeout(() => ctl.abort(), 4000);"
                        + "fetch('/kapis/extensions.tessera.io/v1alpha1/consoleentries/watch', {headers: {Authorization: 'Bearer ' + tok,"
                        + " Accept: 'text/event-stream'}, signal: ctl.signal}).then(async r => { let s = r.status + ' ';"
                        + " const rd = r.body.getReader(); try { for (;;) { const x = await rd.read(); if (x.done) break;"
                        + " s += new TextDecoder().decode(x.value); } } catch (x) { s += ' [' + x.name + ']'; } done(s.slice(0, 600)); },"
                        + " x => done('fetch failed: ' + x));");
                throw new AssertionError(e.getMessage() + "\nwatch stream: " + watch + "\nat " + browser.driver().getCurrentUrl() + "\npage: "
                        + browser.driver().findElement(org.openqa.selenium.By.tagName("body")).getText() + "\nconsole:\n" + browser.consoleLog(), e);
            }
        }
    }

    /** Opens the Monitoring tab and waits until the chart titled {@code title} draws a line of at least two points. */
    static void assertChartOf(ConsoleBrowser browser, String title) {
        var tab = browser.waiting().until(d -> d.findElements(org.openqa.selenium.By.cssSelector("[role=tab]")).stream()
                .filter(b -> b.getText().equals("Monitoring")).findFirst().orElse(null));
        tab.click();
        String d = browser.waiting().until(driver -> driver.findElements(org.openqa.selenium.By.cssSelector("section.tsr-metrics figure")).stream()
                .filter(f -> f.findElement(org.openqa.selenium.By.tagName("figcaption")).getText().startsWith(title + ": "))
                .map(f -> f.findElement(org.openqa.selenium.By.tagName("path")).getAttribute("d"))
                .filter(path -> path != null && path.contains("L")).findFirst().orElse(null));
        assertThat(d).startsWith("M").matches("[ML0-9., -]+");
    }
}
