package io.tessera.kernel.modules;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The kernel modules' typed service registry ({@code KernelContext.provide}/{@code lookup}): one
 * service per type, provided once, for the kernel's lifetime. Thread-safe, because modules may
 * start concurrently; nothing here waits, so a consumer looks a service up when it needs it (per
 * request) and copes with its absence, whatever order the modules started in.
 */
public final class ModuleServices {

    private final ConcurrentMap<Class<?>, Object> services = new ConcurrentHashMap<>();

    /** @throws IllegalStateException when another service of that type is already provided */
    public <T> void provide(Class<T> type, T service) {
        Objects.requireNonNull(type, "type");
        Object checked = type.cast(Objects.requireNonNull(service, "service"));
        Object earlier = services.putIfAbsent(type, checked);
        if (earlier != null) {
            throw new IllegalStateException(type.getName() + " is already provided by " + earlier.getClass().getName());
        }
    }

    public <T> Optional<T> lookup(Class<T> type) {
        return Optional.ofNullable(type.cast(services.get(type)));
    }
}
