package io.tessera.extension.api.kube;

import java.time.Duration;
import java.util.Map;

/**
 * Brings one object of a watched kind to its desired state. Called by the runtime for every add
 * and update (and once for each existing object at start), one object at a time per controller.
 * A thrown exception is logged and retried with exponential backoff (1 s doubling to 60 s); the
 * kernel and other extensions are not affected.
 */
@FunctionalInterface
public interface Reconciler {

    Result reconcile(Map<String, Object> object) throws Exception;

    /** The outcome as a value: done, or run again after a delay. */
    record Result(Duration requeueAfter) {
        public static final Result DONE = new Result(null);

        public static Result requeueAfter(Duration delay) {
            return new Result(delay);
        }
    }
}
