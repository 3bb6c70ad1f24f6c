package io.tessera.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.testing.Gc;
import io.tessera.kernel.testing.TestBundles;
import io.tessera.kernel.testing.TestSecurityModule;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleWiring;

/**
 * A real bundle, assembled from test classes, installed into the kernel's Felix: its /kapis
 * route appears, disappears with the bundle, and the bundle's class loader is collected. An
 * upgrade under continuous traffic fails no request.
 */
class KapisBundleLifecycleIT {

    @TempDir
    static Path dataDir;
    @TempDir
    static Path bundles;
    static Kernel kernel;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void boot() throws Exception {
        kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0), List.of(new TestSecurityModule()));
    }

    @AfterAll
    static void shutdown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(kernel.baseUri().resolve(path))
                .header("Authorization", TestSecurityModule.ADMIN).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bundleRouteIsServedThenGoneAndItsClassLoaderIsCollected() throws Exception {
        Path jar = TestBundles.hello(bundles, "hello-lifecycle", "1.0.0", "lifecycle.test.io", "hello from v1");
        Bundle bundle = kernel.osgi().install(jar);

        HttpResponse<String> served = get("/kapis/lifecycle.test.io/v1/greetings/bob");
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(served.body());
        assertThat(body.path("message").asText()).isEqualTo("hello from v1");
        assertThat(body.path("name").asText()).isEqualTo("bob");
        // the kernel's KernelInfo service reached the bundle
        assertThat(body.path("cluster").asText()).isEqualTo("host");
        // the legacy and the prefixed multicluster forms reach the same route
        assertThat(get("/clusters/host/kapis/lifecycle.test.io/v1/greetings/bob").statusCode()).isEqualTo(200);
        assertThat(get("/kapis/clusters/host/lifecycle.test.io/v1/greetings/bob").statusCode()).isEqualTo(200);

        WeakReference<ClassLoader> loader = new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader());
        assertThat(loader.get()).isNotSameAs(getClass().getClassLoader());
        kernel.osgi().uninstall(bundle);
        bundle = null;

        HttpResponse<String> gone = get("/kapis/lifecycle.test.io/v1/greetings/bob");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(gone.body()).path("kind").asText()).isEqualTo("Status");

        assertThat(Gc.collected(loader, Duration.ofSeconds(30)))
                .as("the uninstalled bundle's class loader is collected").isTrue();
    }

    /** Negative control: while anything holds one of the bundle's classes, the same check fails. */
    @Test
    void leakCheckFailsWhileTheBundleIsPinned() throws Exception {
        Path jar = TestBundles.hello(bundles, "hello-pinned", "1.0.0", "pinned.test.io", "pinned");
        Bundle bundle = kernel.osgi().install(jar);
        assertThat(get("/kapis/pinned.test.io/v1/greetings/x").statusCode()).isEqualTo(200);
        Class<?> pin = bundle.loadClass("io.tessera.kernel.testbundle.hello.HelloResource");
        WeakReference<ClassLoader> loader = new WeakReference<>(bundle.adapt(BundleWiring.class).getClassLoader());
        kernel.osgi().uninstall(bundle);
        bundle = null;
        assertThat(get("/kapis/pinned.test.io/v1/greetings/x").statusCode()).isEqualTo(404);

        assertThat(Gc.collected(loader, Duration.ofSeconds(3)))
                .as("a pinned class keeps its class loader: the leak check reports it").isFalse();
        Reference.reachabilityFence(pin);
        pin = null;
        assertThat(Gc.collected(loader, Duration.ofSeconds(30))).as("released, it is collected").isTrue();
    }

    /**
     * A request held in flight on the old version while the new one takes the route: it finishes
     * on the old version, and the old bundle is uninstalled only after it has.
     */
    @Test
    void inFlightRequestFinishesOnTheOldVersionAndUninstallWaitsForIt() throws Exception {
        String group = "drain.test.io";
        Bundle v1 = kernel.osgi().install(TestBundles.hello(bundles, "hello-drain", "1.0.0", group, "version 1"));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        String key = "tessera.test.gate.drain";
        System.getProperties().put(key, new CountDownLatch[] {entered, release});
        try {
            CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(
                    HttpRequest.newBuilder(kernel.baseUri().resolve("/kapis/" + group + "/v1/greetings/held?gate=drain"))
                            .header("Authorization", TestSecurityModule.ADMIN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

            Bundle v2 = kernel.osgi().install(TestBundles.hello(bundles, "hello-drain", "2.0.0", group, "version 2"));
            HttpResponse<String> now = get("/kapis/" + group + "/v1/greetings/new");
            assertThat(JSON.readTree(now.body()).path("message").asText()).isEqualTo("version 2");

            AtomicReference<Exception> uninstallError = new AtomicReference<>();
            Thread uninstaller = new Thread(() -> {
                try {
                    kernel.osgi().uninstall(v1);
                } catch (Exception e) {
                    uninstallError.set(e);
                }
            }, "uninstaller");
            uninstaller.start();
            // it stops the bundle, then waits for the held request instead of uninstalling
            await().atMost(Duration.ofSeconds(30)).until(() -> uninstaller.getState() == Thread.State.TIMED_WAITING
                    && v1.getState() == Bundle.RESOLVED);
            assertThat(held).isNotDone();

            release.countDown();
            HttpResponse<String> done = held.get(30, TimeUnit.SECONDS);
            assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
            assertThat(JSON.readTree(done.body()).path("message").asText()).isEqualTo("version 1");
            uninstaller.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(uninstaller.isAlive()).isFalse();
            assertThat(uninstallError.get()).isNull();
            assertThat(v1.getState()).isEqualTo(Bundle.UNINSTALLED);
            kernel.osgi().uninstall(v2);
        } finally {
            release.countDown();
            System.getProperties().remove(key);
        }
    }

    @Test
    void upgradesUnderContinuousTrafficFailNoRequest() throws Exception {
        String group = "swap.test.io";
        String path = "/kapis/" + group + "/v1/greetings/load";
        Bundle current = kernel.osgi().install(TestBundles.hello(bundles, "hello-swap", "1.0.0", group, "generation 1"));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> perGeneration = new ConcurrentHashMap<>();
        Runnable client = () -> {
            while (running.get()) {
                try {
                    HttpResponse<String> r = get(path);
                    if (r.statusCode() == 200) {
                        String message = JSON.readTree(r.body()).path("message").asText();
                        seen.add(message);
                        perGeneration.computeIfAbsent(message, m -> new AtomicInteger()).incrementAndGet();
                        ok.incrementAndGet();
                    } else {
                        failures.add(r.statusCode() + " " + r.body());
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        };
        List<Thread> clients = List.of(new Thread(client, "client-1"), new Thread(client, "client-2"));
        clients.forEach(Thread::start);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("generation 1"));
            for (int generation = 2; generation <= 6; generation++) {
                String message = "generation " + generation;
                // install the new version first (it takes the route), then remove the old one
                Bundle next = kernel.osgi().install(
                        TestBundles.hello(bundles, "hello-swap", generation + ".0.0", group, message));
                kernel.osgi().uninstall(current);
                current = next;
                int before = ok.get();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> perGeneration.getOrDefault(message, new AtomicInteger()).get() >= 20 && ok.get() > before + 20);
            }
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join();
            }
        }
        kernel.osgi().uninstall(current);
        assertThat(failures).as("failed requests during upgrades").isEmpty();
        assertThat(seen).contains("generation 1", "generation 2", "generation 3", "generation 4", "generation 5", "generation 6");
        assertThat(get(path).statusCode()).isEqualTo(404);
    }
}
