package io.tessera.kernel.http;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * Tells Jetty how many object references fit in a cache line before its first thread pool is
 * built. Jetty's {@code MemoryUtils} works it out by asking the platform MBean server whether
 * compressed oops are on, which starts that server (about 400 JMX classes, a noticeable part of a
 * cold boot's CPU) for one flag; the same flag is read here from the HotSpot diagnostic MXBean
 * directly, and the result is the value Jetty would compute.
 */
public final class JettyMemory {

    static final String REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
    private static final String CACHE_LINE_BYTES = "org.eclipse.jetty.util.cacheLineBytes";

    private JettyMemory() {
    }

    /** Sets Jetty's property unless the operator set it; a JVM that cannot say leaves Jetty to find out. */
    public static synchronized void presetReferencesPerCacheLine() {
        if (System.getProperty(REFERENCES_PER_CACHE_LINE) != null) {
            return;
        }
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean compressedOops = Boolean.parseBoolean(hotspot.getVMOption("UseCompressedOops").getValue());
            System.setProperty(REFERENCES_PER_CACHE_LINE, Integer.toString(referencesPerCacheLine(cacheLineBytes(), compressedOops)));
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot: Jetty's own way still works
        }
    }

    /** Jetty's rule: 4-byte references with compressed oops, 8-byte ones without. */
    static int referencesPerCacheLine(int cacheLineBytes, boolean compressedOops) {
        return compressedOops ? cacheLineBytes >> 2 : cacheLineBytes >> 3;
    }

    private static int cacheLineBytes() {
        try {
            return Integer.parseInt(System.getProperty(CACHE_LINE_BYTES, "64"));
        } catch (NumberFormatException e) {
            return 64;
        }
    }
}
