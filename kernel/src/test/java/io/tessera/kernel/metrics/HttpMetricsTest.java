package io.tessera.kernel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HttpMetricsTest {

    @Test
    void registersTheSameJvmFamiliesAsJvmMetricsWhenNativeMemoryTrackingIsOff() {
        PrometheusRegistry ours = new PrometheusRegistry();
        HttpMetrics.registerJvmMetrics(ours);
        PrometheusRegistry library = new PrometheusRegistry();
        io.prometheus.metrics.instrumentation.jvm.JvmMetrics.builder().register(library);

        Set<String> expected = names(library);
        assertThat(expected).contains("jvm_threads_current", "jvm_memory_used_bytes", "process_cpu_seconds");
        // without -XX:NativeMemoryTracking (as the tests run) the library's native memory metrics report nothing
        assertThat(names(ours)).isEqualTo(expected);
    }

    @Test
    void nativeMemoryTrackingIsOnlyWhenAskedForWithALevel() {
        assertThat(HttpMetrics.nativeMemoryTracking(List.of("-Xmx1g", "-XX:NativeMemoryTracking=summary"))).isTrue();
        assertThat(HttpMetrics.nativeMemoryTracking(List.of("-XX:NativeMemoryTracking=detail"))).isTrue();
        assertThat(HttpMetrics.nativeMemoryTracking(List.of("-XX:NativeMemoryTracking=off"))).isFalse();
        assertThat(HttpMetrics.nativeMemoryTracking(List.of("-Xmx1g"))).isFalse();
    }

    private static Set<String> names(PrometheusRegistry registry) {
        return registry.scrape().stream().map(MetricSnapshot::getMetadata).map(m -> m.getPrometheusName())
                .collect(Collectors.toSet());
    }
}
