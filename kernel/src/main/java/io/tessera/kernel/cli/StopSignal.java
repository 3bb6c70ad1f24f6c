package io.tessera.kernel.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a request to stop, so that a foreground command closes
 * what it started and exits 0. The JVM's own handling would run shutdown hooks and exit 130/143,
 * which a supervisor reads as a failure. A second signal while stopping exits at once.
 */
final class StopSignal {

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger signals = new AtomicInteger();
    private final PrintWriter err;

    private StopSignal(PrintWriter err) {
        this.err = err;
    }

    static StopSignal install(PrintWriter err) {
        StopSignal stop = new StopSignal(err);
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> stop.onSignal(signal.getName()));
            } catch (IllegalArgumentException e) {
                // the JVM runs with -Xrs or the signal is reserved: shutdown hooks still stop us, with exit 128+n
            }
        }
        return stop;
    }

    private void onSignal(String name) {
        if (signals.incrementAndGet() > 1) {
            err.println("tessera: SIG" + name + " again, exiting without waiting");
            err.flush();
            Runtime.getRuntime().halt(130);
        }
        requested.countDown();
    }

    /** Blocks until a stop is requested. */
    void await() throws InterruptedException {
        requested.await();
    }

    boolean requested() {
        return requested.getCount() == 0;
    }
}
