package io.tessera.kernel.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the kernel's executors: daemon threads (none of them may keep a stopping
 * JVM alive) with a name that says whose they are in thread dumps and logs.
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** Every thread named {@code name}. */
    public static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, …, for pools whose threads should be told apart. */
    public static ThreadFactory numbered(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> daemon(runnable, prefix + "-" + count.incrementAndGet());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
