package io.tessera.kernel.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The named checks behind {@code /readyz}: the kernel's own (Kubernetes connection, boot
 * finished, not shutting down) and those modules add.
 */
public final class Readiness {

    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();
    private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void add(String name, BooleanSupplier check) {
        if (checks.putIfAbsent(name, check) != null) {
            throw new IllegalArgumentException("readiness check " + name + " already exists");
        }
        order.add(name);
    }

    /** One result per check, in the order they were added; a throwing check is failing. */
    public List<Result> evaluate() {
        List<Result> results = new ArrayList<>();
        for (String name : order) {
            boolean ok;
            try {
                ok = checks.get(name).getAsBoolean();
            } catch (RuntimeException e) {
                ok = false;
            }
            results.add(new Result(name, ok));
        }
        return results;
    }

    public boolean ready() {
        return evaluate().stream().allMatch(Result::ok);
    }

    public record Result(String name, boolean ok) {
    }
}
