package io.tessera.kernel.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.kernel.spi.KernelContext;
import io.tessera.kernel.spi.KernelModule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleOrderTest {

    record M(String name, List<String> dependsOn) implements KernelModule {
        @Override
        public void start(KernelContext context) {
        }
    }

    static List<String> names(List<KernelModule> modules) {
        return modules.stream().map(KernelModule::name).toList();
    }

    @Test
    void dependenciesStartFirstAndTiesKeepDiscoveryOrder() {
        List<KernelModule> sorted = ModuleOrder.sort(List.of(
                new M("tenancy", List.of("iam")), new M("audit", List.of()), new M("iam", List.of()),
                new M("extensions", List.of("tenancy", "iam"))));
        assertThat(names(sorted)).containsExactly("iam", "tenancy", "audit", "extensions");
    }

    @Test
    void cycleIsRefusedWithItsPath() {
        assertThatThrownBy(() -> ModuleOrder.sort(List.of(
                new M("a", List.of("b")), new M("b", List.of("c")), new M("c", List.of("a")))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kernel module dependency cycle: a -> b -> c -> a");
    }

    @Test
    void selfDependencyIsACycle() {
        assertThatThrownBy(() -> ModuleOrder.sort(List.of(new M("a", List.of("a")))))
                .hasMessage("kernel module dependency cycle: a -> a");
    }

    @Test
    void missingDependencyAndDuplicateNamesAreRefused() {
        assertThatThrownBy(() -> ModuleOrder.sort(List.of(new M("tenancy", List.of("iam")))))
                .hasMessage("kernel module tenancy depends on iam, which is not present");
        assertThatThrownBy(() -> ModuleOrder.sort(List.of(new M("iam", List.of()), new M("iam", List.of()))))
                .hasMessage("two kernel modules are named iam");
    }
}
