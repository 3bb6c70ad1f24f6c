package io.tessera.kernel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.audit.AuditEvent;
import io.tessera.kernel.health.BuildInfo;
import io.tessera.kernel.health.HealthEndpoints;
import io.tessera.kernel.health.Readiness;
import io.tessera.kernel.health.VersionEndpoint;
import io.tessera.kernel.metrics.HttpMetrics;
import io.tessera.kernel.routing.JaxRsApps;
import io.tessera.kernel.routing.RequestInfo;
import io.tessera.kernel.routing.RouteTable;
import io.tessera.kernel.security.AuthenticationException;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import io.tessera.kernel.spi.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The request chain over Jetty's in-memory connector: no socket, no cluster. */
class GatewayChainTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final AtomicBoolean READY = new AtomicBoolean(true);
    static final List<AuditEvent> AUDITED = new CopyOnWriteArrayList<>();
    static Gateway gateway;
    static LocalConnector local;
    static RouteTable routes;

    @BeforeAll
    static void start() throws Exception {
        Security security = new Security();
        security.addAuthenticator(credentials -> {
            String auth = credentials.authorization();
            if (!auth.startsWith("Bearer ")) {
                return Optional.empty();
            }
            return switch (auth.substring(7)) {
                case "admin" -> Optional.of(new UserInfo("admin", "1", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of()));
                case "viewer" -> Optional.of(new UserInfo("viewer", "2", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of()));
                default -> throw new AuthenticationException("token expired");
            };
        });
        security.setAuthorizer((user, info) -> user.name().equals("admin")
                ? Authorizer.Decision.allow() : Authorizer.Decision.deny("not an admin"));
        security.publicPaths().add("/oauth/*");
        routes = new RouteTable();
        Readiness readiness = new Readiness();
        readiness.add("test-check", READY::get);
        AuditBus audit = new AuditBus();
        audit.subscribe(AUDITED::add);
        gateway = new Gateway(security, routes, new HealthEndpoints(readiness),
                new VersionEndpoint(BuildInfo.load(), () -> null), new HttpMetrics(), audit, "tessera-host");
        local = gateway.addLocalConnector();
        gateway.addHttpConnector("127.0.0.1", 0);
        gateway.start(Duration.ofSeconds(5));
        routes.mount(RouteTable.kapisPrefix("echo.test.io", "v1"), "test", JaxRsApps.forResources("echo", List.of(new EchoResource())));
        routes.mount("/oauth", "test", JaxRsApps.forResources("oauth", List.of(new OAuthResource())));
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    static HttpTester.Response send(String method, String path, String... headers) throws Exception {
        StringBuilder raw = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: local\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            raw.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!java.util.Arrays.asList(headers).contains("Connection")) {
            raw.append("Connection: close\r\n");
        }
        raw.append("\r\n");
        return HttpTester.parseResponse(local.getResponse(raw.toString()));
    }

    static JsonNode json(HttpTester.Response r) throws Exception {
        return JSON.readTree(r.getContent());
    }

    @Path("things")
    public static class EchoResource {
        @GET
        @Path("{name}")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> get(@Context UriInfo uri, @Context HttpServletRequest request) {
            RequestInfo info = (RequestInfo) request.getAttribute(RequestAttributes.REQUEST_INFO);
            UserInfo user = (UserInfo) request.getAttribute(RequestAttributes.USER);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", uri.getPath());
            m.put("user", user.name());
            m.put("verb", info.verb());
            m.put("resource", info.resource());
            m.put("name", info.name());
            return m;
        }

        @GET
        @Path("query/echo")
        @Produces(MediaType.TEXT_PLAIN)
        public String query(@Context UriInfo uri) {
            return uri.getRequestUri().getRawQuery();
        }

        @POST
        @Path("fail")
        public String fail() {
            throw new IllegalStateException("secret internal detail");
        }
    }

    /** Suspends GET /suspended until {@link #PENDING} is resumed. */
    @Path("suspended")
    public static class SuspendingResource {
        private final String version;

        public SuspendingResource(String version) {
            this.version = version;
        }

        @GET
        public void get(@jakarta.ws.rs.container.Suspended jakarta.ws.rs.container.AsyncResponse response) {
            PENDING.complete(response);
        }

        @GET
        @Path("version")
        public String version() {
            return version;
        }
    }

    static final java.util.concurrent.CompletableFuture<jakarta.ws.rs.container.AsyncResponse> PENDING =
            new java.util.concurrent.CompletableFuture<>();

    @Path("token")
    public static class OAuthResource {
        @GET
        public String token() {
            return "token-endpoint";
        }
    }

    @Test
    void probesAreAnonymous() throws Exception {
        assertThat(send("GET", "/healthz").getStatus()).isEqualTo(200);
        assertThat(send("GET", "/livez").getContent()).isEqualTo("ok");
        assertThat(send("GET", "/version").getStatus()).isEqualTo(200);
        assertThat(send("GET", "/clusters/host/healthz").getStatus()).isEqualTo(200);
    }

    @Test
    void readyzListsFailingChecks() throws Exception {
        READY.set(false);
        try {
            HttpTester.Response r = send("GET", "/readyz");
            assertThat(r.getStatus()).isEqualTo(503);
            assertThat(r.getContent()).contains("[-]test-check failed").contains("readyz check failed");
        } finally {
            READY.set(true);
        }
        assertThat(send("GET", "/readyz").getStatus()).isEqualTo(200);
        assertThat(send("GET", "/readyz?verbose").getContent()).contains("[+]test-check ok");
    }

    @Test
    void anonymousNonPublicIs401WithChallengeAndStatus() throws Exception {
        for (String path : List.of("/kapis/echo.test.io/v1/things/a", "/metrics", "/api/v1/pods", "/dist/x.js", "/whatever")) {
            HttpTester.Response r = send("GET", path);
            assertThat(r.getStatus()).as(path).isEqualTo(401);
            assertThat(r.get("WWW-Authenticate")).as(path).startsWith("Bearer");
            JsonNode status = json(r);
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("apiVersion").asText()).isEqualTo("v1");
            assertThat(status.path("status").asText()).isEqualTo("Failure");
            assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
            assertThat(status.path("code").asInt()).isEqualTo(401);
        }
    }

    @Test
    void aRefusedRequestWhoseBodyIsUnreadClosesItsConnectionOpenly() throws Exception {
        String body = "{\"kind\":\"ConfigMap\"}";
        HttpTester.Response refused = HttpTester.parseResponse(local.getResponse(
                "PUT /kapis/echo.test.io/v1/things/x HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body));
        assertThat(refused.getStatus()).isEqualTo(401);
        assertThat(refused.get("Connection")).isEqualTo("close");
        // without a body the connection stays usable
        HttpTester.Response bodyless = HttpTester.parseResponse(local.getResponse(
                "GET /kapis/echo.test.io/v1/things/x HTTP/1.1\r\nHost: local\r\n\r\n"));
        assertThat(bodyless.getStatus()).isEqualTo(401);
        assertThat(bodyless.get("Connection")).isNull();
    }

    @Test
    void invalidCredentialsAre401EvenOnPublicPaths() throws Exception {
        HttpTester.Response r = send("GET", "/healthz", "Authorization", "Bearer stale");
        assertThat(r.getStatus()).isEqualTo(401);
        assertThat(json(r).path("message").asText()).isEqualTo("token expired");
        HttpTester.Response unknownScheme = send("GET", "/kapis/echo.test.io/v1/things/a", "Authorization", "Digest abc");
        assertThat(unknownScheme.getStatus()).isEqualTo(401);
        assertThat(json(unknownScheme).path("message").asText()).isEqualTo("the credentials are not recognised");
    }

    @Test
    void unrecognisedCredentialsOnAPublicPathAreTheEndpointsBusiness() throws Exception {
        // e.g. an OAuth client's Basic credentials at /oauth/token
        HttpTester.Response r = send("GET", "/oauth/token", "Authorization", "Basic a3ViZXNwaGVyZTprdWJlc3BoZXJl");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getContent()).isEqualTo("token-endpoint");
    }

    @Test
    void deniedKnownUserIs403() throws Exception {
        HttpTester.Response r = send("GET", "/kapis/echo.test.io/v1/things/a", "Authorization", "Bearer viewer");
        assertThat(r.getStatus()).isEqualTo(403);
        JsonNode status = json(r);
        assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
        assertThat(status.path("message").asText())
                .isEqualTo("forbidden: user \"viewer\" cannot get resource \"things\" in API group \"echo.test.io\" name \"a\" at the cluster scope: not an admin");
        assertThat(r.get("WWW-Authenticate")).isNull();
    }

    @Test
    void kapisRouteSeesUserAndRequestInfoWithPathsRelativeToTheMount() throws Exception {
        HttpTester.Response r = send("GET", "/kapis/echo.test.io/v1/things/a", "Authorization", "Bearer admin");
        assertThat(r.getStatus()).as(r.getContent()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("path").asText()).isEqualTo("things/a");
        assertThat(body.path("user").asText()).isEqualTo("admin");
        assertThat(body.path("verb").asText()).isEqualTo("get");
        assertThat(body.path("resource").asText()).isEqualTo("things");
        assertThat(r.get("X-Request-Id")).isNotBlank();
    }

    @Test
    void xKubeSphereAuthorizationStandsInForAuthorization() throws Exception {
        HttpTester.Response r = send("GET", "/kapis/echo.test.io/v1/things/a", "X-KubeSphere-Authorization", "Bearer admin");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(json(r).path("user").asText()).isEqualTo("admin");
    }

    @Test
    void kubeSphereQueryFixUps() throws Exception {
        HttpTester.Response dryRun = send("GET", "/kapis/echo.test.io/v1/things/query/echo?a=1&dryrun=All",
                "Authorization", "Bearer admin");
        assertThat(dryRun.getContent()).isEqualTo("a=1&dryRun=All");
        HttpTester.Response upgrade = send("GET", "/kapis/echo.test.io/v1/things/query/echo", "Authorization", "Bearer admin",
                "Connection", "Upgrade", "Upgrade", "websocket", "X-KubeSphere-Rawquery", "container=c1&stdin=true");
        assertThat(upgrade.getContent()).isEqualTo("container=c1&stdin=true");
        HttpTester.Response plain = send("GET", "/kapis/echo.test.io/v1/things/query/echo?x=2", "Authorization", "Bearer admin",
                "X-KubeSphere-Rawquery", "ignored=true");
        assertThat(plain.getContent()).isEqualTo("x=2");
    }

    @Test
    void hostClusterIsServedLocallyUnderItsNameAndAsHost() throws Exception {
        for (String path : List.of("/clusters/tessera-host/kapis/echo.test.io/v1/things/a",
                "/clusters/host/kapis/echo.test.io/v1/things/a", "/kapis/clusters/host/echo.test.io/v1/things/a",
                "/kapis/clusters/tessera-host/echo.test.io/v1/things/a")) {
            HttpTester.Response r = send("GET", path, "Authorization", "Bearer admin");
            assertThat(r.getStatus()).as(path + " " + r.getContent()).isEqualTo(200);
            assertThat(json(r).path("path").asText()).as(path).isEqualTo("things/a");
        }
    }

    @Test
    void unknownClusterIs400EvenBeforeAuthorization() throws Exception {
        for (String path : List.of("/clusters/m1/kapis/echo.test.io/v1/things/a", "/kapis/clusters/m1/echo.test.io/v1/things/a",
                "/clusters/m1/api/v1/pods")) {
            HttpTester.Response r = send("GET", path, "Authorization", "Bearer viewer");
            assertThat(r.getStatus()).as(path).isEqualTo(400);
            JsonNode status = json(r);
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("message").asText()).isEqualTo("cluster m1 not exists");
        }
    }

    @Test
    void unmountedGroupsAre404AndAnUnconnectedKubernetesApiIs503Status() throws Exception {
        HttpTester.Response r = send("GET", "/kapis/nothing.test.io/v1/things", "Authorization", "Bearer admin");
        assertThat(r.getStatus()).isEqualTo(404);
        assertThat(json(r).path("reason").asText()).isEqualTo("NotFound");
        HttpTester.Response api = send("GET", "/api/v1/namespaces/default/pods", "Authorization", "Bearer admin");
        // this chain has no cluster connected: the proxy says so instead of guessing
        assertThat(api.getStatus()).isEqualTo(503);
        assertThat(json(api).path("kind").asText()).isEqualTo("Status");
        assertThat(json(api).path("message").asText()).contains("not connected");
        assertThat(send("GET", "/proxy/x", "Authorization", "Bearer admin").getStatus()).isEqualTo(404);
    }

    @Test
    void errorsAreStatusWithoutStackTraces() throws Exception {
        HttpTester.Response r = send("POST", "/kapis/echo.test.io/v1/things/fail", "Authorization", "Bearer admin");
        assertThat(r.getStatus()).isEqualTo(500);
        assertThat(json(r).path("kind").asText()).isEqualTo("Status");
        assertThat(r.getContent()).doesNotContain("secret internal detail").doesNotContain("at io.tessera");
        HttpTester.Response missing = send("GET", "/kapis/echo.test.io/v1/nope", "Authorization", "Bearer admin");
        assertThat(missing.getStatus()).isEqualTo(404);
        assertThat(json(missing).path("kind").asText()).isEqualTo("Status");
    }

    @Test
    void malformedRequestsAndWrongMethodsAreStatusToo() throws Exception {
        HttpTester.Response badEncoding = send("GET", "/kapis/echo.test.io/v1/things/%zz", "Authorization", "Bearer admin");
        assertThat(badEncoding.getStatus()).isEqualTo(400);
        assertThat(json(badEncoding).path("kind").asText()).isEqualTo("Status");
        HttpTester.Response wrongMethod = send("DELETE", "/kapis/echo.test.io/v1/things/a", "Authorization", "Bearer admin");
        assertThat(wrongMethod.getStatus()).isEqualTo(405);
        assertThat(json(wrongMethod).path("reason").asText()).isEqualTo("MethodNotAllowed");
        assertThat(wrongMethod.get("Allow")).contains("GET");
        HttpTester.Response probePost = send("POST", "/healthz");
        assertThat(probePost.getStatus()).isEqualTo(405);
        assertThat(json(probePost).path("kind").asText()).isEqualTo("Status");
    }

    @Test
    void mountedPublicPrefixAnswersAnonymously() throws Exception {
        HttpTester.Response r = send("GET", "/oauth/token");
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.getContent()).isEqualTo("token-endpoint");
    }

    @Test
    void metricsNeedAuthorizationAndCountByRouteAndCode() throws Exception {
        send("GET", "/kapis/echo.test.io/v1/things/m", "Authorization", "Bearer admin");
        assertThat(send("GET", "/metrics", "Authorization", "Bearer viewer").getStatus()).isEqualTo(403);
        // like audit events, a request is counted when its exchange completes, which may be after
        // the client has the response
        HttpTester.Response r = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> send("GET", "/metrics", "Authorization", "Bearer admin"),
                m -> m.getContent().contains("route=\"kapis/echo.test.io/v1\""));
        assertThat(r.getStatus()).isEqualTo(200);
        assertThat(r.get("Content-Type")).startsWith("text/plain");
        assertThat(r.getContent())
                .contains("tessera_http_requests_total{code=\"200\",route=\"kapis/echo.test.io/v1\"}")
                .contains("tessera_http_request_duration_seconds_bucket")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void auditEventsRecordWhoAndWhatButNoBody() throws Exception {
        AUDITED.clear();
        send("GET", "/kapis/echo.test.io/v1/things/audited", "Authorization", "Bearer admin");
        // the event is published when the exchange completes, which may be after the client has the response
        AuditEvent event = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> AUDITED.stream().filter(e -> e.path().endsWith("/audited")).findFirst(), Optional::isPresent).get();
        assertThat(event.user()).isEqualTo("admin");
        assertThat(event.verb()).isEqualTo("get");
        assertThat(event.apiGroup()).isEqualTo("echo.test.io");
        assertThat(event.name()).isEqualTo("audited");
        assertThat(event.statusCode()).isEqualTo(200);
        assertThat(event.requestId()).isNotBlank();
    }

    @Test
    void suspendedRequestKeepsItsGenerationAliveAcrossASwap() throws Exception {
        String prefix = RouteTable.kapisPrefix("async.test.io", "v1");
        routes.mount(prefix, "owner", JaxRsApps.forResources("async-1", List.of(new SuspendingResource("1"))));
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>> suspended = client.sendAsync(
                java.net.http.HttpRequest.newBuilder(gateway.baseUri().resolve("/kapis/async.test.io/v1/suspended"))
                        .header("Authorization", "Bearer admin").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        jakarta.ws.rs.container.AsyncResponse pending = PENDING.get(10, java.util.concurrent.TimeUnit.SECONDS);
        routes.mount(prefix, "owner", JaxRsApps.forResources("async-2", List.of(new SuspendingResource("2"))));
        assertThat(send("GET", "/kapis/async.test.io/v1/suspended/version", "Authorization", "Bearer admin").getContent())
                .isEqualTo("2");
        // the old generation was not destroyed under the suspended request: it can still answer
        assertThat(pending.resume("resumed by generation 1")).isTrue();
        java.net.http.HttpResponse<String> r = suspended.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("resumed by generation 1");
        routes.unmount(prefix, "owner");
    }

    @Test
    void unmountedRouteAnswers404() throws Exception {
        String prefix = RouteTable.kapisPrefix("gone.test.io", "v1");
        routes.mount(prefix, "owner-a", JaxRsApps.forResources("gone", List.of(new EchoResource())));
        assertThat(send("GET", "/kapis/gone.test.io/v1/things/x", "Authorization", "Bearer admin").getStatus()).isEqualTo(200);
        assertThat(routes.unmount(prefix, "someone-else")).isFalse();
        assertThat(routes.unmount(prefix, "owner-a")).isTrue();
        assertThat(send("GET", "/kapis/gone.test.io/v1/things/x", "Authorization", "Bearer admin").getStatus()).isEqualTo(404);
    }
}
