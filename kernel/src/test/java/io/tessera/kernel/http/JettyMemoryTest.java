package io.tessera.kernel.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

class JettyMemoryTest {

    @Test
    void presetsTheValueJettyWouldWorkOutThroughTheMBeanServer() throws Exception {
        String before = System.getProperty(JettyMemory.REFERENCES_PER_CACHE_LINE);
        try {
            System.clearProperty(JettyMemory.REFERENCES_PER_CACHE_LINE);
            JettyMemory.presetReferencesPerCacheLine();

            // Jetty's MemoryUtils: the HotSpotDiagnostic MBean's UseCompressedOops, 64-byte lines
            CompositeData option = (CompositeData) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=HotSpotDiagnostic"), "getVMOption",
                    new Object[] {"UseCompressedOops"}, new String[] {"java.lang.String"});
            int jettys = Boolean.parseBoolean((String) option.get("value")) ? 64 / 4 : 64 / 8;
            assertThat(System.getProperty(JettyMemory.REFERENCES_PER_CACHE_LINE)).isEqualTo(Integer.toString(jettys));
        } finally {
            restore(before);
        }
    }

    @Test
    void keepsWhatTheOperatorSet() {
        String before = System.getProperty(JettyMemory.REFERENCES_PER_CACHE_LINE);
        try {
            System.setProperty(JettyMemory.REFERENCES_PER_CACHE_LINE, "4");
            JettyMemory.presetReferencesPerCacheLine();
            assertThat(System.getProperty(JettyMemory.REFERENCES_PER_CACHE_LINE)).isEqualTo("4");
        } finally {
            restore(before);
        }
    }

    @Test
    void referencesAreFourBytesWithCompressedOopsAndEightWithout() {
        assertThat(JettyMemory.referencesPerCacheLine(64, true)).isEqualTo(16);
        assertThat(JettyMemory.referencesPerCacheLine(64, false)).isEqualTo(8);
        assertThat(JettyMemory.referencesPerCacheLine(128, true)).isEqualTo(32);
    }

    private static void restore(String value) {
        if (value == null) {
            System.clearProperty(JettyMemory.REFERENCES_PER_CACHE_LINE);
        } else {
            System.setProperty(JettyMemory.REFERENCES_PER_CACHE_LINE, value);
        }
    }
}
