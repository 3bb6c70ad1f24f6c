package io.tessera.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.config.KernelConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel on the embedded cluster with no modules: probes, version, and the default security. */
class KernelBootIT {

    @TempDir
    static Path dataDir;
    static Kernel kernel;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
    }

    @AfterAll
    static void shutdown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(kernel.baseUri().resolve(path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void probesAnswerAnonymously() throws Exception {
        assertThat(get("/healthz").statusCode()).isEqualTo(200);
        assertThat(get("/livez").statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(kernel.baseUri().getPort()).isPositive();
        assertThat(kernel.embeddedCluster()).isNotNull();
        assertThat(dataDir.resolve("kubeconfig")).exists();
    }

    @Test
    void versionHasKubeSphereShape() throws Exception {
        HttpResponse<String> r = get("/version");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode v = JSON.readTree(r.body());
        assertThat(v.path("gitVersion").asText()).startsWith("v");
        assertThat(v.has("gitCommit")).isTrue();
        assertThat(v.has("buildDate")).isTrue();
        assertThat(v.path("javaVersion").asText()).isEqualTo(System.getProperty("java.version"));
    }

    @Test
    void withoutCredentialsEverythingElseIs401WithStatus() throws Exception {
        for (String path : new String[] {"/kapis/iam.kubesphere.io/v1beta1/users", "/metrics", "/nothing", "/api/v1/pods"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).isPresent();
            JsonNode status = JSON.readTree(r.body());
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
            assertThat(status.path("code").asInt()).isEqualTo(401);
        }
    }

    @Test
    void unrecognisedCredentialsAre401() throws Exception {
        // no authenticator is installed in this kernel, so no credentials are recognised
        HttpResponse<String> r = get("/metrics", "Authorization", "Bearer nobody-knows-this");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("reason").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void unknownClusterIs400() throws Exception {
        HttpResponse<String> r = get("/clusters/m1/kapis/iam.kubesphere.io/v1beta1/users");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode status = JSON.readTree(r.body());
        assertThat(status.path("message").asText()).isEqualTo("cluster m1 not exists");
        assertThat(get("/clusters/host/healthz").statusCode()).isEqualTo(200);
    }
}
