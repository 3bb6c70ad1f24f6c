package io.tessera.kernel.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Request metrics (count by route group and status code, latency by route group) and JVM metrics,
 * in a registry of this kernel's own (several kernels can share a JVM in tests).
 */
public final class HttpMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram latency;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public HttpMetrics() {
        requests = Counter.builder()
                .name("tessera_http_requests_total")
                .help("HTTP requests by route group and status code")
                .labelNames("route", "code")
                .register(registry);
        latency = Histogram.builder()
                .name("tessera_http_request_duration_seconds")
                .help("HTTP request latency by route group")
                .labelNames("route")
                // the text format shows classic buckets only; native ones cost every request a second observation
                .classicOnly()
                .register(registry);
        registerJvmMetrics(registry);
    }

    /**
     * What {@code JvmMetrics.builder().register(registry)} registers, except that the native
     * memory metrics are left out unless native memory tracking is on: they report nothing
     * without it, and finding that out starts the platform MBean server (about 400 classes and a
     * few hundred ms of a cold boot's CPU).
     */
    static void registerJvmMetrics(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryPoolAllocationMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        if (nativeMemoryTracking(ManagementFactory.getRuntimeMXBean().getInputArguments())) {
            JvmNativeMemoryMetrics.builder().register(registry);
        }
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** True when the JVM was started with {@code -XX:NativeMemoryTracking=summary|detail}. */
    static boolean nativeMemoryTracking(List<String> jvmArguments) {
        return jvmArguments.stream().anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking=") && !a.endsWith("=off"));
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * The outermost stage: observes every request when it completes.
     *
     * @param routeOf the bounded route label of a completed request
     */
    public Handler.Wrapper stage(Handler next, Function<Request, String> routeOf, Completion also) {
        return new Handler.Wrapper(next) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                long start = System.nanoTime();
                Request.addCompletionListener(request, failure -> {
                    String route = routeOf.apply(request);
                    int code = failure == null ? response.getStatus() : 500;
                    long nanos = System.nanoTime() - start;
                    requests.labelValues(route, Integer.toString(code)).inc();
                    latency.labelValues(route).observe(nanos / 1e9);
                    also.completed(request, code, nanos);
                });
                return super.handle(request, response, callback);
            }
        };
    }

    /** Told about every completed request, after it was counted. */
    @FunctionalInterface
    public interface Completion {
        void completed(Request request, int status, long nanos);
    }

    /** Answers {@code GET /metrics} in the Prometheus text format. */
    public void write(Response response, Callback callback) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, registry.scrape());
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, writer.getContentType());
        response.write(true, ByteBuffer.wrap(out.toByteArray()), callback);
    }
}
