package io.tessera.kernel.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModuleHostTest {

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    /** A module that records its start and stop and runs {@code body} in start. */
    private KernelModule module(String name, List<String> dependsOn, Runnable body) {
        return new KernelModule() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<String> dependsOn() {
                return dependsOn;
            }

            @Override
            public void start(KernelContext context) {
                events.add("begin " + name);
                body.run();
                events.add("end " + name);
            }

            @Override
            public void stop() {
                events.add("stop " + name);
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other module never started alongside this one");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void start(ModuleHost host, List<KernelModule> modules) throws ModuleHost.ModuleStartException {
        List<KernelModule> ordered = ModuleOrder.sort(modules);
        host.start(ordered, ordered.stream().map(m -> List.<io.fabric8.kubernetes.api.model.GenericKubernetesResource>of()).toList(),
                null, null);
    }

    @Test
    void independentModulesStartAtTheSameTimeAndADependentOneAfterBoth() throws Exception {
        // each of a and b waits inside start() until the other has begun: only a parallel start passes
        CountDownLatch bothBegun = new CountDownLatch(2);
        Runnable meetTheOther = () -> {
            bothBegun.countDown();
            await(bothBegun);
        };
        ModuleHost host = new ModuleHost();
        start(host, List.of(module("root", List.of(), () -> { }), module("a", List.of("root"), meetTheOther),
                module("b", List.of("root"), meetTheOther), module("last", List.of("a", "b"), () -> { })));

        assertThat(events.indexOf("end root")).isLessThan(events.indexOf("begin a")).isLessThan(events.indexOf("begin b"));
        assertThat(events.indexOf("begin last")).isGreaterThan(events.indexOf("end a")).isGreaterThan(events.indexOf("end b"));

        host.stop();
        // reverse of the order they finished: dependents before what they depend on
        List<String> stops = events.stream().filter(e -> e.startsWith("stop ")).toList();
        assertThat(stops.get(0)).isEqualTo("stop last");
        assertThat(stops.get(3)).isEqualTo("stop root");
    }

    @Test
    void aFailureStartsNoDependentAndStopsEveryStartedModule() {
        ModuleHost host = new ModuleHost();
        assertThatThrownBy(() -> start(host, List.of(module("root", List.of(), () -> { }),
                module("broken", List.of("root", "sibling"), () -> {
                    throw new IllegalStateException("no identity provider configured\nsecond line");
                }),
                module("sibling", List.of("root"), () -> { }),
                module("dependent", List.of("broken"), () -> { }))))
                .isInstanceOf(ModuleHost.ModuleStartException.class)
                .hasMessage("kernel module broken failed to start: no identity provider configured");

        assertThat(events).doesNotContain("begin dependent").contains("stop root", "stop sibling")
                .doesNotContain("stop broken");
        assertThat(events.indexOf("stop root")).isEqualTo(events.size() - 1);
    }
}
