package io.tessera.samples.hello;

import io.tessera.extension.api.ExtensionContext;
import io.tessera.extension.api.kube.Reconciler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Writes {@code status.message} = "{salutation}, {spec.name}!" (salutation from the configuration). */
final class GreetingReconciler implements Reconciler {

    private final ExtensionContext context;

    GreetingReconciler(ExtensionContext context) {
        this.context = context;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Result reconcile(Map<String, Object> greeting) {
        Map<String, Object> metadata = (Map<String, Object>) greeting.get("metadata");
        Map<String, Object> spec = greeting.get("spec") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        Map<String, Object> status = greeting.get("status") instanceof Map<?, ?> s ? (Map<String, Object>) s : Map.of();
        String message = context.config().getOrDefault("salutation", "Hello") + ", " + spec.getOrDefault("name", "world") + "!";
        Object generation = metadata.get("generation");
        if (message.equals(status.get("message")) && Objects.equals(generation, status.get("observedGeneration"))) {
            return Result.DONE;
        }
        Map<String, Object> updated = new LinkedHashMap<>(greeting);
        Map<String, Object> newStatus = new LinkedHashMap<>(status);
        newStatus.put("message", message);
        newStatus.put("observedGeneration", generation);
        updated.put("status", newStatus);
        context.kubernetes().resources(HelloExtension.GROUP, HelloExtension.VERSION, HelloExtension.GREETINGS)
                .updateStatus((String) metadata.get("namespace"), updated);
        return Result.DONE;
    }
}
