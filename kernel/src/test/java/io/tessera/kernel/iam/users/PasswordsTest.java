package io.tessera.kernel.iam.users;

import static org.assertj.core.api.Assertions.assertThat;

import io.tessera.kernel.config.KernelConfig;
import org.junit.jupiter.api.Test;

class PasswordsTest {

    @Test
    void theDefaultAdminPasswordsPrecomputedHashIsABcryptHashOfIt() {
        String stored = Passwords.hashForBootstrapAdmin(KernelConfig.Iam.DEFAULT_ADMIN_PASSWORD);

        assertThat(Passwords.isHash(stored)).isTrue();
        assertThat(stored).startsWith("$2a$10$");
        assertThat(Passwords.matches(KernelConfig.Iam.DEFAULT_ADMIN_PASSWORD, stored)).isTrue();
        assertThat(Passwords.matches("P@88w0rd!", stored)).isFalse();
    }

    @Test
    void aConfiguredAdminPasswordIsHashedWithASaltOfItsOwn() {
        String first = Passwords.hashForBootstrapAdmin("Secr3t-admin");
        String second = Passwords.hashForBootstrapAdmin("Secr3t-admin");

        assertThat(first).isNotEqualTo(second);
        assertThat(Passwords.matches("Secr3t-admin", first)).isTrue();
        assertThat(Passwords.matches("Secr3t-admin", second)).isTrue();
    }
}
