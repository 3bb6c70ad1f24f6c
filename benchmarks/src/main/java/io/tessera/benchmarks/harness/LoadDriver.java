package io.tessera.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop HTTP load driver: each of {@code threads} workers sends one GET after the other
 * over keep-alive HTTP/1.1 connections (java.net.http), first for the warm-up (not counted), then
 * for the measured period. Bounded in time; traffic goes only to the URI given (loopback here).
 */
public final class LoadDriver {

    /** What one measured period saw. Latencies are in microseconds, sorted. */
    public record Result(long ok, long failed, double seconds, long[] latenciesMicros) {
        public double perSecond() {
            return ok / seconds;
        }

        public long p50() {
            return Stats.quantile(latenciesMicros, 0.50);
        }

        public long p99() {
            return Stats.quantile(latenciesMicros, 0.99);
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final int threads;

    public LoadDriver(int threads) {
        this.threads = threads;
    }

    /** Sends requests for {@code warmup} (discarded), then for {@code measure}, and returns the measurement. */
    public Result run(URI uri, Map<String, String> headers, Duration warmup, Duration measure) throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        headers.forEach(builder::header);
        HttpRequest request = builder.build();
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<long[]> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Samples samples = new Samples();
            Thread worker = new Thread(() -> {
                for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                    boolean success;
                    try {
                        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                        success = response.statusCode() == 200;
                    } catch (IOException e) {
                        success = false;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    long done = System.nanoTime();
                    if (now >= measureFrom && done <= end) {
                        if (success) {
                            ok.incrementAndGet();
                            samples.add((done - now) / 1_000);
                        } else {
                            failed.incrementAndGet();
                        }
                    }
                }
                synchronized (perThread) {
                    perThread.add(samples.toArray());
                }
            }, "load-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long[] all = perThread.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Result(ok.get(), failed.get(), measure.toNanos() / 1e9, all);
    }

    /** A growable array of longs, one per worker, so that recording needs no lock. */
    private static final class Samples {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
