package io.tessera.kernel.modules;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Times the steps of one start (the kernel's, a module's) on the thread that runs them. Each
 * {@link #mark} logs {@code event=boot.phase scope=… phase=… ms=… cpuMs=…} at debug level, so an
 * operator can see where a slow boot went (wall time, and this thread's CPU time, which a busy
 * machine does not inflate) without a profiler.
 */
public final class BootPhases {

    /** One finished step: its wall time and the CPU time of the thread that ran it (-1 when not measured). */
    public record Phase(String name, long millis, long cpuMillis) {
    }

    private final Logger log;
    private final String scope;
    private final boolean cpu;
    private final ThreadMXBean threads;
    private final List<Phase> phases = new ArrayList<>();
    private long last;
    private long lastCpu;

    public BootPhases(Logger log, String scope) {
        this.log = log;
        this.scope = scope;
        // the management classes are only worth loading when someone reads the result
        this.cpu = log.isDebugEnabled();
        this.threads = cpu ? ManagementFactory.getThreadMXBean() : null;
        this.last = System.nanoTime();
        this.lastCpu = cpuNanos();
    }

    /** Ends the step that began at the previous mark (or at construction) and names it. */
    public Phase mark(String name) {
        long now = System.nanoTime();
        long nowCpu = cpuNanos();
        Phase phase = new Phase(name, (now - last) / 1_000_000, cpu ? (nowCpu - lastCpu) / 1_000_000 : -1);
        last = now;
        lastCpu = nowCpu;
        synchronized (phases) {
            phases.add(phase);
        }
        if (log.isDebugEnabled()) {
            log.debug("event=boot.phase scope={} phase={} ms={} cpuMs={}", scope, name, phase.millis(), phase.cpuMillis());
        }
        return phase;
    }

    /** The steps marked so far, in order. */
    public List<Phase> phases() {
        synchronized (phases) {
            return List.copyOf(phases);
        }
    }

    private long cpuNanos() {
        return cpu ? threads.getCurrentThreadCpuTime() : 0;
    }
}
