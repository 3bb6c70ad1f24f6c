package io.tessera.kernel.modules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModuleServicesTest {

    interface Greeter {
        String greet();
    }

    @Test
    void aProvidedServiceIsFoundByItsTypeAndAnAbsentOneIsEmpty() {
        ModuleServices services = new ModuleServices();
        assertThat(services.lookup(Greeter.class)).isEmpty();
        services.provide(Greeter.class, () -> "hello");
        assertThat(services.lookup(Greeter.class)).hasValueSatisfying(g -> assertThat(g.greet()).isEqualTo("hello"));
        assertThat(services.lookup(Runnable.class)).isEmpty();
    }

    @Test
    void aSecondServiceOfTheSameTypeIsRefusedAndTheFirstStays() {
        ModuleServices services = new ModuleServices();
        services.provide(Greeter.class, () -> "first");
        assertThatThrownBy(() -> services.provide(Greeter.class, () -> "second"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(Greeter.class.getName());
        assertThat(services.lookup(Greeter.class).orElseThrow().greet()).isEqualTo("first");
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aServiceThatIsNotOfItsTypeIsRefused() {
        ModuleServices services = new ModuleServices();
        assertThatThrownBy(() -> services.provide((Class) Greeter.class, "not a greeter")).isInstanceOf(ClassCastException.class);
        assertThat(services.lookup(Greeter.class)).isEmpty();
    }
}
