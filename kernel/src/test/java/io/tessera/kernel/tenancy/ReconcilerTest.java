package io.tessera.kernel.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The work queue under leader election: idle until activated, resyncs on activation, drops work when deactivated. */
class ReconcilerTest {

    @Test
    void reconcilesNothingBeforeActivationThenEveryKeyOfItsSourcesThenEvents() throws Exception {
        List<String> done = new CopyOnWriteArrayList<>();
        Set<String> cache = ConcurrentHashMap.newKeySet();
        cache.addAll(List.of("a", "b"));
        try (Reconciler r = new Reconciler("test", done::add)) {
            r.resyncFrom(() -> List.copyOf(cache));
            r.enqueue("a"); // an event before this replica leads
            Thread.sleep(200);
            assertThat(done).isEmpty();
            assertThat(r.active()).isFalse();

            r.activate();
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
            assertThat(done).containsExactlyInAnyOrder("a", "b");
            r.enqueue("c");
            await().atMost(Duration.ofSeconds(10)).until(() -> done.contains("c"));
        }
    }

    @Test
    void deactivationDropsEventsAndAbandonsRetriesUntilTheNextActivation() throws Exception {
        List<String> attempts = new CopyOnWriteArrayList<>();
        try (Reconciler r = new Reconciler("test", key -> {
            attempts.add(key);
            throw new IllegalStateException("API down"); // retried with back-off while active
        })) {
            r.resyncFrom(List::of);
            r.activate();
            r.enqueue("x");
            await().atMost(Duration.ofSeconds(10)).until(() -> attempts.size() >= 2);
            r.deactivate();
            Thread.sleep(300); // let a retry that was already running finish
            int after = attempts.size();
            r.enqueue("y");
            Thread.sleep(1500); // longer than the next back-off steps
            assertThat(attempts).hasSize(after).doesNotContain("y");
            assertThat(r.idle()).isTrue();
        }
    }

    @Test
    void severalWorkersReconcileDifferentKeysAtOnceButAKeyQueuedWhileItRunsWaitsForThatRun() throws Exception {
        Set<String> running = ConcurrentHashMap.newKeySet();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        List<String> done = new CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxConcurrent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch aStarted = new java.util.concurrent.CountDownLatch(1);
        try (Reconciler r = new Reconciler("test", 4, key -> {
            if (!running.add(key)) {
                overlaps.add(key);
            }
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            if (key.equals("a")) {
                aStarted.countDown();
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            concurrent.decrementAndGet();
            running.remove(key);
            done.add(key);
        })) {
            r.resyncFrom(List::of);
            r.activate();
            r.enqueue("a");
            r.enqueue("b");
            r.enqueue("c");
            aStarted.await();
            r.enqueue("a"); // while "a" runs: a second run, after the first
            await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 4 && r.idle());
            assertThat(overlaps).isEmpty();
            assertThat(done).containsExactlyInAnyOrder("a", "a", "b", "c");
            assertThat(maxConcurrent.get()).isGreaterThan(1);
        }
    }
}
