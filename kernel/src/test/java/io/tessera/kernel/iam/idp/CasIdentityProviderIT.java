package io.tessera.kernel.iam.idp;

import static io.tessera.kernel.iam.IamHttp.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CAS login through {@code /oauth/callback/cas} with service-ticket validation (see {@link CasTestServer}). */
class CasIdentityProviderIT {

    static final String SERVICE = "http://console.example/oauth/callback/cas";
    static final String MANUAL_SERVICE = "http://console.example/oauth/callback/cas-manual";

    @TempDir
    static Path dataDir;
    static CasTestServer cas;
    static Kernel kernel;
    static IamHttp http;

    @BeforeAll
    static void start() throws Exception {
        cas = new CasTestServer();
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0));
        http = new IamHttp(kernel.baseUri());
        String yaml = "name: cas\ntype: CASIdentityProvider\nmappingMethod: auto\nprovider:\n  casServerURL: " + cas.url()
                + "\n  redirectURL: " + SERVICE + "\n";
        String manual = "name: cas-manual\ntype: CASIdentityProvider\nmappingMethod: manual\nprovider:\n  casServerURL: " + cas.url()
                + "\n  redirectURL: " + MANUAL_SERVICE + "\n";
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                    .withName("identityprovider-cas-manual").withNamespace(IamTypes.SYSTEM_NAMESPACE)
                    .withLabels(Map.of("config.kubesphere.io/type", "identityprovider")).endMetadata()
                    .withType("config.kubesphere.io/identityprovider")
                    .withData(Map.of("configuration.yaml", java.util.Base64.getEncoder().encodeToString(manual.getBytes()))).build())
                    .create();
            client.secrets().inNamespace(IamTypes.SYSTEM_NAMESPACE).resource(new SecretBuilder().withNewMetadata()
                    .withName("identityprovider-cas").withNamespace(IamTypes.SYSTEM_NAMESPACE)
                    .withLabels(Map.of("config.kubesphere.io/type", "identityprovider")).endMetadata()
                    .withType("config.kubesphere.io/identityprovider")
                    .withData(Map.of("configuration.yaml", java.util.Base64.getEncoder().encodeToString(yaml.getBytes()))).build())
                    .create();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> tree(http.get("/kapis/config.kubesphere.io/v1alpha2/configs/oauth", null))
                .path("identityProviders").size() == 2);
    }

    @AfterAll
    static void stop() {
        if (kernel != null) {
            kernel.close();
        }
        if (cas != null) {
            cas.close();
        }
    }

    static HttpResponse<String> callback(String ticket) throws Exception {
        return http.get("/oauth/callback/cas?ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8), null);
    }

    @Test
    void aValidTicketLogsInAndMapsTheUserOnce() throws Exception {
        String ticket = cas.issueTicket(SERVICE, "Casper");
        HttpResponse<String> r = callback(ticket);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String token = "Bearer " + tree(r).path("access_token").asText();
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users/casper", token).statusCode()).isEqualTo(200);
        try (KubernetesClient client = kernel.embeddedCluster().newClient()) {
            GenericKubernetesResource user = client.genericKubernetesResources(IamTypes.USERS).withName("casper").get();
            assertThat(IamTypes.annotation(user, "iam.kubesphere.io/identity-provider.cas")).isEqualTo("Casper");
            assertThat(client.genericKubernetesResources(IamTypes.LOGIN_RECORDS).withLabel(IamTypes.LABEL_USER_REF, "casper").list()
                    .getItems()).anyMatch(rec -> "cas".equals(IamTypes.str(rec, "spec", "provider")));
        }
        // a service ticket is single-use
        HttpResponse<String> replay = callback(ticket);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).startsWith("Unauthorized:");
    }

    @Test
    void aTicketForAnotherServiceOrAnUnknownTicketIsRefused() throws Exception {
        assertThat(callback(cas.issueTicket("http://other.example/", "casper")).statusCode()).isEqualTo(401);
        assertThat(callback("ST-0-forged").statusCode()).isEqualTo(401);
        assertThat(http.get("/oauth/callback/cas", null).statusCode()).isEqualTo(401);
        assertThat(http.get("/oauth/callback/nope?ticket=x", null).statusCode()).isEqualTo(401);
    }

    @Test
    void manualMappingRegistersThroughThePreRegistrationToken() throws Exception {
        HttpResponse<String> r = http.get("/oauth/callback/cas-manual?ticket="
                + URLEncoder.encode(cas.issueTicket(MANUAL_SERVICE, "Carl"), StandardCharsets.UTF_8), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(IamHttp.jwtPayload(tree(r).path("access_token").asText()).path("username").asText())
                .isEqualTo("system:pre-registration");
        String pre = "Bearer " + tree(r).path("access_token").asText();
        String refresh = tree(r).path("refresh_token").asText();
        // before registering, the refresh token leads nowhere; listing users is not allowed
        Map<String, String> exchange = Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                "client_id", "kubesphere", "client_secret", "kubesphere");
        assertThat(http.form("/oauth/token", exchange).statusCode()).isEqualTo(400);
        assertThat(http.get("/kapis/iam.kubesphere.io/v1beta1/users", pre).statusCode()).isEqualTo(403);
        Map<String, Object> body = IamHttp.user("carl", "carl@example.com", "Carl12345", "platform-admin");
        HttpResponse<String> created = http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", pre, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        assertThat(tree(created).path("metadata").path("annotations").path("iam.kubesphere.io/identity-provider.cas-manual").asText())
                .isEqualTo("Carl");
        assertThat(tree(created).path("metadata").path("annotations").has("iam.kubesphere.io/globalrole")).isFalse();
        assertThat(http.json("POST", "/kapis/iam.kubesphere.io/v1beta1/users", pre,
                IamHttp.user("carl2", "carl2@example.com", "Carl12345", null)).statusCode()).isEqualTo(409);
        HttpResponse<String> real = http.form("/oauth/token", exchange);
        assertThat(real.statusCode()).as(real.body()).isEqualTo(200);
        assertThat(IamHttp.jwtPayload(tree(real).path("access_token").asText()).path("username").asText()).isEqualTo("carl");
    }
}
