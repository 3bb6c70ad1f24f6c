package io.tessera.kernel.modules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BootPhasesTest {

    @Test
    void eachMarkTimesTheStepSinceThePreviousOneInOrder() throws Exception {
        BootPhases phases = new BootPhases(LoggerFactory.getLogger(BootPhasesTest.class), "test");
        Thread.sleep(30);
        BootPhases.Phase first = phases.mark("first");
        BootPhases.Phase second = phases.mark("second");

        assertThat(first.millis()).isGreaterThanOrEqualTo(30);
        // the second step began at the first mark, not at construction
        assertThat(second.millis()).isLessThan(first.millis());
        assertThat(phases.phases()).extracting(BootPhases.Phase::name).containsExactly("first", "second");
    }

    @Test
    void threadCpuTimeIsOnlyMeasuredWhenDebugLoggingWouldShowIt() {
        // the test logger is at info, so the management classes are not loaded for nothing
        BootPhases phases = new BootPhases(LoggerFactory.getLogger(BootPhasesTest.class), "test");
        assertThat(phases.mark("step").cpuMillis()).isEqualTo(-1);
    }
}
