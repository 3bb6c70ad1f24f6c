package io.tessera.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import jakarta.ws.rs.GET;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** close(): readiness false first, the in-flight request finishes, and only then do modules stop. */
class GracefulShutdownIT {

    static final CountDownLatch ENTERED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final AtomicBoolean SLOW_DONE = new AtomicBoolean();
    static final AtomicBoolean SLOW_DONE_WHEN_MODULE_STOPPED = new AtomicBoolean();

    @jakarta.ws.rs.Path("wait")
    public static class Slow {
        @GET
        public String get() throws InterruptedException {
            ENTERED.countDown();
            RELEASE.await(60, TimeUnit.SECONDS);
            SLOW_DONE.set(true);
            return "done";
        }
    }

    static final class SlowModule implements KernelModule {
        @Override
        public String name() {
            return "slow";
        }

        @Override
        public void start(KernelContext context) {
            context.mountPath("/test-slow", new Slow());
            context.addPublicPath("/test-slow/*");
        }

        @Override
        public void stop() {
            SLOW_DONE_WHEN_MODULE_STOPPED.set(SLOW_DONE.get());
        }
    }

    @TempDir
    Path dataDir;

    @Test
    void inFlightRequestDrainsBeforeModulesStop() throws Exception {
        Kernel kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0), List.of(new SlowModule()));
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                HttpRequest.newBuilder(kernel.baseUri().resolve("/test-slow/wait")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ENTERED.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kernel.ready()).isTrue();

        Thread closer = new Thread(kernel::close, "closer");
        closer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> !kernel.ready());
        assertThat(slow).isNotDone();
        assertThat(closer.isAlive()).as("close() waits for the in-flight request").isTrue();

        RELEASE.countDown();
        HttpResponse<String> response = slow.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("done");
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closer.isAlive()).isFalse();
        assertThat(SLOW_DONE_WHEN_MODULE_STOPPED).as("modules stop after the drain").isTrue();
        assertThat(kernel.embeddedCluster()).isNotNull();
    }
}
