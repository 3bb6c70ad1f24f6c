package io.tessera.benchmarks.kapis;

import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.LoadDriver;
import io.tessera.benchmarks.harness.Stats;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Throughput of a trivial {@code /kapis} route through the kernel against the same JAX-RS
 * resource on bare Jersey + Jetty, in the same JVM and run, with the same load driver. Both are
 * warmed up, then measured in alternating rounds so that drift (JIT, GC, the other process on the
 * machine) hits both alike.
 */
public final class KapisThroughputBenchmark implements Benchmark {

    private static final int THREADS = 4;
    private static final Duration WARMUP = Duration.ofSeconds(5);
    private static final Duration ROUND = Duration.ofSeconds(5);
    private static final int ROUNDS = 3;
    private static final String PATH = "/kapis/" + BenchmarkSecurityModule.GROUP + "/" + BenchmarkSecurityModule.VERSION + "/ping";

    @Override
    public String name() {
        return "kapis-throughput";
    }

    @Override
    public List<Row> run() throws Exception {
        Path dataDir = Files.createTempDirectory("tessera-bench-kapis");
        Server bare = bareJersey();
        try (Kernel kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0), List.of(new BenchmarkSecurityModule()))) {
            URI viaKernel = kernel.baseUri().resolve(PATH);
            URI viaBare = URI.create("http://127.0.0.1:" + ((ServerConnector) bare.getConnectors()[0]).getLocalPort() + PATH);
            Map<String, String> auth = Map.of("Authorization", BenchmarkSecurityModule.TOKEN);
            check(viaKernel, auth);
            check(viaBare, auth);

            LoadDriver driver = new LoadDriver(THREADS);
            driver.run(viaKernel, auth, WARMUP, Duration.ZERO);
            driver.run(viaBare, auth, WARMUP, Duration.ZERO);
            List<LoadDriver.Result> kernelRounds = new ArrayList<>();
            List<LoadDriver.Result> bareRounds = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                kernelRounds.add(driver.run(viaKernel, auth, Duration.ZERO, ROUND));
                bareRounds.add(driver.run(viaBare, auth, Duration.ZERO, ROUND));
            }
            Totals k = Totals.of(kernelRounds);
            Totals b = Totals.of(bareRounds);
            String setup = String.format(Locale.ROOT, "%d client threads, %d×%d s after %d s warm-up", THREADS, ROUNDS,
                    ROUND.toSeconds(), WARMUP.toSeconds());
            return List.of(
                    new Row("GET " + PATH + " via the kernel chain (test bearer authenticator + allow-all authorizer; "
                            + setup + ")", Stats.perSecond(k.rate) + ", " + k.failed + " failed",
                            "", String.format(Locale.ROOT, "bare Jersey+Jetty %s; ratio %.2f", Stats.perSecond(b.rate), k.rate / b.rate)),
                    new Row("latency p50 / p99 via the kernel", k.p50 + " / " + k.p99 + " µs", "",
                            "bare: " + b.p50 + " / " + b.p99 + " µs"));
        } finally {
            bare.stop();
        }
    }

    /** Both servers must answer 200 "pong" before anything is measured, or the figures mean nothing. */
    private static void check(URI uri, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        headers.forEach(request::header);
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().equals("pong")) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static Server bareJersey() throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ResourceConfig app = new ResourceConfig().registerInstances(new PingResource())
                .property(ServerProperties.WADL_FEATURE_DISABLE, true);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new ServletContainer(app)),
                "/kapis/" + BenchmarkSecurityModule.GROUP + "/" + BenchmarkSecurityModule.VERSION + "/*");
        server.setHandler(context);
        server.start();
        return server;
    }

    private record Totals(double rate, long failed, long p50, long p99) {
        static Totals of(List<LoadDriver.Result> rounds) {
            long ok = 0;
            long failed = 0;
            double seconds = 0;
            List<Long> latencies = new ArrayList<>();
            for (LoadDriver.Result r : rounds) {
                ok += r.ok();
                failed += r.failed();
                seconds += r.seconds();
                for (long l : r.latenciesMicros()) {
                    latencies.add(l);
                }
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            return new Totals(ok / seconds, failed, Stats.quantile(sorted, 0.5), Stats.quantile(sorted, 0.99));
        }
    }
}
