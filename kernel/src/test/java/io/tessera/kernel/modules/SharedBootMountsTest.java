package io.tessera.kernel.modules;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.audit.AuditBus;
import io.tessera.kernel.health.BuildInfo;
import io.tessera.kernel.health.HealthEndpoints;
import io.tessera.kernel.health.Readiness;
import io.tessera.kernel.health.VersionEndpoint;
import io.tessera.kernel.http.Gateway;
import io.tessera.kernel.http.Security;
import io.tessera.kernel.metrics.HttpMetrics;
import io.tessera.kernel.routing.JaxRsApps;
import io.tessera.kernel.routing.RouteTable;
import io.tessera.kernel.security.Authorizer;
import io.tessera.kernel.security.UserInfo;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kernel's boot mounts served by one Jersey application: same paths and answers as one
 * application per prefix, re-mounts after boot on their own, and the shared application
 * destroyed only when its last prefix is gone and its last request done.
 */
class SharedBootMountsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String OAUTH = "/oauth";
    static final String ALPHA = RouteTable.kapisPrefix("alpha.test.io", "v1");
    static final String BETA = RouteTable.kapisPrefix("beta.test.io", "v1");
    static final String CONSOLE = RouteTable.ROOT;
    static final String PROXY = "/proxy";
    static final String DIST = "/dist";
    static final String CLASSES = "/classes";

    /** The kernel under test: boot mounts deferred, then built together. */
    static Kernelish shared;
    /** The same mounts built one application per prefix (no deferral), as before. */
    static Kernelish separate;

    @BeforeAll
    static void start() throws Exception {
        shared = new Kernelish(true);
        separate = new Kernelish(false);
    }

    @AfterAll
    static void stop() {
        shared.gateway.stop();
        separate.gateway.stop();
    }

    /** A gateway whose kernel context gets the mounts two modules and a console would make. */
    static final class Kernelish {
        final RouteTable routes = new RouteTable();
        final Gateway gateway;
        final LocalConnector local;
        final DefaultKernelContext context;

        Kernelish(boolean deferred) throws Exception {
            this(deferred, new ConsoleResource());
        }

        Kernelish(boolean deferred, Object root) throws Exception {
            Security security = new Security();
            security.addAuthenticator(credentials -> Optional.of(
                    new UserInfo("admin", "1", List.of(UserInfo.AUTHENTICATED_GROUP), Map.of())));
            security.setAuthorizer((user, info) -> Authorizer.Decision.allow());
            Readiness readiness = new Readiness();
            gateway = new Gateway(security, routes, new HealthEndpoints(readiness),
                    new VersionEndpoint(BuildInfo.load(), () -> null), new HttpMetrics(), new AuditBus(), "tessera-host");
            local = gateway.addLocalConnector();
            gateway.addHttpConnector("127.0.0.1", 0);
            gateway.start(Duration.ofSeconds(5));
            context = new DefaultKernelContext(null, null, security, routes, readiness);
            if (deferred) {
                context.deferMounts();
            }
            context.mountPath(OAUTH, new TokenResource(), new LocatingResource());
            context.mountKapis("alpha.test.io", "v1", new ThingsResource("alpha"));
            // two modules adding to one prefix, both at its root path
            context.mountKapis("beta.test.io", "v1", new ThingsResource("beta"));
            context.mountKapis("beta.test.io", "v1", new MoreResource());
            context.mountPath(CONSOLE, root);
            // a prefix without a resource at its own path: what it does not serve is not the console's
            context.mountPath(DIST, new MoreResource());
            // a class rather than an instance: built per request, as in an application of its own
            context.mountPath(CLASSES, PerRequestResource.class);
            // a module's own exception mapper: it must not start answering for other prefixes
            context.mountPath(PROXY, new ProxyResource(), new NotFoundMapper());
            if (deferred) {
                context.mountDeferred(Runnable::run);
            }
        }

        HttpTester.Response send(String method, String path) throws Exception {
            String raw = method + " " + path + " HTTP/1.1\r\nHost: local\r\nAuthorization: Bearer x\r\nConnection: close\r\n"
                    + (method.equals("POST") ? "Content-Length: 0\r\n" : "") + "\r\n";
            return HttpTester.parseResponse(local.getResponse(raw));
        }

        String app(String path) throws Exception {
            HttpTester.Response r = send("GET", path);
            assertThat(r.getStatus()).as(path + ": " + r.getContent()).isEqualTo(200);
            return r.getContent();
        }
    }

    @Path("")
    public static class TokenResource {
        @Context
        UriInfo fieldInjected;

        @GET
        @Path("token")
        @Produces(MediaType.TEXT_PLAIN)
        public String token() {
            return "token for " + fieldInjected.getQueryParameters().getFirst("client");
        }

        @GET
        @Path("app")
        @Produces(MediaType.TEXT_PLAIN)
        public String app(@Context Application application) {
            return "app-" + System.identityHashCode(application);
        }
    }

    /** A sub-resource locator and the sub-resource it returns. */
    @Path("sub")
    public static class LocatingResource {
        @Path("{name}")
        public Child child(@PathParam("name") String name) {
            return new Child(name);
        }

        public static final class Child {
            private final String name;

            Child(String name) {
                this.name = name;
            }

            @GET
            @Produces(MediaType.TEXT_PLAIN)
            public String get() {
                return "child " + name;
            }
        }
    }

    @Path("")
    public static class ThingsResource {
        private final String who;

        public ThingsResource(String who) {
            this.who = who;
        }

        @GET
        @Path("things/{name}")
        @Produces(MediaType.APPLICATION_JSON)
        public Map<String, Object> get(@PathParam("name") String name, @Context UriInfo uri) {
            return Map.of("who", who, "name", name, "limit", String.valueOf(uri.getQueryParameters().getFirst("limit")));
        }

        @POST
        @Path("things/{name}/fail")
        public String fail() {
            throw new IllegalStateException("secret internal detail");
        }

        @GET
        @Path("app")
        @Produces(MediaType.TEXT_PLAIN)
        public String app(@Context Application application) {
            return "app-" + System.identityHashCode(application);
        }
    }

    @Path("known")
    public static class ProxyResource {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String known() {
            return "known";
        }

        @GET
        @Path("app")
        @Produces(MediaType.TEXT_PLAIN)
        public String app(@Context Application application) {
            return "app-" + System.identityHashCode(application);
        }
    }

    @Path("count")
    public static class PerRequestResource {
        @jakarta.ws.rs.QueryParam("q")
        String q;
        private int built;

        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String count() {
            return "q=" + q + " built=" + ++built;
        }
    }

    @Path("more")
    public static class MoreResource {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String more() {
            return "more";
        }
    }

    /** The root mount: the console's catch-all. */
    @Path("/")
    public static class ConsoleResource {
        @GET
        @Path("{path: .*}")
        @Produces(MediaType.TEXT_HTML)
        public String page(@PathParam("path") String path) {
            return "<p>console " + path + "</p>";
        }

        @GET
        @Path("app")
        @Produces(MediaType.TEXT_PLAIN)
        public String app(@Context Application application) {
            return "app-" + System.identityHashCode(application);
        }
    }

    /** A root mount as the console's is: the page at {@code /} and files under a first segment of its own. */
    @Path("/")
    public static class LiteralConsoleResource {
        @GET
        @Produces(MediaType.TEXT_HTML)
        public String page() {
            return "<p>console</p>";
        }

        @GET
        @Path("assets/{file: [a-z]+\\.js}")
        @Produces(MediaType.TEXT_PLAIN)
        public String asset(@PathParam("file") String file) {
            return "asset " + file;
        }

        @GET
        @Path("assets/app")
        @Produces(MediaType.TEXT_PLAIN)
        public String app(@Context Application application) {
            return "app-" + System.identityHashCode(application);
        }
    }

    @Test
    void aRootThatAnswersOnlyUnderFirstSegmentsOfItsOwnSharesTheApplication() throws Exception {
        Kernelish literal = new Kernelish(true, new LiteralConsoleResource());
        Kernelish literalSeparate = new Kernelish(false, new LiteralConsoleResource());
        try {
            String oauth = literal.app("/oauth/app");
            assertThat(literal.app("/assets/app")).isEqualTo(oauth);
            assertThat(literal.app("/kapis/alpha.test.io/v1/app")).isEqualTo(oauth);
            assertThat(literal.app("/proxy/known/app")).as("a prefix with a provider still keeps its own").isNotEqualTo(oauth);
            List<String> differences = new ArrayList<>();
            for (String path : List.of("/", "/assets/a.js", "/assets/A.js", "/assets", "/assets/", "/elsewhere", "/oauth/assets/a.js",
                    "/oauth/nothing-here", "/oauth", "/kapis/alpha.test.io/v1/assets/a.js", "/kapis/gamma.test.io/v1/more",
                    "/dist/other", "/dist", "/classes/count?q=1", "/proxy/unknown", "/index.html")) {
                String was = describe(literalSeparate.send("GET", path));
                String is = describe(literal.send("GET", path));
                if (!was.equals(is)) {
                    differences.add(path + "\n  before: " + was + "\n  after:  " + is);
                }
            }
            assertThat(differences).isEmpty();
            assertThat(literal.send("GET", "/assets/a.js").getContent()).isEqualTo("asset a.js");
            assertThat(literal.send("GET", "/oauth/assets/a.js").getStatus()).isEqualTo(404);
        } finally {
            literal.gateway.stop();
            literalSeparate.gateway.stop();
        }
    }

    @Test
    void aRootsFirstSegmentsAreWhatItCanAnswerUnder() {
        assertThat(JaxRsApps.firstSegments(List.of(new LiteralConsoleResource()))).containsExactlyInAnyOrder("", "assets");
        assertThat(JaxRsApps.firstSegments(List.of(new ConsoleResource()))).as("a catch-all answers under any").isNull();
        assertThat(JaxRsApps.firstSegments(List.of(new MoreResource()))).containsExactly("more");
        java.util.Set<String> literal = JaxRsApps.firstSegments(List.of(new LiteralConsoleResource()));
        assertThat(DefaultKernelContext.overlap(CONSOLE, OAUTH, literal)).isFalse();
        assertThat(DefaultKernelContext.overlap(OAUTH, CONSOLE, literal)).isFalse();
        assertThat(DefaultKernelContext.overlap(CONSOLE, "/assets", literal)).isTrue();
        assertThat(DefaultKernelContext.overlap(CONSOLE, OAUTH, JaxRsApps.firstSegments(List.of(new ConsoleResource())))).isTrue();
        assertThat(DefaultKernelContext.overlap("/proxy", "/proxy/a", literal)).isTrue();
    }

    @Test
    void bootPrefixesThatDoNotNestShareOneApplicationAndTheRootKeepsItsOwn() throws Exception {
        String oauth = shared.app("/oauth/app");
        assertThat(shared.app("/kapis/alpha.test.io/v1/app")).isEqualTo(oauth);
        assertThat(shared.app("/kapis/beta.test.io/v1/app")).isEqualTo(oauth);
        assertThat(shared.send("GET", "/dist/more").getContent()).isEqualTo("more");
        // this root has a catch-all: it would answer the other prefixes' unknown paths
        assertThat(shared.app("/app")).isNotEqualTo(oauth);
        // a prefix with a provider of its own keeps an application of its own
        assertThat(shared.app("/proxy/known/app")).isNotEqualTo(oauth).isNotEqualTo(shared.app("/app"));
        // before: one application per prefix
        assertThat(separate.app("/oauth/app")).isNotEqualTo(separate.app("/kapis/alpha.test.io/v1/app"));
        assertThat(shared.routes.prefixes()).containsExactly(CONSOLE, CLASSES, DIST, ALPHA, BETA, OAUTH, PROXY);
        for (String prefix : shared.routes.prefixes()) {
            assertThat(shared.routes.owner(prefix)).isEqualTo(DefaultKernelContext.KERNEL_OWNER);
        }
        assertThat(shared.routes.mountFor("/oauth/token")).isEqualTo(OAUTH);
        assertThat(shared.routes.mountFor("/kapis/beta.test.io/v1/more")).isEqualTo(BETA);
        assertThat(shared.routes.mountFor("/kapis/gamma.test.io/v1/more")).isNull();
        assertThat(shared.routes.mountFor("/elsewhere")).isEqualTo(CONSOLE);
    }

    @Test
    void everyPathAnswersAsItDidFromAnApplicationOfItsOwn() throws Exception {
        List<String[]> requests = List.of(
                new String[] {"GET", "/oauth/token?client=console"},
                new String[] {"GET", "/oauth/sub/a"},
                new String[] {"GET", "/oauth/sub/a/b"},
                new String[] {"POST", "/oauth/sub/a"},
                new String[] {"GET", "/oauth"},
                new String[] {"GET", "/oauth/"},
                new String[] {"GET", "/oauth/nothing-here"},
                new String[] {"POST", "/oauth/token"},
                new String[] {"GET", "/kapis/alpha.test.io/v1/things/x?limit=3"},
                new String[] {"GET", "/kapis/alpha.test.io/v1/things/x%2Fy"},
                new String[] {"GET", "/kapis/alpha.test.io/v1/things/%zz"},
                new String[] {"DELETE", "/kapis/alpha.test.io/v1/things/x"},
                new String[] {"POST", "/kapis/alpha.test.io/v1/things/x/fail"},
                new String[] {"GET", "/kapis/alpha.test.io/v1/more"},
                new String[] {"GET", "/kapis/alpha.test.io/v1"},
                new String[] {"GET", "/kapis/alpha.test.io/v1/"},
                new String[] {"GET", "/kapis/beta.test.io/v1/things/y"},
                new String[] {"GET", "/kapis/beta.test.io/v1/more"},
                new String[] {"GET", "/kapis/beta.test.io/v1/more/deeper"},
                new String[] {"GET", "/kapis/gamma.test.io/v1/more"},
                new String[] {"GET", "/index.html"},
                new String[] {"GET", "/"},
                new String[] {"GET", "/oauthx/token"},
                new String[] {"GET", "/dist/more"},
                new String[] {"GET", "/dist/other"},
                new String[] {"GET", "/dist"},
                new String[] {"GET", "/classes/count?q=1"},
                new String[] {"GET", "/proxy/known"},
                new String[] {"GET", "/proxy/unknown"});
        List<String> differences = new ArrayList<>();
        for (String[] request : requests) {
            HttpTester.Response before = separate.send(request[0], request[1]);
            HttpTester.Response after = shared.send(request[0], request[1]);
            String was = describe(before);
            String is = describe(after);
            if (!was.equals(is)) {
                differences.add(request[0] + " " + request[1] + "\n  before: " + was + "\n  after:  " + is);
            }
        }
        assertThat(differences).isEmpty();
        // and the answers are the resources' own, not some common fallback
        assertThat(shared.send("GET", "/oauth/token?client=console").getContent()).isEqualTo("token for console");
        assertThat(shared.send("GET", "/oauth/sub/a").getContent()).isEqualTo("child a");
        assertThat(json(shared.send("GET", "/kapis/alpha.test.io/v1/things/x?limit=3")).path("limit").asText()).isEqualTo("3");
        assertThat(json(shared.send("GET", "/kapis/beta.test.io/v1/things/x")).path("who").asText()).isEqualTo("beta");
        assertThat(shared.send("GET", "/kapis/beta.test.io/v1/more").getContent()).isEqualTo("more");
        assertThat(shared.send("GET", "/classes/count?q=2").getContent()).isEqualTo("q=2 built=1");
        HttpTester.Response missing = shared.send("GET", "/kapis/alpha.test.io/v1/more");
        assertThat(missing.getStatus()).isEqualTo(404);
        assertThat(json(missing).path("kind").asText()).isEqualTo("Status");
        HttpTester.Response failed = shared.send("POST", "/kapis/alpha.test.io/v1/things/x/fail");
        assertThat(failed.getStatus()).isEqualTo(500);
        assertThat(failed.getContent()).doesNotContain("secret internal detail").doesNotContain("at io.tessera");
        assertThat(shared.send("GET", "/proxy/unknown").getContent()).isEqualTo("mine");
        assertThat(shared.send("GET", "/oauth/unknown").getContent()).isNotEqualTo("mine");
        HttpTester.Response wrongMethod = shared.send("DELETE", "/kapis/alpha.test.io/v1/things/x");
        assertThat(wrongMethod.getStatus()).isEqualTo(405);
        assertThat(wrongMethod.get("Allow")).contains("GET");
    }

    /** Status, the headers a client reads, and the body (the 500's names its application, which differs by design). */
    private static String describe(HttpTester.Response r) {
        String body = r.getContent().replaceAll("internal error in [^;\"]*", "internal error in <app>");
        return r.getStatus() + " type=" + r.get("Content-Type") + " allow=" + r.get("Allow") + " location=" + r.get("Location")
                + " body=" + body;
    }

    private static JsonNode json(HttpTester.Response r) throws Exception {
        return JSON.readTree(r.getContent());
    }

    @Test
    void aPrefixMountedAgainAfterBootGetsItsOwnApplicationAndTheOthersKeepTheShared() throws Exception {
        Kernelish kernel = new Kernelish(true);
        try {
            String sharedApp = kernel.app("/oauth/app");
            kernel.context.mountKapis("alpha.test.io", "v1", new MoreResource());
            // the prefix now serves what it had and what was added, from an application of its own
            assertThat(kernel.send("GET", "/kapis/alpha.test.io/v1/more").getContent()).isEqualTo("more");
            assertThat(json(kernel.send("GET", "/kapis/alpha.test.io/v1/things/x")).path("who").asText()).isEqualTo("alpha");
            assertThat(kernel.app("/kapis/alpha.test.io/v1/app")).isNotEqualTo(sharedApp);
            // the other prefixes are still served by the shared one
            assertThat(kernel.app("/oauth/app")).isEqualTo(sharedApp);
            assertThat(kernel.app("/kapis/beta.test.io/v1/app")).isEqualTo(sharedApp);
            assertThat(kernel.send("GET", "/oauth/token?client=c").getContent()).isEqualTo("token for c");
            assertThat(kernel.routes.owner(ALPHA)).isEqualTo(DefaultKernelContext.KERNEL_OWNER);
            assertThat(kernel.routes.drained(DefaultKernelContext.KERNEL_OWNER::equals)).isNotDone();
            kernel.routes.clear();
            kernel.routes.drained(DefaultKernelContext.KERNEL_OWNER::equals).get(10, TimeUnit.SECONDS);
            assertThat(kernel.send("GET", "/oauth/token").getStatus()).isEqualTo(404);
        } finally {
            kernel.gateway.stop();
        }
    }

    @Test
    void takingABootPrefixOverUnderLoadFailsNoRequestOfItOrOfTheOthers() throws Exception {
        Kernelish kernel = new Kernelish(true);
        try {
            java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.ConcurrentLinkedQueue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
            java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> clients = new ArrayList<>();
            // (not /oauth/token: an instance's @Context field is injected by each application built
            // with it, so during a swap the older one would reach the newer one's request scope;
            // the kernel's resources take @Context as method parameters)
            for (String path : List.of("/oauth/sub/a", "/kapis/beta.test.io/v1/more", "/kapis/alpha.test.io/v1/things/x")) {
                Thread client = new Thread(() -> {
                    while (running.get()) {
                        try {
                            HttpTester.Response r = kernel.send("GET", path);
                            if (r.getStatus() == 200) {
                                served.incrementAndGet();
                            } else {
                                failures.add(path + " " + r.getStatus() + " " + r.getContent());
                            }
                        } catch (Exception e) {
                            failures.add(path + " " + e);
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            for (int i = 0; i < 5; i++) {
                kernel.context.mountPath(OAUTH, new MoreResource());
                kernel.context.mountKapis("alpha.test.io", "v1", new MoreResource());
                Thread.sleep(50);
            }
            running.set(false);
            for (Thread client : clients) {
                client.join(10_000);
            }
            assertThat(failures).isEmpty();
            assertThat(served.get()).isGreaterThan(30);
        } finally {
            kernel.gateway.stop();
        }
    }

    static final CompletableFuture<AsyncResponse> PENDING = new CompletableFuture<>();

    @Path("slow")
    public static class SuspendingResource {
        @GET
        public void get(@Suspended AsyncResponse response) {
            PENDING.complete(response);
        }
    }

    @Path("quick")
    public static class QuickResource {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String get() {
            return "quick";
        }
    }

    @Test
    void theSharedApplicationIsDestroyedOnlyWhenItsLastPrefixIsGoneAndItsLastRequestDone() throws Exception {
        RouteTable routes = shared.routes;
        String slow = RouteTable.kapisPrefix("slow.test.io", "v1");
        String quick = RouteTable.kapisPrefix("quick.test.io", "v1");
        Map<String, List<Object>> resources = new java.util.LinkedHashMap<>();
        resources.put(slow, List.of(new SuspendingResource()));
        resources.put(quick, List.of(new QuickResource()));
        routes.mountShared(List.of(slow, quick), "shared-owner", JaxRsApps.forPrefixes("shared-test", resources));
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> suspended = client.sendAsync(
                HttpRequest.newBuilder(shared.gateway.baseUri().resolve("/kapis/slow.test.io/v1/slow"))
                        .header("Authorization", "Bearer x").build(), HttpResponse.BodyHandlers.ofString());
        AsyncResponse pending = PENDING.get(10, TimeUnit.SECONDS);

        // one prefix taken over by another application: the shared one still serves the other
        routes.mount(slow, "next-owner", JaxRsApps.forResources("next", List.of(new QuickResource())));
        assertThat(shared.send("GET", "/kapis/quick.test.io/v1/quick").getContent()).isEqualTo("quick");
        assertThat(shared.send("GET", "/kapis/slow.test.io/v1/quick").getContent()).isEqualTo("quick");
        assertThat(routes.drained("shared-owner"::equals)).isNotDone();

        // its last prefix gone, but a request of it still in flight
        assertThat(routes.unmount(quick, "shared-owner")).isTrue();
        assertThat(shared.send("GET", "/kapis/quick.test.io/v1/quick").getStatus()).isEqualTo(404);
        CompletableFuture<Void> drained = routes.drained("shared-owner"::equals);
        Thread.sleep(300);
        assertThat(drained).isNotDone();

        // the suspended request completes on it, and then it goes
        assertThat(pending.resume("resumed by the shared application")).isTrue();
        HttpResponse<String> r = suspended.get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("resumed by the shared application");
        drained.get(10, TimeUnit.SECONDS);
        assertThat(routes.unmount(slow, "next-owner")).isTrue();
    }

    @Test
    void prefixesNestWhenAPathCanBeUnderBoth() {
        assertThat(DefaultKernelContext.nested("/", "/oauth")).isTrue();
        assertThat(DefaultKernelContext.nested("/proxy", "/proxy/a")).isTrue();
        assertThat(DefaultKernelContext.nested("/proxy/a", "/proxy")).isTrue();
        assertThat(DefaultKernelContext.nested("/proxy", "/proxyx")).isFalse();
        assertThat(DefaultKernelContext.nested("/oauth", ALPHA)).isFalse();
        assertThat(DefaultKernelContext.nested(ALPHA, BETA)).isFalse();
    }

    @Test
    void providersAreNotSharedAcrossPrefixes() {
        assertThat(JaxRsApps.canShare(new TokenResource())).isTrue();
        assertThat(JaxRsApps.canShare(TokenResource.class)).isTrue();
        assertThat(JaxRsApps.canShare(new NotFoundMapper())).isFalse();
        assertThat(JaxRsApps.canShare(new Object())).isFalse();
    }

    public static class NotFoundMapper implements jakarta.ws.rs.ext.ExceptionMapper<jakarta.ws.rs.NotFoundException> {
        @Override
        public jakarta.ws.rs.core.Response toResponse(jakarta.ws.rs.NotFoundException e) {
            return jakarta.ws.rs.core.Response.status(404).entity("mine").build();
        }
    }
}
